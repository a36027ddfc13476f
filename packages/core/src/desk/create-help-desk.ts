import { createAccessTokens } from '../access/access-tokens.js';
import { createDirectoryCache } from '../directory/directory-cache.js';
import { createDirectoryApi } from '../directory/directory-service.js';
import { validationError } from '../errors/ticketkit-error.js';
import { createEventBus } from '../events/event-bus.js';
import { createLifecycle } from '../lifecycle/lifecycle.js';
import { createDeliveriesApi } from '../notify/delivery-log.js';
import { createOutbox } from '../notify/outbox.js';
import { createQueues } from '../queues/queue-service.js';
import { createScheduler } from '../scheduler/scheduler.js';
import { consoleLogger } from '../sdk/logger.js';
import { NOTIFICATION_TYPES, type Notifier } from '../sdk/notifier.js';
import type { TicketkitPlugin } from '../sdk/plugin.js';
import { defaultSlaPolicy } from '../sla/default-sla-policy.js';
import { assertStorageAdapter, createStorageGateway, missingDeliveryMethods } from '../storage/storage-gateway.js';
import { allowedActions, canView } from '../tickets/allowed-actions.js';
import { createCannedResponsesApi } from '../tickets/canned-responses.js';
import { openTicket, openWithAccessToken } from '../tickets/open-ticket.js';
import { runCommand } from '../tickets/run-command.js';
import { TICKET_COMMANDS } from '../tickets/ticket-commands.js';
import { createTicketNumberer } from '../tickets/ticket-numbers.js';
import { getHistory, getThread, getTicket, searchTickets } from '../tickets/ticket-queries.js';
import { systemClock } from '../time/clock.js';
import { createChangesApi } from './changes-api.js';
import type { DeskContext } from './desk-context.js';
import type { HelpDesk, TicketsApi } from './help-desk.js';
import { type HelpDeskOptions, resolveSettings } from './help-desk-options.js';
import { createHookRegistry } from './hooks.js';

/**
 * Checks a list of plugin objects (plugins, notifiers): each has a unique,
 * non-empty `id` and the method it must have. Every problem is listed at once.
 */
function checkPluginList<T>(list: unknown, option: string, method: string): T[] {
  if (list === undefined) return [];
  if (!Array.isArray(list))
    throw validationError([{ path: [option], message: 'must be an array' }], 'createHelpDesk options');
  const issues = list.flatMap((item, index) => {
    const found = [];
    if (typeof item?.id !== 'string' || item.id === '')
      found.push({ path: [option, index, 'id'], message: 'is required' });
    if (typeof item?.[method] !== 'function')
      found.push({ path: [option, index, method], message: 'must be a function' });
    return found;
  });
  const ids = list.map((item) => item?.id);
  ids.forEach((id, index) => {
    if (ids.indexOf(id) !== index) issues.push({ path: [option, index, 'id'], message: `duplicates the id '${id}'` });
  });
  if (issues.length) throw validationError(issues, 'createHelpDesk options');
  return list;
}

/**
 * Checks each notifier's `types`: a misspelt type would otherwise mean the
 * notifier silently never hears of it.
 */
function checkNotifierTypes(notifiers: readonly Notifier[]): void {
  const issues = notifiers.flatMap((notifier, index) => {
    const types: unknown = notifier.types;
    if (types === undefined) return [];
    if (!Array.isArray(types) || types.length === 0) {
      return [
        {
          path: ['notifiers', index, 'types'],
          message: 'must be a non-empty array of notification types (leave it out for all)',
        },
      ];
    }
    return types.flatMap((type, position) =>
      NOTIFICATION_TYPES.includes(type)
        ? []
        : [
            {
              path: ['notifiers', index, 'types', position],
              message: `is not a notification type (${NOTIFICATION_TYPES.join(', ')})`,
            },
          ],
    );
  });
  if (issues.length) throw validationError(issues, 'createHelpDesk options');
}

/**
 * Creates a help desk on the given storage: checks the options, prepares the
 * storage (migrations), sets up plugins, and returns the {@link HelpDesk}.
 *
 * @example
 * ```ts
 * const desk = await createHelpDesk({ storage: memoryStorage() });
 * await desk.departments.upsert({ id: 'help', name: 'Help Desk' });
 * const ticket = await desk.tickets.open(
 *   { subject: 'Password reset', body: 'I cannot log in.', departmentId: 'help' },
 *   { actor: { type: 'customer', email: 'ken@example.com' } },
 * );
 * ```
 */
export async function createHelpDesk<TFields = Record<string, unknown>>(
  options: HelpDeskOptions<TFields>,
): Promise<HelpDesk<TFields>> {
  if (typeof options !== 'object' || options === null) {
    throw validationError(
      [{ path: [], message: 'createHelpDesk needs an options object with a storage' }],
      'createHelpDesk options',
    );
  }
  assertStorageAdapter(options.storage);
  const plugins = checkPluginList<TicketkitPlugin>(options.plugins, 'plugins', 'setup');
  const notifiers = checkPluginList<Notifier>(options.notifiers, 'notifiers', 'send');
  checkNotifierTypes(notifiers);
  const settings = resolveSettings(options);
  const missing = notifiers.length ? missingDeliveryMethods(options.storage) : [];
  if (missing.length) {
    throw validationError(
      missing.map((method) => ({ path: ['storage', method], message: 'is required when the desk has notifiers' })),
      `storage '${options.storage.id}' for a desk with notifiers`,
    );
  }
  const logger = options.logger ?? consoleLogger;
  const storage = createStorageGateway(options.storage);
  await storage.init?.();

  const context: Omit<DeskContext, 'outbox'> = {
    storage,
    directory: createDirectoryCache(storage, settings.directoryCacheTtlMs),
    lifecycle: createLifecycle({ requireConfirmation: settings.requireConfirmation }),
    clock: options.clock ?? systemClock,
    bus: createEventBus((error, { event }) => logger.error(`listener of ${event} failed`, { error })),
    logger,
    hooks: createHookRegistry(logger),
    settings,
    fields: options.fields,
    numbers: createTicketNumberer(options.ticketNumber ?? {}, storage),
    notifiers,
    sla: options.sla ?? defaultSlaPolicy(),
    links: options.links ?? {},
  };
  const desk = context as DeskContext;
  desk.outbox = createOutbox(desk);
  const scheduler = createScheduler(desk, desk.outbox);
  const directory = {
    departments: createDirectoryApi(desk, 'departments'),
    teams: createDirectoryApi(desk, 'teams'),
    agents: createDirectoryApi(desk, 'agents'),
    calendars: createDirectoryApi(desk, 'calendars'),
    slaPlans: createDirectoryApi(desk, 'slaPlans'),
    cannedResponses: createCannedResponsesApi(desk, createDirectoryApi(desk, 'cannedResponses')),
  };
  // A policy may bring its calendars and plans; calendars first, since plans refer to them.
  for (const calendar of desk.sla.calendars ?? []) await directory.calendars.upsert(calendar);
  for (const plan of desk.sla.plans ?? []) await directory.slaPlans.upsert(plan);

  const command =
    <C extends keyof typeof TICKET_COMMANDS>(name: C) =>
    (ref: string, input: unknown, commandOptions: Parameters<typeof runCommand>[4]) =>
      runCommand(desk, TICKET_COMMANDS[name] as never, ref, input, commandOptions);

  const tickets: TicketsApi = {
    open: async (input, openOptions) => (await openTicket(desk, input, openOptions)).ticket,
    openWithAccessToken: (input, openOptions) => openWithAccessToken(desk, input, openOptions),
    assign: command('assign'),
    unassign: command('unassign'),
    transfer: command('transfer'),
    reply: command('reply'),
    note: command('note'),
    startWork: command('startWork'),
    requestInfo: command('requestInfo'),
    resolve: command('resolve'),
    confirmResolution: command('confirmResolution'),
    feedback: command('feedback'),
    close: command('close'),
    reopen: command('reopen'),
    update: command('update'),
    get: (ref, queryOptions) => getTicket(desk, ref, queryOptions),
    thread: (ref, queryOptions) => getThread(desk, ref, queryOptions),
    history: (ref, queryOptions) => getHistory(desk, ref, queryOptions),
    search: (text, listOptions) => searchTickets(desk, text, listOptions),
    allowedActions: (ref, queryOptions) => allowedActions(desk, ref, queryOptions),
    canView: (ticket, queryOptions) => canView(desk, ticket, queryOptions),
  };

  let closing: Promise<void> | undefined;
  const helpDesk: HelpDesk = {
    tickets,
    queues: createQueues(desk),
    ...directory,
    scheduler,
    deliveries: createDeliveriesApi(desk, desk.outbox),
    accessTokens: createAccessTokens(desk),
    changes: createChangesApi(storage),
    lifecycle: desk.lifecycle,
    customFields: options.fields,
    on: (event, listener) => desk.bus.on(event, listener),
    once: (event, listener) => desk.bus.once(event, listener),
    close() {
      // Once: a host may close from a signal handler and its own shutdown both, and every caller waits for the one.
      closing ??= (async () => {
        // Finish what is under way (a sweep, notifications being sent) before the storage goes.
        await scheduler.stop();
        await desk.outbox.idle();
        desk.bus.clear();
        await storage.close?.();
      })();
      return closing;
    },
  };

  for (const plugin of plugins) {
    await plugin.setup({
      desk: helpDesk,
      logger,
      before: (name, hook) => desk.hooks.before(name, hook),
      after: (name, hook) => desk.hooks.after(name, hook),
    });
  }
  // Custom fields are typed by the host's schema; at runtime they are the validated plain objects.
  return helpDesk as unknown as HelpDesk<TFields>;
}
