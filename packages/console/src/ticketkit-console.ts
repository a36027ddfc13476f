import { ApiError, ConsoleApi } from './api.js';
import { h } from './dom.js';
import { statusLabel } from './format.js';
import { type LiveChange, listen } from './live.js';
import { QUEUES, queueLabel, queueNav } from './queue-nav.js';
import { isTyping, shortcutsDialog } from './shortcuts.js';
import { consoleSheet } from './styles.js';
import { badge, deliveryLog, facts, thread } from './ticket-view.js';
import type { CountsByDepartment, Delivery, Directory, Page, ThreadEntry, Ticket } from './types.js';

type Mode = 'reply' | 'note' | 'requestInfo';
type Form = 'assign' | 'transfer' | 'resolve' | null;
const MODE_LABEL: Record<Mode, string> = { reply: 'Reply', note: 'Internal note', requestInfo: 'Request info' };

/**
 * `<ticketkit-console endpoint="/support">`: the agent workspace. Queues with
 * live counts, the ticket view with its thread, the actions the server says
 * this agent may take, a composer with canned responses, the delivery log.
 * Attributes: `endpoint` (the API's base path), `agent-id` (the signed-in
 * agent, for "Assign to me"), `page-size` (tickets per page, default 25), `theme` (`light` | `dark`; default: the
 * system's preference).
 */
export class TicketkitConsole extends HTMLElement {
  static observedAttributes = ['endpoint', 'theme'];

  private api = new ConsoleApi('');
  private directory: Directory = { departments: [], teams: [], agents: [], slaPlans: [], cannedResponses: [] };
  private counts: CountsByDepartment = { total: {}, departments: [] };
  private queue = 'open';
  /** The department the queue is narrowed to; `null`: all of the agent's departments. */
  private department: string | null = null;
  private search = '';
  private page: Page<Ticket> = { items: [], nextCursor: null };
  private cursors: (string | null)[] = [null];
  private ticket: Ticket | null = null;
  private entries: ThreadEntry[] = [];
  private deliveries: Delivery[] | string | null = null;
  private form: Form = null;
  private mode: Mode = 'reply';
  /** What the agent is writing, per ticket: never dropped by a refresh or a refused send. */
  private drafts = new Map<string, { body: string; cannedResponseId?: string; baseVersion: number }>();
  private notice: { text: string; error?: boolean } | null = null;
  private stopLive = () => {};
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly root: ShadowRoot;
  private readonly nav = h('nav', { 'aria-label': 'Queues' });
  private readonly list = h('section', { class: 'list', 'aria-label': 'Tickets' });
  private readonly detail = h('main', { class: 'detail', 'aria-label': 'Ticket' });
  private readonly composerBox = h('div');
  private readonly live = h('div', { class: 'sr', role: 'status', 'aria-live': 'polite' });
  private readonly dialog = shortcutsDialog();

  constructor() {
    super();
    this.root = this.attachShadow({ mode: 'open' });
    this.root.adoptedStyleSheets = [consoleSheet()];
    const themeButton = h(
      'button',
      { class: 'btn', type: 'button', 'aria-pressed': 'false', onclick: () => this.toggleTheme() },
      'Dark mode',
    );
    this.root.append(
      h(
        'div',
        { class: 'app', part: 'app' },
        h(
          'header',
          { class: 'top' },
          h('h1', null, 'Support console'),
          h(
            'button',
            { class: 'btn', type: 'button', 'aria-keyshortcuts': '?', onclick: () => this.dialog.showModal() },
            'Shortcuts (?)',
          ),
          themeButton,
        ),
        this.nav,
        this.list,
        this.detail,
      ),
      this.live,
      this.dialog,
    );
  }

  // Shortcuts work with focus in the console, or on nothing at all (just after the page loads).
  private readonly keys = (event: KeyboardEvent) => {
    if (event.composedPath().includes(this) || event.target === document.body) this.onKey(event);
  };

  connectedCallback() {
    document.addEventListener('keydown', this.keys);
    this.api = new ConsoleApi(this.getAttribute('endpoint') ?? '');
    this.tabIndex = -1;
    if (!this.hasAttribute('theme') && matchMedia('(prefers-color-scheme: dark)').matches)
      this.setAttribute('theme', 'dark');
    this.syncThemeButton();
    void this.start();
  }

  disconnectedCallback() {
    document.removeEventListener('keydown', this.keys);
    this.stopLive();
  }

  attributeChangedCallback(name: string) {
    if (name === 'theme') this.syncThemeButton();
  }

  private async start() {
    try {
      this.directory = await this.api.directory();
    } catch (error) {
      this.detail.replaceChildren(
        h('p', { class: 'notice error', role: 'alert' }, `The console could not load: ${(error as Error).message}`),
      );
      return;
    }
    this.stopLive = listen(this.api.endpoint, (change) => this.onLive(change));
    await this.refreshList();
    this.renderDetail();
  }

  /** Tickets per page (`page-size`, 1 to 100; default 25). */
  private get pageSize() {
    return Math.min(100, Math.max(1, Number(this.getAttribute('page-size')) || 25));
  }

  private get agentId() {
    return this.getAttribute('agent-id');
  }

  // ---- queues and list ----

  private async refreshList() {
    const cursor = this.cursors.at(-1) ?? null;
    try {
      const [counts, page] = await Promise.all([
        this.api.counts(),
        this.search
          ? this.api.search(this.search, cursor, this.pageSize)
          : this.api.queue(this.queue, cursor, this.pageSize, this.department),
      ]);
      this.counts = counts;
      this.page = page;
      // A department the agent no longer sees (their departments changed): back to all of them.
      if (this.department && !counts.departments.some((row) => row.id === this.department)) {
        this.selectDepartment(null);
        return;
      }
    } catch (error) {
      // A refused search (no word in it) or a lost connection: say so in the list.
      this.page = { items: [], nextCursor: null };
      this.renderList();
      this.list.append(h('p', { class: 'notice error', role: 'alert' }, (error as Error).message));
      return;
    }
    this.renderNav();
    this.renderList();
  }

  private selectQueue(name: string) {
    this.queue = name;
    this.search = '';
    this.cursors = [null];
    void this.refreshList();
  }

  private selectDepartment(id: string | null) {
    this.department = id;
    this.search = '';
    this.cursors = [null];
    void this.refreshList();
  }

  private renderNav() {
    this.nav.replaceChildren(
      ...queueNav(
        { counts: this.counts, queue: this.queue, department: this.department, searching: Boolean(this.search) },
        { selectQueue: (name) => this.selectQueue(name), selectDepartment: (id) => this.selectDepartment(id) },
      ),
    );
  }

  private renderList() {
    const now = Date.now();
    const searchBox = h('input', {
      type: 'search',
      name: 'q',
      'aria-label': 'Search tickets',
      placeholder: 'Search tickets',
      value: this.search,
      'aria-keyshortcuts': '/',
    });
    const form = h(
      'form',
      {
        role: 'search',
        onsubmit: (event) => {
          event.preventDefault();
          this.search = searchBox.value.trim();
          this.cursors = [null];
          void this.refreshList();
        },
      },
      searchBox,
      h('button', { class: 'btn', type: 'submit' }, 'Search'),
    );
    const department = this.counts.departments.find((row) => row.id === this.department);
    const title = this.search
      ? `Search: ${this.search}`
      : `${queueLabel(this.queue)}${department ? ` · ${department.name}` : ''}`;
    const rows = this.page.items.map((ticket) =>
      h(
        'li',
        null,
        h(
          'button',
          {
            class: 'row',
            type: 'button',
            'data-ticket': ticket.id,
            'aria-current': this.ticket?.id === ticket.id ? 'true' : 'false',
            onclick: () => void this.open(ticket.id),
          },
          h(
            'span',
            { class: 'meta' },
            h('span', null, `#${ticket.number}`),
            h('span', null, ticket.priority),
            h('span', null, statusLabel(ticket.status)),
            badge(ticket, now),
          ),
          h('span', { class: 'subject' }, ticket.subject),
          h('span', { class: 'meta' }, ticket.requester.name ?? ticket.requester.email),
        ),
      ),
    );
    this.list.replaceChildren(
      form,
      h('h2', { class: 'sr' }, title),
      rows.length ? h('ul', { 'aria-label': title }, rows) : h('p', { class: 'empty' }, 'Nothing here.'),
      h(
        'div',
        { class: 'pager' },
        h(
          'button',
          { class: 'btn', type: 'button', disabled: this.cursors.length < 2, onclick: () => this.turn(-1) },
          'Previous page',
        ),
        h(
          'button',
          { class: 'btn', type: 'button', disabled: !this.page.nextCursor, onclick: () => this.turn(1) },
          'Next page',
        ),
      ),
    );
  }

  private turn(direction: 1 | -1) {
    if (direction === 1 && this.page.nextCursor) this.cursors.push(this.page.nextCursor);
    if (direction === -1 && this.cursors.length > 1) this.cursors.pop();
    void this.refreshList();
  }

  // ---- one ticket ----

  private async open(id: string) {
    if (this.ticket?.id !== id) {
      this.form = null;
      this.notice = null;
      this.deliveries = null;
      this.mode = 'reply';
    }
    await this.load(id);
    this.renderList();
    (this.detail.querySelector('h2') as HTMLElement | null)?.focus();
  }

  private async load(id: string) {
    const [ticket, entries] = await Promise.all([this.api.ticket(id), this.api.thread(id)]);
    this.ticket = ticket;
    this.entries = entries;
    const draft = this.drafts.get(ticket.id);
    // Nothing typed yet: the composer follows the ticket. Typing: the draft keeps the version it was started on.
    if (!draft?.body) this.drafts.set(ticket.id, { body: '', baseVersion: ticket.version });
    if (this.deliveries !== null) await this.loadDeliveries();
    this.renderDetail();
  }

  private async loadDeliveries() {
    if (!this.ticket) return;
    try {
      this.deliveries = await this.api.deliveries(this.ticket.id);
    } catch (error) {
      this.deliveries =
        error instanceof ApiError && error.status === 404
          ? 'This server does not offer the delivery log.'
          : (error as Error).message;
    }
  }

  /** Runs a command; a refusal becomes a notice (and what was typed stays). */
  private async run(path: string, body: unknown, version?: number): Promise<boolean> {
    const ticket = this.ticket;
    if (!ticket) return false;
    try {
      this.ticket = await this.api.command(ticket.id, path, body, version);
      this.notice = null;
      await this.load(ticket.id);
      void this.refreshList();
      this.announce('Done.');
      return true;
    } catch (error) {
      if (error instanceof ApiError && error.code === 'CONFLICT') {
        this.notice = {
          text: 'Someone changed this ticket while you were typing. Their change is shown above; your text is kept — review it and send again.',
        };
        const draft = this.drafts.get(ticket.id);
        await this.load(ticket.id);
        if (draft) draft.baseVersion = this.ticket?.version ?? draft.baseVersion;
      } else {
        this.notice = { text: (error as Error).message, error: true };
      }
      this.renderDetail();
      return false;
    }
  }

  private announce(text: string) {
    this.live.textContent = '';
    this.live.textContent = text;
  }

  private renderDetail() {
    const ticket = this.ticket;
    if (!ticket) {
      this.detail.replaceChildren(
        h('p', { class: 'empty' }, 'Pick a ticket from the list. Press ? for keyboard shortcuts.'),
      );
      return;
    }
    const focused = this.root.activeElement;
    const keepComposer = this.composerBox.dataset.ticket === ticket.id && this.composerBox.contains(focused);
    if (!keepComposer) this.renderComposer();
    this.detail.replaceChildren(
      ...[
        h('h2', { tabindex: '-1' }, `#${ticket.number} · ${ticket.subject}`),
        facts(ticket, this.directory, Date.now()),
        this.notice
          ? h('p', { class: `notice${this.notice.error ? ' error' : ''}`, role: 'alert' }, this.notice.text)
          : null,
        this.renderActions(ticket),
        this.renderForm(ticket),
        h('h3', null, 'Conversation'),
        thread(this.entries),
        this.composerBox,
        this.renderDeliveries(),
      ].filter((node) => node !== null),
    );
  }

  private renderActions(ticket: Ticket) {
    const can = (name: string) => ticket.actions?.[name]?.allowed === true;
    const button = (label: string, onclick: () => void, options: { primary?: boolean; keys?: string } = {}) =>
      h(
        'button',
        {
          class: `btn${options.primary ? ' primary' : ''}`,
          type: 'button',
          'aria-keyshortcuts': options.keys,
          onclick,
        },
        label,
      );
    const priority = h(
      'select',
      {
        onchange: (event) => void this.run('', { priority: (event.target as HTMLSelectElement).value }),
      },
      ['low', 'normal', 'high', 'urgent'].map((value) =>
        h('option', { value, selected: value === ticket.priority }, value),
      ),
    );
    const plan = h(
      'select',
      {
        onchange: (event) => {
          const value = (event.target as HTMLSelectElement).value;
          void this.run('', { slaPlanId: value || null });
        },
      },
      h('option', { value: '' }, 'No SLA plan'),
      this.directory.slaPlans.map((item) =>
        h('option', { value: item.id, selected: item.id === ticket.slaPlanId }, item.name),
      ),
    );
    const close = ticket.actions?.close;
    return h(
      'div',
      { class: 'actions', role: 'toolbar', 'aria-label': 'Actions' },
      can('assign') && this.agentId && ticket.assigneeId !== this.agentId
        ? button('Assign to me', () => void this.run('assign', { agentId: this.agentId }), { keys: 'm' })
        : null,
      can('assign') ? button('Assign…', () => this.toggleForm('assign')) : null,
      can('unassign') ? button('Unassign', () => void this.run('unassign', {})) : null,
      can('transfer') ? button('Transfer…', () => this.toggleForm('transfer')) : null,
      can('startWork') ? button('Start work', () => void this.run('start', {})) : null,
      can('resolve') ? button('Resolve…', () => this.toggleForm('resolve')) : null,
      can('reopen') ? button('Reopen', () => void this.run('reopen', {})) : null,
      close?.allowed && !close.requiresForce ? button('Close', () => void this.run('close', {})) : null,
      close?.requiresForce
        ? button('Close without confirmation', () => {
            if (confirm('The customer has not confirmed the resolution. Close anyway?'))
              void this.run('close', { force: true });
          })
        : null,
      close && !close.allowed && close.reason === 'CONFIRMATION_REQUIRED'
        ? [
            h('button', { class: 'btn', type: 'button', disabled: true, 'aria-describedby': 'tk-close-rule' }, 'Close'),
            h(
              'span',
              { id: 'tk-close-rule', class: 'rule' },
              'Closes when the customer confirms the resolution, or automatically after the quiet period; an admin can force it.',
            ),
          ]
        : null,
      can('update')
        ? [h('label', { class: 'inline' }, 'Priority', priority), h('label', { class: 'inline' }, 'SLA plan', plan)]
        : null,
    );
  }

  private toggleForm(form: Form) {
    this.form = this.form === form ? null : form;
    this.renderDetail();
    (this.detail.querySelector('.panel select, .panel textarea') as HTMLElement | null)?.focus();
  }

  private renderForm(ticket: Ticket) {
    if (!this.form) return null;
    const submit = (label: string, handler: (data: FormData) => Promise<unknown>) =>
      h(
        'form',
        {
          class: 'panel',
          'aria-label': label,
          onsubmit: (event) => {
            event.preventDefault();
            void handler(new FormData(event.target as HTMLFormElement)).then((done) => {
              if (done) this.form = null;
              this.renderDetail();
            });
          },
        },
        ...fields(),
        h(
          'div',
          { class: 'actions' },
          h('button', { class: 'btn primary', type: 'submit' }, label),
          h('button', { class: 'btn', type: 'button', onclick: () => this.toggleForm(null) }, 'Cancel'),
        ),
      );
    const inDepartment = (departmentId: string) =>
      this.directory.agents.filter((agent) => agent.role === 'admin' || agent.departmentIds.includes(departmentId));
    const fields = (): HTMLElement[] => {
      if (this.form === 'assign') {
        return [
          h(
            'label',
            null,
            'Agent',
            h(
              'select',
              { name: 'agentId' },
              h('option', { value: '' }, '—'),
              inDepartment(ticket.departmentId).map((agent) => h('option', { value: agent.id }, agent.name)),
            ),
          ),
          h(
            'label',
            null,
            'Team',
            h(
              'select',
              { name: 'teamId' },
              h('option', { value: '' }, '—'),
              this.directory.teams
                .filter((team) => team.departmentId === ticket.departmentId)
                .map((team) => h('option', { value: team.id }, team.name)),
            ),
          ),
        ];
      }
      if (this.form === 'transfer') {
        return [
          h(
            'label',
            null,
            'Department',
            h(
              'select',
              { name: 'departmentId', required: true },
              this.directory.departments
                .filter((department) => department.id !== ticket.departmentId)
                .map((department) => h('option', { value: department.id }, department.name)),
            ),
          ),
          h(
            'label',
            null,
            'Agent (optional)',
            h(
              'select',
              { name: 'agentId' },
              h('option', { value: '' }, '—'),
              this.directory.agents.map((agent) => h('option', { value: agent.id }, agent.name)),
            ),
          ),
          h('label', null, 'Note for the colleagues there', h('textarea', { name: 'note', rows: 3 })),
        ];
      }
      return [
        h(
          'label',
          null,
          'Resolution note (internal, required)',
          h('textarea', { name: 'resolutionNote', rows: 3, required: true }),
        ),
        h('label', null, 'Final reply to the customer (optional)', h('textarea', { name: 'body', rows: 3 })),
      ];
    };
    const value = (data: FormData, name: string) => String(data.get(name) ?? '').trim() || undefined;
    if (this.form === 'assign') {
      return submit('Assign', (data) => {
        const agentId = value(data, 'agentId');
        const teamId = value(data, 'teamId');
        return this.run('assign', { ...(agentId ? { agentId } : {}), ...(teamId ? { teamId } : {}) });
      });
    }
    if (this.form === 'transfer') {
      return submit('Transfer', (data) => {
        const agentId = value(data, 'agentId');
        const note = value(data, 'note');
        return this.run('transfer', {
          departmentId: value(data, 'departmentId'),
          ...(agentId ? { agentId } : {}),
          ...(note ? { note } : {}),
        });
      });
    }
    return submit('Resolve', (data) => {
      const body = value(data, 'body');
      return this.run('resolve', { resolutionNote: value(data, 'resolutionNote') ?? '', ...(body ? { body } : {}) });
    });
  }

  private renderComposer() {
    const ticket = this.ticket;
    if (!ticket) return;
    const draft = this.drafts.get(ticket.id) ?? { body: '', baseVersion: ticket.version };
    this.drafts.set(ticket.id, draft);
    const can = (name: string) => ticket.actions?.[name]?.allowed === true;
    const modes = (['reply', 'note', 'requestInfo'] as Mode[]).filter(can);
    if (!modes.length) {
      this.composerBox.replaceChildren();
      return;
    }
    if (!modes.includes(this.mode)) this.mode = modes[0] as Mode;
    const mode = this.mode;
    const label =
      mode === 'note'
        ? 'Internal note — not sent to the customer'
        : mode === 'reply'
          ? 'Reply to the customer'
          : 'What do you need from the customer?';
    const text = h('textarea', {
      'aria-label': label,
      name: 'body',
      value: draft.body,
      oninput: () => {
        draft.body = text.value;
      },
    });
    const canned =
      mode === 'reply' && this.directory.cannedResponses.length
        ? h(
            'label',
            null,
            'Canned response',
            h(
              'select',
              {
                onchange: async (event) => {
                  const id = (event.target as HTMLSelectElement).value;
                  if (!id) return;
                  try {
                    text.value = await this.api.canned(ticket.id, id);
                    draft.body = text.value;
                    draft.cannedResponseId = id;
                    this.announce('Canned response filled in: edit it before sending.');
                    text.focus();
                  } catch (error) {
                    this.notice = { text: (error as Error).message, error: true };
                    this.renderDetail();
                  }
                },
              },
              h('option', { value: '' }, 'Insert a canned response…'),
              this.directory.cannedResponses
                .filter((item) => !item.departmentId || item.departmentId === ticket.departmentId)
                .map((item) => h('option', { value: item.id }, item.title)),
            ),
          )
        : null;
    const send = async () => {
      const body = text.value.trim();
      if (!body) {
        text.focus();
        return;
      }
      const path = mode === 'reply' ? 'replies' : mode === 'note' ? 'notes' : 'request-info';
      const input =
        mode === 'reply' && draft.cannedResponseId ? { body, cannedResponseId: draft.cannedResponseId } : { body };
      if (await this.run(path, input, draft.baseVersion)) {
        this.drafts.set(ticket.id, { body: '', baseVersion: this.ticket?.version ?? ticket.version });
        this.renderComposer();
        this.renderDetail();
      }
    };
    this.composerBox.dataset.ticket = ticket.id;
    this.composerBox.replaceChildren(
      h(
        'form',
        {
          class: `panel composer ${mode}`,
          'aria-label': 'Composer',
          onsubmit: (event) => {
            event.preventDefault();
            void send();
          },
          onkeydown: (event) => {
            const key = event as KeyboardEvent;
            if (key.key === 'Enter' && (key.ctrlKey || key.metaKey)) {
              key.preventDefault();
              void send();
            }
          },
        },
        h(
          'div',
          { class: 'tabs', role: 'group', 'aria-label': 'Write' },
          modes.map((item) =>
            h(
              'button',
              {
                class: 'btn',
                type: 'button',
                'aria-pressed': item === mode ? 'true' : 'false',
                'aria-keyshortcuts': item === 'reply' ? 'r' : item === 'note' ? 'n' : undefined,
                onclick: () => this.write(item),
              },
              MODE_LABEL[item],
            ),
          ),
        ),
        canned,
        mode === 'note' ? h('p', { class: 'note-label' }, 'Internal note — not sent to the customer') : null,
        text,
        h(
          'div',
          { class: 'actions' },
          h(
            'button',
            { class: 'btn primary', type: 'submit', 'aria-keyshortcuts': 'Control+Enter' },
            mode === 'note' ? 'Add note' : mode === 'reply' ? 'Send reply' : 'Send and await the customer',
          ),
        ),
      ),
    );
  }

  private write(mode: Mode) {
    this.mode = mode;
    this.renderComposer();
    this.renderDetail();
    (this.composerBox.querySelector('textarea') as HTMLTextAreaElement | null)?.focus();
  }

  private renderDeliveries() {
    const details = h(
      'details',
      {
        open: this.deliveries !== null,
        ontoggle: () => {
          if (details.open && this.deliveries === null) void this.loadDeliveries().then(() => this.renderDetail());
        },
      },
      h('summary', null, 'Delivery log'),
      this.deliveries === null ? h('p', { class: 'rule' }, 'Loading…') : deliveryLog(this.deliveries),
    );
    return details;
  }

  // ---- live updates, keys, theme ----

  private onLive(change: LiveChange) {
    const current = this.ticket;
    // Our own change (or one already shown) comes back as an event too: only newer versions are news.
    const news =
      change.ticketId === null || (change.ticketId === current?.id && (change.version ?? 0) > current.version);
    if (current && news) {
      const draft = this.drafts.get(current.id);
      if (draft?.body) {
        this.notice = {
          text: `${change.actorName ?? 'A colleague'} changed this ticket while you were typing (${change.type.replace('ticket.', '')}). Your text is kept.`,
        };
      }
      void this.load(current.id);
    }
    clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => void this.refreshList(), 100);
  }

  private onKey(event: KeyboardEvent) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || isTyping(event)) return;
    const index = this.page.items.findIndex((ticket) => ticket.id === this.ticket?.id);
    const key = event.key;
    if (key === '?') this.dialog.showModal();
    else if (key === 'j' || key === 'k') {
      const next = this.page.items[Math.max(0, Math.min(this.page.items.length - 1, index + (key === 'j' ? 1 : -1)))];
      if (next) void this.open(next.id);
    } else if (/^[1-7]$/.test(key)) this.selectQueue(QUEUES[Number(key) - 1]?.[0] ?? 'open');
    else if (key === '/') (this.list.querySelector('input') as HTMLInputElement).focus();
    else if (key === 'r' && this.ticket) this.write('reply');
    else if (key === 'n' && this.ticket) this.write('note');
    else if (key === 'm' && this.ticket?.actions?.assign?.allowed && this.agentId)
      void this.run('assign', { agentId: this.agentId });
    else return;
    event.preventDefault();
  }

  private toggleTheme() {
    this.setAttribute('theme', this.getAttribute('theme') === 'dark' ? 'light' : 'dark');
  }

  private syncThemeButton() {
    const button = this.root.querySelector('header.top button[aria-pressed]');
    button?.setAttribute('aria-pressed', String(this.getAttribute('theme') === 'dark'));
  }
}

/** Registers `<ticketkit-console>` (once per page). */
export function defineTicketkitConsole(name = 'ticketkit-console'): void {
  if (!customElements.get(name)) customElements.define(name, class extends TicketkitConsole {});
}
