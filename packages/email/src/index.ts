/**
 * Email for ticketkit: {@link emailNotifier} sends notifications as threaded
 * mail; {@link createEmailIntake} turns incoming mail into tickets and
 * replies, fed by {@link createSmtpReceiver}, {@link createImapPoller} or the
 * server's `POST /inbound/email`.
 * @packageDocumentation
 */

export * from './inbound/index.js';
export * from './outbound/index.js';
export * from './receivers/index.js';
export * from './threading/index.js';
