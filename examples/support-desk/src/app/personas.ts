import type { Actor } from '@ticketkit/core';

/** One of the demo's people: who the persona switcher signs you in as. */
export interface Persona {
  /** The cookie's value. */
  id: string;
  /** The name shown in the switcher. */
  name: string;
  /** What they do, shown under the name. */
  role: string;
  /** Who they are to the desk. */
  actor: Actor;
}

/** The demo's people: two customers, two agents and an admin (the seeds' cast). */
export const PERSONAS: readonly Persona[] = [
  {
    id: 'karen',
    name: 'Karen',
    role: 'Customer',
    actor: { type: 'customer', email: 'karen@example.com', name: 'Karen' },
  },
  { id: 'ken', name: 'Ken', role: 'Customer', actor: { type: 'customer', email: 'ken@example.com', name: 'Ken' } },
  { id: 'isabella', name: 'Isabella', role: 'Help Desk', actor: { type: 'agent', id: 'isabella' } },
  { id: 'winston', name: 'Winston', role: 'Level 2 Support', actor: { type: 'agent', id: 'winston' } },
  { id: 'admin', name: 'Alex', role: 'Admin', actor: { type: 'agent', id: 'admin' } },
];

/** The demo's session cookie: it names the persona. */
export const COOKIE = 'demo-persona';

/**
 * Who is signed in: the persona the demo cookie names. This is the function a
 * host replaces by its own session lookup.
 */
export function personaOf(cookieHeader: string | null | undefined): Persona | undefined {
  const id = new RegExp(`(?:^|;\\s*)${COOKIE}=([a-z]+)`).exec(cookieHeader ?? '')?.[1];
  return PERSONAS.find((persona) => persona.id === id);
}
