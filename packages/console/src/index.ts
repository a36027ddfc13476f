/**
 * `<ticketkit-console>`: the agent workspace of ticketkit as a
 * framework-free custom element. Importing this module registers it.
 *
 * @packageDocumentation
 * @module @ticketkit/console
 */
import { defineTicketkitConsole } from './ticketkit-console.js';

export { QUEUES } from './queue-nav.js';
export { SHORTCUTS } from './shortcuts.js';
export { defineTicketkitConsole, TicketkitConsole } from './ticketkit-console.js';

defineTicketkitConsole();
