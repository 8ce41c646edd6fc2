/** DOM helpers shared by the pages. */

/** The element with this id, checked to be of the expected class (a page and its HTML must agree). */
export function byId<T extends HTMLElement = HTMLElement>(id: string, type?: new () => T): T {
  const node = document.getElementById(id);
  if (!node) throw new Error(`#${id} is missing from the page`);
  if (!(node instanceof (type ?? HTMLElement))) throw new Error(`#${id} is a ${node.tagName}, not the expected element`);
  return node as T;
}

type Listeners = Partial<{ [K in keyof HTMLElementEventMap]: (event: HTMLElementEventMap[K]) => void }>;

export interface ElProps {
  class?: string;
  text?: string;
  /** Attributes (href, type, role, aria-*, data-*, …): false, null and undefined leave one out; true sets it empty. */
  attrs?: Record<string, string | number | boolean | null | undefined>;
  /** Listeners, added with addEventListener (never as inline handler attributes). */
  on?: Listeners;
}

/** A new element with its properties and children. */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: ElProps = {}, ...children: (Node | string | null | undefined)[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (props.class) node.className = props.class;
  if (props.text !== undefined) node.textContent = props.text;
  for (const [name, value] of Object.entries(props.attrs ?? {})) {
    // What a strict Content-Security-Policy refuses: use `on` and element.style.
    if (/^(on|style$)/i.test(name)) throw new Error(`el(): ${name} may not be an attribute`);
    if (value === undefined || value === null || value === false) continue;
    node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const [type, listener] of Object.entries(props.on ?? {})) node.addEventListener(type, listener as EventListener);
  for (const child of children) if (child !== null && child !== undefined) node.append(child);
  return node;
}

/** Hands a file to the browser to save, as a link the user clicked would. */
export function saveFile(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const link = el('a', { attrs: { href: url, download: filename } });
  document.body.append(link);
  link.click();
  link.remove();
  // The download has started by then; the object URL is only needed until it has.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
