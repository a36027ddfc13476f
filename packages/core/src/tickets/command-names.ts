import type { SlaTarget } from '../events/event-map.js';
import type { CommandName } from '../sdk/plugin.js';

// The names of the commands, apart from the runner: notification planning names them without importing it.

/** What the scheduler's commands take: the SLA check it worked out; nothing for the others. */
export interface SystemCommandInputs {
  /** Moves the `sla` region and fires the targets' crossings. */
  slaCheck: { type: 'SLA_OK' | 'SLA_WARNING' | 'SLA_BREACH' | 'SLA_PAUSE'; warned: SlaTarget[]; breached: SlaTarget[] };
  /** Closes a resolved ticket after the quiet period. */
  autoClose: Record<string, never>;
  /** Reminds a customer who has not answered. */
  remind: Record<string, never>;
  /** Works out a ticket's due times and next check again, when nothing else was due. */
  reschedule: Record<string, never>;
}

/** The name of a command the scheduler runs (never a host: they have no public method). */
export type SystemCommandName = keyof SystemCommandInputs;

/** Any command the runner runs. */
export type SpecName = CommandName | SystemCommandName;
