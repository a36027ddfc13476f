// The script-tag build: <script type="module" src=".../ticketkit-widget.js" data-endpoint="/support"></script>
// defines the element and adds one to the page, with the script tag's data-* attributes as its attributes.
import { defineTicketkitWidget } from './index.js';

defineTicketkitWidget();
const self = Array.from(document.querySelectorAll<HTMLScriptElement>('script[data-endpoint]')).find(
  (script) => script.src === import.meta.url,
);
if (self && !document.querySelector('ticketkit-widget')) {
  const widget = document.createElement('ticketkit-widget');
  for (const [key, value] of Object.entries(self.dataset)) {
    widget.setAttribute(
      key.replace(/[A-Z]/g, (c: string) => `-${c.toLowerCase()}`),
      value ?? '',
    );
  }
  document.body.append(widget);
}
