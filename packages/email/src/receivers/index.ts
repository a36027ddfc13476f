export { createImapPoller, type ImapPoller, type ImapPollerOptions } from './imap-poller.js';
export { createSmtpReceiver, type SmtpReceiver, type SmtpReceiverOptions } from './smtp-receiver.js';
