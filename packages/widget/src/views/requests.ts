import { h } from '../dom.js';
import { fill, type Strings } from '../i18n.js';

/** A ticket as its requester sees it (the fields the widget shows). */
export interface CustomerTicket {
  /** The ticket number, a string in the desk's format (it may start with zeros). */
  number: string;
  subject: string;
  status: 'open' | 'in_progress' | 'awaiting_customer' | 'resolved' | 'closed';
  updatedAt: string;
  feedback?: { rating: number } | null;
}

/** One public entry of a ticket's thread. */
export interface ThreadEntry {
  id: string;
  kind: string;
  internal: boolean;
  author: { type: string; name: string | null };
  body: string;
  createdAt: string;
}

const when = (iso: string, lang: string) =>
  new Date(iso).toLocaleString(lang, { dateStyle: 'medium', timeStyle: 'short' });

/** The status in plain words, as a badge. */
export const badge = (ticket: CustomerTicket, s: Strings) =>
  h('span', { class: `badge s-${ticket.status}`, part: 'status', text: s[ticket.status] });

/** "My requests": one button per ticket with its subject, status and last update. */
export function requestList(tickets: CustomerTicket[], s: Strings, lang: string, open: (n: string) => void) {
  if (!tickets.length) return h('p', { class: 'mu', text: s.none });
  return h(
    'ul',
    {},
    ...tickets.map((t) =>
      h(
        'li',
        {},
        h(
          'button',
          { class: 'item', part: 'request', onclick: () => open(t.number) },
          h('span', { class: 'row' }, h('b', { text: t.subject }), badge(t, s)),
          h('span', { class: 'mu', text: `#${t.number} · ${fill(s.updated, when(t.updatedAt, lang))}` }),
        ),
      ),
    ),
  );
}

/** The public thread, oldest first; every body is text, never HTML. */
export function threadList(items: ThreadEntry[], s: Strings, lang: string) {
  return h(
    'ol',
    { 'aria-label': s.mine },
    ...items
      .filter((e) => !e.internal && (e.kind === 'message' || e.kind === 'reply'))
      .map((e) => {
        const me = e.author.type === 'customer';
        return h(
          'li',
          { class: me ? 'msg me' : 'msg', part: 'message' },
          h('small', { text: `${me ? s.you : (e.author.name ?? s.support)} · ${when(e.createdAt, lang)}` }),
          h('p', { text: e.body }),
        );
      }),
  );
}

/** The rating control: five radio buttons drawn as stars. */
export function stars(s: Strings) {
  const group = h('div', { class: 'stars' });
  const paint = () => {
    const chosen = Number(group.querySelector<HTMLInputElement>('input:checked')?.value ?? 0);
    group.querySelectorAll('label').forEach((label, i) => {
      label.classList.toggle('on', i < chosen);
    });
  };
  for (let n = 1; n <= 5; n++) {
    group.append(
      h(
        'label',
        {},
        h('input', { type: 'radio', name: 'rating', value: n, 'aria-label': fill(s.stars, n), onchange: paint }),
        h('span', { 'aria-hidden': 'true', text: '★' }),
      ),
    );
  }
  return h('fieldset', {}, h('legend', { text: s.rating }), group);
}
