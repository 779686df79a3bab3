/**
 * What the browser pages of central (agent console, staff page) do with the DOM. Every value
 * from the network reaches the page through `textContent` or a form value, never as markup.
 */

/** The element with this id, checked to be of the expected kind (the page is broken otherwise). */
export function byId<T extends HTMLElement = HTMLElement>(id: string, kind?: abstract new () => T): T {
  const node = document.getElementById(id);
  if (!node) throw new Error(`the page has no #${id}`);
  if (kind && !(node instanceof kind)) throw new Error(`#${id} is not a ${kind.name}`);
  return node as T;
}

/** A new element with `text` as its text (nothing when null or undefined) and these attributes. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  text?: string | number | null,
  attrs: Readonly<Record<string, string>> = {},
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  return node;
}

/** An error's message for the page. */
export const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));
