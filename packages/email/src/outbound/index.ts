export { type EmailNotifierOptions, type EmailTransport, emailNotifier, type Mailbox } from './email-notifier.js';
export { escapeHtml, html, TrustedHtml, textToHtml } from './html.js';
export { smtpFailure } from './smtp-failure.js';
export {
  defaultEmail,
  type EmailContent,
  type EmailTemplate,
  type EmailTemplates,
  type EmailView,
  renderEmail,
  taggedSubject,
} from './templates.js';
