/**
 * Building the page from data. Every value from the server goes in as a text node (never as
 * HTML), so data cannot inject markup; handlers are attached with addEventListener, since the
 * Content-Security-Policy refuses inline ones.
 */

/** An element of index.html by id, checked to be the kind the code expects. */
export function byId<T extends HTMLElement>(id: string, kind: { new (): T; prototype: T }): T {
  const node = document.getElementById(id);
  if (!(node instanceof kind)) throw new Error(`index.html has no ${kind.name} #${id}`);
  return node;
}

export type Child = Node | string | number;

export interface Attributes {
  readonly class?: string;
  readonly href?: string;
  readonly onclick?: (event: MouseEvent) => void;
  /** Any other attribute (`aria-label`, `type`, `id` ...), set as text. */
  readonly attrs?: Readonly<Record<string, string>>;
}

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Attributes = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (attributes.class !== undefined) node.className = attributes.class;
  if (attributes.href !== undefined) node.setAttribute("href", attributes.href);
  for (const [name, value] of Object.entries(attributes.attrs ?? {})) node.setAttribute(name, value);
  // As an HTMLElement: the generic tag type hides the "click" overload of addEventListener.
  if (attributes.onclick) (node as HTMLElement).addEventListener("click", attributes.onclick);
  for (const child of children)
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  return node;
}

export function table(
  headings: readonly string[],
  rows: readonly (readonly Child[])[],
  caption?: string,
): HTMLTableElement {
  const { table, body } = headedTable(headings, caption);
  body.append(...rows.map((cells) => el("tr", {}, ...cells.map((c) => el("td", {}, c)))));
  return table;
}

/**
 * A table with its headings and an empty body to fill (a page at a time). The caption, read by
 * screen readers only, says what the rows are.
 */
export function headedTable(
  headings: readonly string[],
  caption?: string,
  kind = "",
): { table: HTMLTableElement; body: HTMLTableSectionElement } {
  const body = el("tbody");
  const table = el(
    "table",
    kind ? { class: kind } : {},
    ...(caption ? [el("caption", { class: "visually-hidden" }, caption)] : []),
    el("thead", {}, el("tr", {}, ...headings.map((h) => el("th", { attrs: { scope: "col" } }, h)))),
    body,
  );
  return { table, body };
}

/** A form's text field, trimmed ("" when absent). */
export function field(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === "string" ? value.trim() : "";
}

/** Runs a form's action on submit instead of navigating. */
export function onSubmit(form: HTMLFormElement, action: () => Promise<unknown>): void {
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    action().catch(alreadyShown);
  });
}

/** A button that runs an action, its failure already shown by `api`. */
export function button(
  text: string,
  action: () => Promise<unknown>,
  kind = "",
  label?: string,
): HTMLButtonElement {
  return el(
    "button",
    {
      ...(kind ? { class: kind } : {}),
      attrs: { type: "button", ...(label ? { "aria-label": label } : {}) },
      onclick: () => {
        action().catch(alreadyShown);
      },
    },
    text,
  );
}

/** A whole number in the reader's grouping (100,000). */
export function count(n: number): string {
  return n.toLocaleString("en");
}

/** For promises whose failure `api` has already put in the error line. */
export function alreadyShown(): void {}
