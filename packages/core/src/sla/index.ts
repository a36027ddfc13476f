export {
  addOpenTime,
  isOpen,
  nextOpening,
  type OpenSpan,
  openSpans,
  openTimeBetween,
} from './business-time.js';
export {
  type DefaultPlanRules,
  type DefaultSlaPolicyOptions,
  defaultSlaPolicy,
  overallSlaState,
} from './default-sla-policy.js';
