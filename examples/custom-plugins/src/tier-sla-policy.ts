import { type CalendarInput, defaultSlaPolicy, type SlaPlanInput, type SlaPolicy, type Ticket } from '@ticketkit/core';

/** One tier's targets: an SLA plan whose id and name default to the tier's. */
export type TierPlan = Omit<SlaPlanInput, 'id' | 'name'> & {
  /**
   * The plan's id in the directory.
   * @default `tier-<tier>`, e.g. `tier-platinum`
   */
  id?: string;
  /**
   * The plan's name, as agents see it.
   * @default `<Tier> tier`, e.g. `Platinum tier`
   */
  name?: string;
};

/** Options of {@link tierSlaPolicy}. */
export interface TierSlaPolicyOptions<Tier extends string> {
  /** The plan of each customer tier: `{ platinum: { firstResponseWithin: '1h', … }, standard: { … } }`. */
  tiers: Readonly<Record<Tier, TierPlan>>;
  /**
   * Which tier a ticket's customer is in, from the ticket as it is opened;
   * a tier not in `tiers` counts as unknown. Synchronous, like the whole
   * policy: look the customer up before the ticket is opened (and put the
   * tier in a custom field), not here.
   * @default the custom field `tier` (`ticket.fields.tier`)
   */
  tierOf?: (ticket: Ticket) => string | null | undefined;
  /**
   * The tier of tickets whose tier is unknown.
   * @default none: such tickets have no plan until an agent sets one
   */
  defaultTier?: NoInfer<Tier>;
  /**
   * Business-hours calendars the tiers' plans count in (`calendarId`).
   * @default []
   */
  calendars?: readonly CalendarInput[];
}

const tierField = (ticket: Ticket) => (typeof ticket.fields.tier === 'string' ? ticket.fields.tier : null);
const titleCase = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);

/**
 * An SLA policy with a plan per customer tier: platinum customers get
 * shorter targets than standard ones. It chooses the plan and leaves the
 * counting to {@link defaultSlaPolicy} (business hours, the pause while
 * awaiting the customer, replays when the plan changes).
 *
 * The tier is read when the ticket opens. Like any policy's default plan, it
 * is chosen again when priority, department or topic change, but not when
 * custom fields do: to move a ticket to another tier's plan, set its
 * `slaPlanId` with `desk.tickets.update`.
 *
 * @example
 * ```ts
 * const desk = await createHelpDesk({
 *   storage,
 *   fields: z.object({ tier: z.enum(['platinum', 'standard']).optional() }),
 *   sla: tierSlaPolicy({
 *     tiers: {
 *       platinum: { firstResponseWithin: '1h', resolveWithin: '4h' },
 *       standard: { firstResponseWithin: '8h', resolveWithin: '5d', calendarId: 'office' },
 *     },
 *     defaultTier: 'standard',
 *     calendars: [{ id: 'office', timeZone: 'Europe/London', weekly: { mon: [['09:00', '17:00']] } }],
 *   }),
 * });
 * ```
 */
export function tierSlaPolicy<Tier extends string>(options: TierSlaPolicyOptions<Tier>): SlaPolicy {
  const entries = Object.entries<TierPlan>(options.tiers);
  if (entries.length === 0) throw new TypeError('tierSlaPolicy: tiers must name at least one tier');
  const tierPlans = entries.map(
    ([tier, { id = `tier-${tier}`, name = `${titleCase(tier)} tier`, ...targets }]) =>
      [tier, { ...targets, id, name }] as const,
  );
  // A Map, not the options object: a tier read from customer data must never reach `constructor` or `__proto__`.
  const planOfTier = new Map(tierPlans.map(([tier, plan]) => [tier, plan.id]));
  const { defaultTier } = options;
  if (defaultTier !== undefined && !planOfTier.has(defaultTier)) {
    throw new TypeError(
      `tierSlaPolicy: defaultTier '${defaultTier}' is not one of the tiers (${[...planOfTier.keys()].join(', ')})`,
    );
  }
  const tierOf = options.tierOf ?? tierField;

  const counting = defaultSlaPolicy({
    calendars: options.calendars ?? [],
    plans: tierPlans.map(([, plan]) => plan),
  });

  return {
    id: 'tier',
    calendars: counting.calendars,
    plans: counting.plans,
    selectPlan(ticket, plans) {
      const tier = tierOf(ticket);
      const planId =
        (tier != null ? planOfTier.get(tier) : undefined) ??
        (defaultTier !== undefined ? planOfTier.get(defaultTier) : undefined);
      // The directory is the truth, not these options: name only a plan it holds, as defaultSlaPolicy does.
      return planId !== undefined && plans.some((plan) => plan.id === planId) ? planId : null;
    },
    evaluate: (input) => counting.evaluate(input),
  };
}
