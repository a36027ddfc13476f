export {
  checkVariables,
  isTemplateVariable,
  parseTemplate,
  renderTemplate,
  TEMPLATE_VARIABLES,
  type Template,
} from './template.js';
