/**
 * `@ticketkit/widget`: `<ticketkit-widget endpoint="/support">`, the
 * customer-facing intake and "my requests" widget. Importing defines the
 * element in a browser and does nothing on a server (SSR-safe).
 *
 * @packageDocumentation
 */
import { TicketkitWidget } from './element.js';

export { ApiError, type FieldError } from './api.js';
export { type Identity, type Prefill, TicketkitWidget } from './element.js';
export type { Strings } from './i18n.js';
export type { TicketkitWidgetAttributes } from './jsx.js';
export type { StorageMode } from './storage.js';

/** The element's tag name. */
export const TAG = 'ticketkit-widget';

/** Defines `<ticketkit-widget>` unless it is defined already (or there is no DOM, as on a server). */
export function defineTicketkitWidget(): void {
  if (typeof customElements !== 'undefined' && !customElements.get(TAG)) customElements.define(TAG, TicketkitWidget);
}

/**
 * The link that opens the widget on a ticket, for your auto-response email:
 * `followUrl('https://app.example/help', '042917', accessToken)` →
 * `https://app.example/help#tk=042917.<token>`. The widget takes the token off
 * the address bar once read; a fragment never reaches your server's logs.
 */
export function followUrl(page: string, ticketNumber: string, accessToken: string): string {
  return `${page.split('#')[0]}#tk=${encodeURIComponent(ticketNumber)}.${accessToken}`;
}

defineTicketkitWidget();

declare global {
  interface HTMLElementTagNameMap {
    'ticketkit-widget': TicketkitWidget;
  }
  // The widget's events bubble out of the element (composed), so listeners on it or on the document get them typed.
  interface HTMLElementEventMap {
    'ticketkit:open': CustomEvent<undefined>;
    'ticketkit:close': CustomEvent<undefined>;
    'ticketkit:submitted': CustomEvent<{ number: string }>;
    'ticketkit:error': CustomEvent<{ status: number; code: string; message: string }>;
  }
}
