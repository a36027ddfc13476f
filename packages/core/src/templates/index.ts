export {
  type CheckVariablesOptions,
  checkVariables,
  isTemplateVariable,
  type ParsedTemplate,
  parseTemplate,
  type RenderTemplateOptions,
  renderTemplate,
  TEMPLATE_VARIABLES,
  type TemplatePart,
  type TemplateValues,
  type TemplateVariable,
} from './template.js';
