import type * as z from 'zod';
import type { HelpDesk } from '../desk/help-desk.js';
import type { Actor } from '../schemas/actor.js';
import type {
  assignInputSchema,
  bodyInputSchema,
  closeInputSchema,
  confirmResolutionInputSchema,
  emptyInputSchema,
  feedbackInputSchema,
  noteInputSchema,
  openTicketInputSchema,
  reopenInputSchema,
  replyInputSchema,
  resolveInputSchema,
  transferInputSchema,
  updateInputSchema,
} from '../schemas/commands.js';
import type { Ticket } from '../schemas/ticket.js';
import type { Logger } from './logger.js';

/** The validated input of each command, as hooks see it (defaults applied). */
export interface CommandInputs {
  /** `desk.tickets.open` */
  open: z.output<typeof openTicketInputSchema>;
  /** `desk.tickets.assign` */
  assign: z.output<typeof assignInputSchema>;
  /** `desk.tickets.unassign` */
  unassign: z.output<typeof emptyInputSchema>;
  /** `desk.tickets.transfer` */
  transfer: z.output<typeof transferInputSchema>;
  /** `desk.tickets.reply` */
  reply: z.output<typeof replyInputSchema>;
  /** `desk.tickets.note` */
  note: z.output<typeof noteInputSchema>;
  /** `desk.tickets.startWork` */
  startWork: z.output<typeof emptyInputSchema>;
  /** `desk.tickets.requestInfo` */
  requestInfo: z.output<typeof bodyInputSchema>;
  /** `desk.tickets.resolve` */
  resolve: z.output<typeof resolveInputSchema>;
  /** `desk.tickets.confirmResolution` */
  confirmResolution: z.output<typeof confirmResolutionInputSchema>;
  /** `desk.tickets.feedback` */
  feedback: z.output<typeof feedbackInputSchema>;
  /** `desk.tickets.close` */
  close: z.output<typeof closeInputSchema>;
  /** `desk.tickets.reopen` */
  reopen: z.output<typeof reopenInputSchema>;
  /** `desk.tickets.update` */
  update: z.output<typeof updateInputSchema>;
}

/** The name of a ticket command. */
export type CommandName = keyof CommandInputs;

/** What a before-hook knows about the command it may amend or reject. */
export interface BeforeHookContext {
  /** The command about to run. */
  command: CommandName;
  /** Who runs it. */
  actor: Actor;
  /** The ticket it acts on; `null` for `open`. */
  ticket: Ticket | null;
  /**
   * Refuses the command with `VALIDATION_FAILED` naming `field` (a path such
   * as `'body'` or `['requester', 'email']`; omit for the input as a whole).
   */
  reject(message: string, field?: string | readonly (string | number)[]): never;
}

/**
 * Runs before a command, after its input is validated and its actor
 * authorized. Return an amended input (it is validated again) or nothing to
 * keep it; call `context.reject()` to refuse the command.
 */
export type BeforeHook<C extends CommandName> = (
  input: CommandInputs[C],
  context: BeforeHookContext,
  // `void` so that a hook which only inspects (and maybe rejects) needs no `return`.
  // biome-ignore lint/suspicious/noConfusingVoidType: a hook may return nothing at all
) => CommandInputs[C] | undefined | void | Promise<CommandInputs[C] | undefined | void>;

/** What an after-hook receives: the committed result. */
export interface AfterHookContext<C extends CommandName> {
  /** The command that ran. */
  command: C;
  /** Who ran it. */
  actor: Actor;
  /** The input it ran with. */
  input: CommandInputs[C];
  /** The ticket as committed. */
  ticket: Ticket;
}

/**
 * Runs after a command committed (e.g. to auto-assign a new ticket by topic).
 * It cannot undo the command; if it throws, the error is logged.
 */
export type AfterHook<C extends CommandName> = (context: AfterHookContext<C>) => void | Promise<void>;

/** What a plugin's `setup` receives. */
export interface PluginContext {
  /** The desk, to run commands and queries (act as `{ type: 'system' }` for automation). */
  desk: HelpDesk;
  /** The desk's logger. */
  logger: Logger;
  /** Registers a before-hook for a command. Hooks run in plugin order. */
  before<C extends CommandName>(command: C, hook: BeforeHook<C>): void;
  /** Registers an after-hook for a command. */
  after<C extends CommandName>(command: C, hook: AfterHook<C>): void;
}

/**
 * A ticketkit plugin: a plain object with a literal `id`, usually returned by
 * a function named after the feature. `setup` registers hooks and listeners.
 *
 * @example
 * ```ts
 * export function spamFilter(options: { words: string[] }): TicketkitPlugin {
 *   return {
 *     id: 'spam-filter',
 *     setup({ before }) {
 *       before('open', (input, { reject }) => {
 *         if (options.words.some((word) => input.body.includes(word))) reject('looks like spam', 'body');
 *       });
 *     },
 *   };
 * }
 * ```
 */
export interface TicketkitPlugin {
  /** A unique, stable name. */
  readonly id: string;
  /** Called once by `createHelpDesk`, in plugin order. */
  setup(context: PluginContext): void | Promise<void>;
}
