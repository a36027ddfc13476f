import { ApiError, type CallOptions, call, deliver, type WaitReason } from './api.js';
import { focusables, h } from './dom.js';
import { fill, localize, type Strings } from './i18n.js';
import { openStore, type StorageMode, type Store, wipeStorage } from './storage.js';
import { adoptStyles } from './styles.js';
import {
  check,
  control,
  controlValue,
  type FieldDef,
  fieldDefs,
  type IntakeSchema,
  intakeBody,
  markField,
  type Values,
} from './views/form.js';
import { badge, type CustomerTicket, requestList, stars, type ThreadEntry, threadList } from './views/requests.js';

/** What `prefill()` accepts: values the form starts with. */
export interface Prefill {
  name?: string;
  email?: string;
  subject?: string;
  /** Custom field values by field id. */
  fields?: Record<string, string | number | boolean>;
}

/** What `identify()` accepts: the host's signed-in user. */
export interface Identity {
  /** An access token sent as `Authorization: Bearer`; without it the host's session cookie is sent. */
  token?: string;
  name?: string;
  email?: string;
}

type View = 'form' | 'done' | 'list' | 'thread';
interface Draft {
  v: Values;
  key?: string;
  body?: Record<string, unknown>;
}
interface Reply {
  n: string;
  body: string;
  /** The `Idempotency-Key` every attempt sends, so a retry after a lost answer is not a second reply. */
  key?: string;
}

// SSR: the class must be definable where HTMLElement does not exist (importing touches no DOM).
const Base = (typeof HTMLElement === 'undefined' ? class {} : HTMLElement) as typeof HTMLElement;
// `tk=<ticket number>.<access token>`: numbers are strings in the desk's own format (split at the last dot).
const FOLLOW = /(?:^|[#&?])tk=([^&#]+)\.([\w-]+)/;
const SVG = 'http://www.w3.org/2000/svg';
/** The tab a view belongs to: a request's success page to "New request", a thread to "My requests". */
const TAB_OF: Record<string, View> = { done: 'form', thread: 'list' };

/**
 * `<ticketkit-widget endpoint="/support">`: a launcher and a dialog where a
 * customer opens a ticket, follows it, replies, confirms or reopens. Talks
 * only HTTP to `@ticketkit/server`.
 */
export class TicketkitWidget extends Base {
  /** Attributes the element reacts to. */
  static observedAttributes = ['open', 'locale', 'position', 'z-index', 'inline', 'storage'];
  #strings: Partial<Strings> = {};
  #root: ShadowRoot | undefined;
  #store: Store = openStore('none');
  #view: View = 'form';
  #open = false;
  #enter = false;
  #alive = false;
  #sending = false;
  #schema: IntakeSchema | null = null;
  #identity: Identity | null = null;
  #ticket = '';
  #note = { text: '', bad: false };
  #errors: Record<string, string> = {};
  #returnTo: HTMLElement | null = null;

  /** Strings that replace the built-in ones, e.g. `{ title: 'Ask us' }` (in any locale). */
  get strings(): Partial<Strings> {
    return this.#strings;
  }
  set strings(value: Partial<Strings>) {
    this.#strings = value;
    this.#render();
  }

  /** The API's base URL (`endpoint` attribute). */
  get endpoint(): string {
    return this.getAttribute('endpoint') ?? '';
  }

  /** Custom-element callback: renders, loads the intake schema, opens a follow link, resumes pending sends. */
  connectedCallback(): void {
    this.#alive = true;
    if (!this.#root) {
      this.#root = this.attachShadow({ mode: 'open' });
      // Browsers hide a nonce attribute once the element is in a page with a CSP: the property keeps it.
      adoptStyles(this.#root, this.nonce || this.getAttribute('nonce'));
      this.#root.addEventListener('keydown', (event) => this.#keydown(event as KeyboardEvent));
    }
    this.#store = openStore((this.getAttribute('storage') as StorageMode) || 'session');
    this.#loadSchema();
    addEventListener('hashchange', this.#follow);
    if (!this.#follow()) {
      if (this.hasAttribute('open') || this.hasAttribute('inline')) this.open();
      else this.#render();
    }
    if (this.#draft().key) this.#send();
    for (const reply of this.#store.get<Reply[]>('replies') ?? []) this.#sendReply(reply);
  }

  /** Custom-element callback: stops retrying and listening. */
  disconnectedCallback(): void {
    this.#alive = false;
    removeEventListener('hashchange', this.#follow);
  }

  /** Opens the ticket of a follow link (`#tk=42.<token>`), then takes the token off the address bar. */
  #follow = (): boolean => {
    const follow = FOLLOW.exec(location.hash) ?? FOLLOW.exec(location.search);
    if (!follow) return false;
    const url = new URL(location.href);
    url.searchParams.delete('tk');
    url.hash = url.hash.replace(/(^#|&)tk=[^&]*/, '$1').replace(/^#&?$/, '');
    history.replaceState(history.state, '', url);
    this.open();
    this.#thread(decodeURIComponent(follow[1] ?? ''), follow[2]);
    return true;
  };

  /** Custom-element callback: `open` opens or closes; any other attribute re-renders. */
  attributeChangedCallback(name: string): void {
    if (!this.#root) return;
    if (name === 'open') this.hasAttribute('open') ? this.open() : this.close();
    else this.#render();
  }

  /** Opens the dialog (fires `ticketkit:open`). */
  open(): void {
    if (!this.#open) {
      const active = document.activeElement;
      this.#returnTo = active && active !== this ? (active as HTMLElement) : null;
      this.#open = this.#enter = true;
      this.#emit('open');
    }
    this.#render(true);
  }

  /** Closes the dialog and gives focus back to where it was (fires `ticketkit:close`). */
  close(): void {
    if (!this.#open || this.hasAttribute('inline')) return;
    this.#open = false;
    this.#render();
    (this.#returnTo ?? this.#root?.querySelector<HTMLElement>('.launch'))?.focus();
    this.#emit('close');
  }

  /** Fills in the form (fields the customer already typed are kept). */
  prefill(values: Prefill): void {
    const draft = this.#draft();
    const add: Values = {};
    for (const [key, value] of Object.entries(values.fields ?? {}))
      add[`f.${key}`] = typeof value === 'boolean' ? value : String(value);
    for (const key of ['name', 'email', 'subject'] as const) if (values[key]) add[key] = values[key];
    if (!draft.key) this.#save({ ...draft, v: { ...add, ...draft.v } });
    this.#render();
  }

  /** The host's signed-in user: "My requests" lists their tickets (`GET /me/tickets`). */
  identify(identity: Identity = {}): void {
    this.#identity = identity;
    this.prefill({
      ...(identity.name ? { name: identity.name } : {}),
      ...(identity.email ? { email: identity.email } : {}),
    });
  }

  /** Forgets the user and removes everything the widget stored (drafts, tokens, pending replies). */
  logout(): void {
    wipeStorage();
    this.#store = openStore((this.getAttribute('storage') as StorageMode) || 'session');
    this.#identity = null;
    this.#errors = {};
    this.#note = { text: '', bad: false };
    this.#view = 'form';
    this.#render();
  }

  get #s(): Strings {
    return this.#locale().s;
  }

  #locale() {
    return localize(this.getAttribute('locale') || navigator.language || 'en', this.#strings);
  }

  #emit(name: string, detail?: unknown): void {
    this.dispatchEvent(new CustomEvent(`ticketkit:${name}`, { bubbles: true, composed: true, detail }));
  }

  #draft(): Draft {
    return this.#store.get<Draft>('draft') ?? { v: {} };
  }

  #save(draft: Draft | undefined): void {
    this.#store.set('draft', draft);
  }

  #tokens(): Record<string, string> {
    return this.#store.get('tokens') ?? {};
  }

  #api<T>(path: string, options: CallOptions = {}): Promise<T> {
    return call<T>(this.endpoint, path, { cookies: Boolean(this.#identity), ...options });
  }

  async #loadSchema(): Promise<void> {
    if (this.#schema) return;
    try {
      this.#schema = await deliver(
        () => this.#api<IntakeSchema>('/intake-schema'),
        () => {},
        () => this.#alive,
      );
      if (this.#view === 'form') this.#render();
    } catch (error) {
      this.#fail(error);
    }
  }

  #say(text: string, bad = false): void {
    this.#note = { text, bad };
    const note = this.#root?.querySelector('.note');
    if (note) {
      note.textContent = text;
      note.classList.toggle('bad', bad);
    }
  }

  #waiting = (reason: WaitReason, seconds: number) => {
    const s = this.#s;
    this.#say(
      reason === 'offline' ? s.offline : fill(reason === 'limited' ? s.limited : s.retry, seconds),
      reason === 'limited',
    );
  };

  #fail(error: unknown): void {
    const s = this.#s;
    const status = error instanceof ApiError ? error.status : 0;
    this.#say(status === 413 ? s.tooLarge : status === 404 || status === 401 ? s.notFound : s.failed, true);
    this.#emit('error', {
      status,
      code: error instanceof ApiError ? error.code : 'UNKNOWN',
      message: String((error as Error)?.message ?? error),
    });
  }

  #go(view: View): void {
    this.#view = view;
    this.#note = { text: '', bad: false };
    this.#render(true);
  }

  #defs(): FieldDef[] {
    if (!this.#schema) return [];
    return fieldDefs(this.#schema, this.#s, {
      topic: this.getAttribute('topic'),
      department: this.getAttribute('department'),
    });
  }

  // ── Intake ──────────────────────────────────────────────────────────────

  #submit(form: HTMLFormElement): void {
    if (this.#sending || this.#draft().key) return;
    const s = this.#s;
    const values = this.#read(form);
    this.#errors = {};
    for (const def of this.#defs()) {
      const message = check(def, values[def.name], s);
      if (message) this.#errors[def.name] = message;
    }
    if (Object.keys(this.#errors).length) {
      this.#render();
      this.#say(s.check, true);
      this.#root?.querySelector<HTMLElement>('[aria-invalid=true]')?.focus();
      return;
    }
    const extra: Record<string, string> = {};
    const honeypot = this.#schema?.honeypotField;
    if (honeypot) extra[honeypot] = String((form.elements.namedItem(honeypot) as HTMLInputElement | null)?.value ?? '');
    for (const [attr, key] of [
      ['topic', 'topic'],
      ['department', 'departmentId'],
    ]) {
      const preset = this.getAttribute(attr as string);
      if (preset) extra[key as string] = preset;
    }
    // One key per draft, kept with the frozen body: every retry, reload or double-click sends the same request.
    this.#save({ v: values, key: crypto.randomUUID(), body: intakeBody(this.#defs(), values, extra) });
    this.#send();
  }

  #read(form: HTMLFormElement): Values {
    const values: Values = {};
    for (const def of this.#defs()) {
      const el = form.elements.namedItem(def.name) as HTMLInputElement | null;
      if (el) values[def.name] = controlValue(el);
    }
    return values;
  }

  async #send(): Promise<void> {
    const draft = this.#draft();
    if (this.#sending || !draft.key) return;
    this.#sending = true;
    this.#render();
    this.#say(this.#s.sending);
    try {
      const result = await deliver(
        () =>
          this.#api<{ ticket: CustomerTicket; accessToken: string }>('/tickets', {
            body: draft.body,
            key: draft.key as string,
          }),
        this.#waiting,
        () => this.#alive,
      );
      this.#store.set('tokens', { ...this.#tokens(), [result.ticket.number]: result.accessToken });
      this.#save(undefined);
      this.#ticket = result.ticket.number;
      this.#sending = false;
      this.#emit('submitted', { number: result.ticket.number });
      if (this.#view === 'form') this.#go('done');
    } catch (error) {
      this.#sending = false;
      if (!this.#alive) return;
      // Refused for good (nothing was created): the customer may fix the draft and send it under a new key.
      this.#save({ v: draft.v });
      this.#errors = {};
      const defs = this.#defs();
      for (const field of error instanceof ApiError ? error.errors : []) {
        const def = defs.find((d) => d.path === field.path.join('.'));
        if (def) this.#errors[def.name] = field.message;
      }
      this.#render();
      this.#fail(error);
      if (Object.keys(this.#errors).length) this.#say(this.#s.check, true);
    }
  }

  // ── My requests ─────────────────────────────────────────────────────────

  async #list(): Promise<void> {
    this.#go('list');
    const main = this.#main();
    try {
      let tickets: CustomerTicket[];
      if (this.#identity && !this.#identity.token) {
        tickets = (await this.#api<{ items: CustomerTicket[] }>('/me/tickets')).items;
      } else {
        const tokens = Object.entries(this.#tokens());
        const found = await Promise.all(
          tokens.map(([n, token]) =>
            this.#api<CustomerTicket>(`/tickets/${encodeURIComponent(n)}`, { token }).catch(() => null),
          ),
        );
        tickets = found
          .filter((t): t is CustomerTicket => t !== null)
          .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
      }
      if (this.#view !== 'list' || this.#main() !== main) return;
      main?.querySelector('.mu')?.remove();
      main?.append(requestList(tickets, this.#s, this.#locale().lang, (n) => this.#thread(n)));
    } catch (error) {
      this.#fail(error);
    }
  }

  #tokenFor(n: string): string | undefined {
    return this.#tokens()[n] ?? this.#identity?.token;
  }

  async #thread(n: string, token?: string): Promise<void> {
    this.#ticket = n;
    this.#go('thread');
    const main = this.#main();
    const s = this.#s;
    const auth = token ?? this.#tokenFor(n);
    try {
      const [ticket, thread] = await Promise.all([
        this.#api<CustomerTicket>(`/tickets/${encodeURIComponent(n)}`, { token: auth }),
        this.#api<{ items: ThreadEntry[] }>(`/tickets/${encodeURIComponent(n)}/thread`, { token: auth }),
      ]);
      if (token) this.#store.set('tokens', { ...this.#tokens(), [n]: token });
      if (this.#view !== 'thread' || this.#main() !== main || !main) return;
      main.replaceChildren(
        h('h3', { tabindex: -1, text: ticket.subject }),
        h('div', { class: 'row mu' }, badge(ticket, s), h('span', { text: fill(s.ref, n) })),
        threadList(thread.items, s, this.#locale().lang),
        this.#actions(ticket, auth),
        h('p', { class: 'note', role: 'status', 'aria-live': 'polite' }),
      );
      main.querySelector('h3')?.focus();
    } catch (error) {
      this.#fail(error);
    }
  }

  #actions(ticket: CustomerTicket, token: string | undefined) {
    const s = this.#s;
    const n = ticket.number;
    const post = async (path: string, body: unknown) => {
      try {
        await deliver(
          () => this.#api(`/tickets/${encodeURIComponent(n)}/${path}`, { body, token }),
          this.#waiting,
          () => this.#alive,
        );
        await this.#thread(n);
        if (path === 'confirm') this.#say(s.thanks);
      } catch (error) {
        this.#fail(error);
      }
    };
    const reopen = h('button', { type: 'button', class: 'ghost', onclick: () => post('reopen', {}), text: s.reopen });
    if (ticket.status === 'closed') return reopen;
    if (ticket.status === 'resolved') {
      const comment = h('textarea', { id: 'tk-comment', rows: 3, maxlength: 5000 });
      return h(
        'form',
        {
          onsubmit: (event: Event) => {
            event.preventDefault();
            const rating = Number(
              (event.target as HTMLFormElement).querySelector<HTMLInputElement>('input:checked')?.value,
            );
            post('confirm', {
              ...(rating ? { rating } : {}),
              ...(comment.value.trim() ? { comment: comment.value.trim() } : {}),
            });
          },
        },
        h(
          'fieldset',
          {},
          h('legend', { text: s.solvedQ }),
          stars(s),
          h(
            'div',
            {},
            h('label', { for: 'tk-comment', text: s.comment }, h('small', { text: ` (${s.optional})` })),
            comment,
          ),
        ),
        h('div', { class: 'two' }, h('button', { class: 'btn', text: s.confirm }), reopen),
      );
    }
    const text = h('textarea', { id: 'tk-reply', rows: 3, required: true });
    return h(
      'form',
      {
        onsubmit: (event: Event) => {
          event.preventDefault();
          if (!text.value.trim() || text.disabled) return;
          text.disabled = true;
          this.#sendReply({ n, body: text.value.trim(), key: crypto.randomUUID() });
        },
      },
      h('div', {}, h('label', { for: 'tk-reply', text: s.reply }), text),
      h('button', { class: 'btn', text: s.sendReply }),
    );
  }

  /**
   * Sends a reply until the server answers, every attempt with the reply's
   * own Idempotency-Key (kept with it in storage, so a reload retries with
   * it too): if an earlier attempt got through and only its answer was lost,
   * the server answers with that reply instead of adding a second.
   */
  async #sendReply(reply: Reply): Promise<void> {
    const queue = () => this.#store.get<Reply[]>('replies') ?? [];
    const others = () => queue().filter((r) => r.n !== reply.n || r.body !== reply.body);
    // A reply queued by an older widget has no key: it gets one now.
    const key = reply.key ?? crypto.randomUUID();
    reply.key = key;
    this.#store.set('replies', [...others(), reply]);
    const token = this.#tokenFor(reply.n);
    this.#say(this.#s.sending);
    try {
      await deliver(
        () => this.#api(`/tickets/${encodeURIComponent(reply.n)}/replies`, { body: { body: reply.body }, token, key }),
        this.#waiting,
        () => this.#alive,
      );
      this.#store.set('replies', others());
      if (this.#view === 'thread' && this.#ticket === reply.n) await this.#thread(reply.n);
    } catch (error) {
      if (!(error instanceof ApiError && error.transient)) this.#store.set('replies', others());
      this.#fail(error);
    }
  }

  // ── Rendering ───────────────────────────────────────────────────────────

  #main(): HTMLElement | null {
    return this.#root?.querySelector('main') ?? null;
  }

  #render(focus = false): void {
    const root = this.#root;
    if (!root) return;
    const { s, dir, lang } = this.#locale();
    const inline = this.hasAttribute('inline');
    const wrap = h('div', {
      class: `root${this.getAttribute('position') === 'bottom-left' ? ' left' : ''}${inline ? ' inline' : ''}`,
      dir,
      lang,
    });
    wrap.style.setProperty('--z', this.getAttribute('z-index') || '2147483000');
    if (!inline) {
      const icon = document.createElementNS(SVG, 'svg');
      icon.setAttribute('viewBox', '0 0 24 24');
      icon.setAttribute('aria-hidden', 'true');
      const path = document.createElementNS(SVG, 'path');
      path.setAttribute('d', 'M4 5h16v11H9l-5 4z');
      icon.append(path);
      wrap.append(
        h(
          'button',
          {
            class: 'launch',
            part: 'launcher',
            'aria-haspopup': 'dialog',
            'aria-expanded': String(this.#open),
            onclick: () => (this.#open ? this.close() : this.open()),
          },
          icon,
          s.launch,
        ),
      );
    }
    if (this.#open || inline) wrap.append(this.#panel(s, inline));
    // Only the rendered tree is replaced: a fallback <style nonce> stays where it is.
    const previous = root.querySelector('.root');
    previous ? previous.replaceWith(wrap) : root.append(wrap);
    this.#enter = false;
    if (focus) {
      const main = root.querySelector('main');
      const first =
        this.#view === 'form'
          ? main?.querySelector<HTMLElement>('input:not([tabindex]),select,textarea')
          : main?.querySelector<HTMLElement>('h3');
      // Focus never falls back to the page while the dialog is open: with nothing else, the current tab takes it.
      (first ?? root.querySelector<HTMLElement>('nav [aria-current]'))?.focus();
    }
  }

  #panel(s: Strings, inline: boolean): HTMLElement {
    const tab = (view: View, label: string, go: () => void) =>
      h('button', {
        type: 'button',
        'aria-current': this.#view === view || TAB_OF[this.#view] === view ? 'page' : null,
        onclick: go,
        text: label,
      });
    return h(
      'div',
      inline
        ? { class: 'panel', part: 'panel', role: 'region', 'aria-labelledby': 'tk-title' }
        : {
            // The entrance animation plays when the dialog opens, not on every view change.
            class: this.#enter ? 'panel enter' : 'panel',
            part: 'panel',
            role: 'dialog',
            'aria-modal': 'true',
            'aria-labelledby': 'tk-title',
          },
      h(
        'header',
        {},
        h('h2', { id: 'tk-title', text: s.title }),
        inline
          ? null
          : h('button', { type: 'button', class: 'x', 'aria-label': s.close, onclick: () => this.close(), text: '×' }),
      ),
      h(
        'nav',
        { 'aria-label': s.title },
        tab('form', s.newRequest, () => this.#go('form')),
        tab('list', s.mine, () => this.#list()),
      ),
      h('main', { part: 'body' }, ...this.#body(s)),
    );
  }

  #body(s: Strings): Node[] {
    const note = h('p', {
      class: `note${this.#note.bad ? ' bad' : ''}`,
      role: 'status',
      'aria-live': 'polite',
      text: this.#note.text,
    });
    if (this.#view === 'done') {
      return [
        h(
          'div',
          { class: 'done', part: 'success' },
          h('div', { class: 'tick', 'aria-hidden': 'true', text: '✓' }),
          h('h3', { tabindex: -1, text: fill(s.sent, this.#ticket) }),
          h('p', { class: 'mu', text: s.next }),
        ),
        h('button', { type: 'button', class: 'btn', onclick: () => this.#thread(this.#ticket), text: s.follow }),
        h('button', { type: 'button', class: 'ghost', onclick: () => this.#go('form'), text: s.newRequest }),
      ];
    }
    if (this.#view !== 'form') return [h('p', { class: 'mu', text: s.loading }), note];
    if (!this.#schema) return [h('p', { class: 'mu', text: s.loading }), note];
    const draft = this.#draft();
    const pending = Boolean(draft.key);
    const form = h('form', {
      novalidate: true,
      part: 'form',
      onsubmit: (event: Event) => {
        event.preventDefault();
        this.#submit(form);
      },
    });
    const save = () => {
      if (!this.#draft().key) this.#save({ v: this.#read(form) });
    };
    const fields = h('fieldset', { disabled: pending });
    for (const def of this.#defs()) fields.append(control(def, draft.v[def.name], s, save));
    const honeypot = this.#schema.honeypotField;
    if (honeypot) {
      fields.append(
        h(
          'div',
          { class: 'hp', 'aria-hidden': 'true' },
          h('input', { name: honeypot, tabindex: -1, autocomplete: 'off', 'aria-label': honeypot }),
        ),
      );
    }
    form.append(
      fields,
      note,
      h('button', { class: 'btn', disabled: pending || this.#sending, text: pending ? s.sending : s.send }),
    );
    for (const [name, message] of Object.entries(this.#errors)) markField(form, name, message);
    return [form];
  }

  #keydown(event: KeyboardEvent): void {
    if (!this.#open || this.hasAttribute('inline')) return;
    if (event.key === 'Escape') {
      event.preventDefault();
      this.close();
    } else if (event.key === 'Tab') {
      const panel = this.#root?.querySelector<HTMLElement>('.panel');
      if (!panel) return;
      const items = focusables(panel);
      const first = items[0];
      const last = items[items.length - 1];
      const active = this.#root?.activeElement;
      // Focus stays in the dialog: Tab from the last control goes to the first, Shift+Tab the other way.
      if (event.shiftKey && (active === first || !panel.contains(active ?? null))) {
        event.preventDefault();
        last?.focus();
      } else if (!event.shiftKey && (active === last || !panel.contains(active ?? null))) {
        event.preventDefault();
        first?.focus();
      }
    }
  }
}
