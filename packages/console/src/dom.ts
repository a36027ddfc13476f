/** Attributes and properties of {@link h}: `on*` functions become listeners; `false`/`null` leave it out. */
export type Props = Record<string, string | number | boolean | null | undefined | ((event: Event) => void)>;

/** A child of {@link h}: strings become text nodes (never HTML). */
export type Child = Node | string | null | undefined | false | Child[];

/**
 * Creates an element. Text is always set as text nodes: whatever a customer
 * wrote is rendered as text, never parsed as HTML.
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props | null = null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(props ?? {})) {
    if (value === false || value === null || value === undefined) continue;
    if (typeof value === 'function') element.addEventListener(name.slice(2), value);
    else if (name === 'value') (element as HTMLInputElement).value = String(value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  append(element, children);
  return element;
}

function append(parent: Node, children: Child[]) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(parent, child);
    else parent.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
  }
}
