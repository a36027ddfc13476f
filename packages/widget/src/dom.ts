/** What `h()` appends: nodes, and strings as text nodes (never parsed as HTML). */
export type Child = Node | string | null | undefined | false;

/** Attributes and listeners of `h()`: `text` sets textContent, `value`/`checked` set properties, `on*` listen. */
export type Props = Record<string, unknown>;

/**
 * Creates an element. Server data only ever reaches the page through text
 * nodes and attributes here, so a reply holding `<img onerror>` stays text.
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value == null || value === false) continue;
    if (key.startsWith('on')) el.addEventListener(key.slice(2), value as EventListener);
    else if (key === 'text') el.textContent = String(value);
    else if (key === 'value' || key === 'checked') (el as unknown as Record<string, unknown>)[key] = value;
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children) if (child != null && child !== false) el.append(child);
  return el;
}

/** Every focusable control inside `root`, in tab order. */
export function focusables(root: ParentNode): HTMLElement[] {
  return Array.from(
    root.querySelectorAll<HTMLElement>('a[href],button,input,select,textarea,[tabindex]:not([tabindex="-1"])'),
  ).filter((el) => !(el as HTMLButtonElement).disabled && el.getClientRects().length > 0 && el.tabIndex >= 0);
}
