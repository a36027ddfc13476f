export type { BounceReport } from './bounces.js';
export {
  createEmailIntake,
  type EmailIntake,
  type EmailIntakeOptions,
  type IgnoreReason,
  type IngestResult,
  type MatchedBy,
} from './intake.js';
export { type MessageLog, memoryMessageLog } from './message-log.js';
export { type AutomaticKind, automaticKind, type HeaderLookup } from './noise.js';
export { fileOriginals, type OriginalStore } from './originals.js';
export { type StrippedReply, stripQuotedReply } from './strip-quotes.js';
