export {
  notificationMessageId,
  type ParsedMessageId,
  parseOurMessageIds,
  parseReplyAddress,
  replyAddressFor,
  type ThreadingOptions,
  threadRootId,
} from './message-ids.js';
