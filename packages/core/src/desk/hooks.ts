import { validationError } from '../errors/ticketkit-error.js';
import type { Logger } from '../sdk/logger.js';
import type {
  AfterHook,
  AfterHookContext,
  BeforeHook,
  BeforeHookContext,
  CommandInputs,
  CommandName,
} from '../sdk/plugin.js';

/** The before- and after-hooks plugins registered, by command. */
export interface HookRegistry {
  /** Registers a before-hook. */
  before<C extends CommandName>(command: C, hook: BeforeHook<C>): void;
  /** Registers an after-hook. */
  after<C extends CommandName>(command: C, hook: AfterHook<C>): void;
  /** Runs the before-hooks of a command in order; each sees the previous one's amendment. */
  runBefore<C extends CommandName>(
    command: C,
    input: CommandInputs[C],
    context: Omit<BeforeHookContext, 'reject' | 'command'>,
    revalidate: (input: unknown) => CommandInputs[C],
  ): Promise<CommandInputs[C]>;
  /** Runs the after-hooks of a command; failures are logged, never thrown. */
  runAfter<C extends CommandName>(context: AfterHookContext<C>): Promise<void>;
  /** Whether a command has before-hooks (commands skip the hook machinery when it has none). */
  hasBefore(command: CommandName): boolean;
  /** Whether a command has after-hooks. */
  hasAfter(command: CommandName): boolean;
}

function reject(message: string, field?: string | readonly (string | number)[]): never {
  const path = field === undefined ? [] : typeof field === 'string' ? [field] : [...field];
  throw validationError([{ path, message }], 'input (refused by a plugin)');
}

/** Creates an empty {@link HookRegistry}. */
export function createHookRegistry(logger: Logger): HookRegistry {
  const before = new Map<CommandName, BeforeHook<never>[]>();
  const after = new Map<CommandName, AfterHook<never>[]>();
  return {
    before(command, hook) {
      before.set(command, [...(before.get(command) ?? []), hook as unknown as BeforeHook<never>]);
    },
    after(command, hook) {
      after.set(command, [...(after.get(command) ?? []), hook as unknown as AfterHook<never>]);
    },
    hasBefore: (command) => before.has(command),
    hasAfter: (command) => after.has(command),
    async runBefore(command, input, context, revalidate) {
      let current = input;
      for (const hook of (before.get(command) ?? []) as unknown as BeforeHook<typeof command>[]) {
        const amended = await hook(current, { ...context, command, reject });
        // An amendment is input like any other: it is validated again before it is used.
        if (amended !== undefined) current = revalidate(amended);
      }
      return current;
    },
    async runAfter(context) {
      if (!after.has(context.command)) return;
      for (const hook of (after.get(context.command) ?? []) as unknown as AfterHook<typeof context.command>[]) {
        try {
          await hook(context);
        } catch (error) {
          logger.error(`after-hook of ${context.command} failed`, { error, ticketId: context.ticket.id });
        }
      }
    },
  };
}
