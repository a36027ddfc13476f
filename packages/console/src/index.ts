/**
 * `<ticketkit-console>`: the agent workspace of ticketkit as a
 * framework-free custom element. Importing this module registers it.
 *
 * @packageDocumentation
 * @module @ticketkit/console
 */
import { defineTicketkitConsole } from './ticketkit-console.js';

export { SHORTCUTS } from './shortcuts.js';
export { defineTicketkitConsole, QUEUES, TicketkitConsole } from './ticketkit-console.js';

defineTicketkitConsole();
