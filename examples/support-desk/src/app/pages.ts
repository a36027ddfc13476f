import { html, type SafeHtml } from './html.js';
import type { CapturedMail } from './mailbox.js';
import { PERSONAS, type Persona } from './personas.js';

/** The pages of the app, for the header's navigation. */
const NAV = [
  { href: '/', label: 'Customer site' },
  { href: '/console', label: 'Agent console' },
  { href: '/mailbox', label: 'Mailbox' },
] as const;

/** The demo bar: who you are, and the links between the app's three pages. */
function demoBar(current: Persona | undefined, path: string): SafeHtml {
  return html`<div class="demo-bar" role="region" aria-label="Demo controls">
  <form method="post" action="/demo/persona" class="demo-switcher">
    <span class="demo-tag">Demo</span>
    <label for="persona">Pick who you are — your app’s login replaces this</label>
    <select id="persona" name="persona">
      ${PERSONAS.map(
        (persona) =>
          html`<option value="${persona.id}"${persona.id === current?.id ? html` selected` : ''}>${persona.name} — ${persona.role}</option>`,
      )}
    </select>
    <input type="hidden" name="next" value="${path}">
    <button type="submit">Switch</button>
  </form>
  <nav aria-label="Demo pages">${NAV.map(
    (item) => html`<a href="${item.href}"${item.href === path ? html` aria-current="page"` : ''}>${item.label}</a>`,
  )}</nav>
</div>`;
}

/** A whole page: the demo bar, then the page's own content. */
function layout(options: {
  title: string;
  path: string;
  persona: Persona | undefined;
  body: SafeHtml;
  bodyClass: string;
  head?: SafeHtml;
}): string {
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${options.title}</title><link rel="stylesheet" href="/assets/site.css">${options.head ?? ''}</head>
<body class="${options.bodyClass}"${options.persona?.actor.type === 'customer' ? html` data-customer-name="${options.persona.actor.name ?? ''}" data-customer-email="${options.persona.actor.email}"` : ''}>
${demoBar(options.persona, options.path)}
${options.body}
</body></html>`.value;
}

/** "/": the Acme Bank site, with the support widget. */
export function customerPage(persona: Persona | undefined): string {
  const greeting = persona?.actor.type === 'customer' ? `Welcome back, ${persona.name}` : 'Online banking';
  return layout({
    title: 'Acme Bank — banking that keeps up with you',
    path: '/',
    persona,
    bodyClass: 'bank',
    head: html`<script type="module" src="/assets/ticketkit-widget.js" data-endpoint="/support"></script><script type="module" src="/assets/site.js"></script>`,
    body: html`<header class="bank-header">
  <a class="logo" href="/"><span class="logo-mark" aria-hidden="true">A</span> Acme Bank</a>
  <nav aria-label="Acme Bank"><a href="#accounts">Accounts</a><a href="#cards">Cards</a><a href="#mobile">Mobile app</a><a href="#help">Help</a></nav>
  <span class="signed-in">${greeting}</span>
</header>
<main>
  <section class="hero">
    <div>
      <h1>Banking that keeps up with you</h1>
      <p>Checking, savings and cards in one app, with people who answer when you need them — day or night.</p>
      <p class="hero-actions"><a class="button" href="#accounts">Open an account</a><a class="button ghost" href="#help">Get help</a></p>
    </div>
    <div class="card-visual" aria-hidden="true"><span class="chip"></span><span class="card-number">•••• •••• •••• 4821</span><span class="card-name">ACME PLATINUM</span></div>
  </section>
  <section class="features" id="accounts" aria-label="Our products">
    <article><h2>Everyday checking</h2><p>No monthly fee, instant transfers between Acme accounts, and alerts for every payment.</p></article>
    <article id="cards"><h2>Cards that travel</h2><p>No foreign transaction fees. Freeze and unfreeze your card from the app in one tap.</p></article>
    <article id="mobile"><h2>The Acme app</h2><p>Pay bills, deposit cheques and move money — version 4.2 is out for iOS and Android.</p></article>
  </section>
  <section class="help" id="help">
    <h2>Need a hand?</h2>
    <p>Locked out, a card declined, the app misbehaving? Open a request with the <strong>Help</strong> button at the bottom right: you get a ticket number at once, and our Help Desk answers within a business day.</p>
  </section>
</main>
<footer class="bank-footer"><p>Acme Bank is a fictional bank of the ticketkit demo. Member FDIC (not really).</p></footer>`,
  });
}

/** "/console": the agent console, for the agent signed in. */
export function consolePage(persona: Persona | undefined): string {
  const agent = persona?.actor.type === 'agent' ? persona.actor.id : undefined;
  return layout({
    title: 'Acme Bank support console',
    path: '/console',
    persona,
    bodyClass: 'console',
    head: agent ? html`<script type="module" src="/assets/ticketkit-console.js"></script>` : undefined,
    body: agent
      ? html`<main class="console-main"><h1 class="visually-hidden">Support console</h1><ticketkit-console endpoint="/support" agent-id="${agent}"></ticketkit-console></main>`
      : html`<main class="notice"><h1>Agents only</h1><p>The console is for Acme Bank’s support agents. Pick Isabella, Winston or Alex in the demo bar above.</p></main>`,
  });
}

/** "/mailbox": every email the desk sent, as its recipient reads it, each with a reply form. */
export function mailboxPage(persona: Persona | undefined, messages: readonly CapturedMail[], notice?: string): string {
  return layout({
    title: 'Mailbox — every email the desk sent',
    path: '/mailbox',
    persona,
    bodyClass: 'mailbox',
    body: html`<main class="mailbox-main">
  <h1>Mailbox</h1>
  <p class="lead">Every email the help desk sent, caught by a local SMTP server instead of going out. A reply typed here goes back in as a real email and lands on the ticket.</p>
  ${notice ? html`<p class="flash" role="status">${notice}</p>` : ''}
  ${
    messages.length === 0
      ? html`<p class="empty">No email yet. Open a request on the customer site.</p>`
      : html`<ol class="messages">${messages.map(
          (mail) => html`<li class="message" id="mail-${mail.id}">
  <article aria-labelledby="subject-${mail.id}">
    <header>
      <h2 id="subject-${mail.id}">${mail.subject}</h2>
      <dl><dt>From</dt><dd>${mail.from}</dd><dt>To</dt><dd>${mail.to.join(', ')}</dd><dt>Date</dt><dd><time datetime="${mail.receivedAt.toISOString()}">${mail.receivedAt.toUTCString()}</time></dd></dl>
    </header>
    ${
      mail.html === null
        ? html`<div class="mail-body">${mail.text}</div>`
        : html`<iframe class="mail-html" sandbox="allow-popups allow-popups-to-escape-sandbox" src="/mailbox/${mail.id}/html" title="The email as sent (HTML part)" loading="lazy"></iframe>
    <details class="plain-text">
      <summary>Plain-text part</summary>
      <div class="mail-body">${mail.text}</div>
    </details>`
    }
    <details class="reply">
      <summary>Reply as ${mail.to[0] ?? ''}</summary>
      <form method="post" action="/mailbox/reply">
        <input type="hidden" name="id" value="${mail.id}">
        <label for="reply-${mail.id}">Your reply</label>
        <textarea id="reply-${mail.id}" name="text" rows="4" required></textarea>
        <button type="submit">Send reply</button>
      </form>
    </details>
  </article>
</li>`,
        )}</ol>`
  }
</main>`,
  });
}
