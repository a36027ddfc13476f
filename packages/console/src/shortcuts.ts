import { h } from './dom.js';

/** The keyboard shortcuts, as the `?` dialog lists them. */
export const SHORTCUTS: [string, string][] = [
  ['j / k', 'Next / previous ticket in the list'],
  ['1 – 7', 'Open, Mine, Unassigned, Overdue, Awaiting customer, Resolved, Closed'],
  ['/', 'Search'],
  ['r', 'Reply'],
  ['n', 'Internal note'],
  ['m', 'Assign to me'],
  ['Ctrl + Enter', 'Send what you are writing'],
  ['?', 'Show these shortcuts'],
  ['Esc', 'Close this dialog'],
];

/** The `?` dialog: a native modal `<dialog>` (focus stays inside; Esc closes it and focus returns). */
export function shortcutsDialog(): HTMLDialogElement {
  const dialog = h(
    'dialog',
    { 'aria-labelledby': 'tk-shortcuts-title' },
    h('h2', { id: 'tk-shortcuts-title' }, 'Keyboard shortcuts'),
    h(
      'table',
      null,
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Keys'), h('th', { scope: 'col' }, 'Action'))),
      h(
        'tbody',
        null,
        SHORTCUTS.map(([keys, what]) => h('tr', null, h('td', null, h('kbd', null, keys)), h('td', null, what))),
      ),
    ),
    h('form', { method: 'dialog' }, h('button', { class: 'btn primary', type: 'submit' }, 'Close')),
  );
  return dialog;
}

/** Whether a key press happened while typing (shortcuts stay out of the way). */
export function isTyping(event: KeyboardEvent): boolean {
  const target = event.composedPath()[0] as HTMLElement | undefined;
  return !!target && (/^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName) || target.isContentEditable);
}
