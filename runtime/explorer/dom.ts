/**
 * A few DOM helpers: elements built from data with `textContent` (never HTML strings, so nothing
 * the node serves can inject markup), verification marks, tables and key-value lists.
 * @module
 */

type Child = Node | string | number | null | undefined | false;
type Attrs = Readonly<Record<string, string | undefined>>;

/** An element with attributes and children; strings become text nodes. */
export function h(tag: string, attrs: Attrs = {}, ...children: readonly Child[]): HTMLElement {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value !== undefined) el.setAttribute(name, value);
  }
  append(el, children);
  return el;
}

function append(el: HTMLElement, children: readonly Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    el.append(typeof child === 'number' ? String(child) : child);
  }
}

/** What a check concluded: verified, INVALID (with why), or not checked (with why not). */
export type Verdict =
  | { readonly state: 'verified'; readonly what: string }
  | { readonly state: 'invalid'; readonly what: string; readonly reason: string }
  | { readonly state: 'unchecked'; readonly what: string; readonly reason: string };

export const verified = (what: string): Verdict => ({ state: 'verified', what });
export const invalid = (what: string, reason: string): Verdict => ({
  state: 'invalid',
  what,
  reason,
});
export const unchecked = (what: string, reason: string): Verdict => ({
  state: 'unchecked',
  what,
  reason,
});

/**
 * A mark for a verdict: "verified" / "INVALID" / "not checked", with what was checked (and why it
 * failed) in its title and in a `data-check` attribute the browser tests read.
 * @param id - names the object (e.g. `seal-3`), for deep links and tests
 */
export function mark(v: Verdict, id: string): HTMLElement {
  const label =
    v.state === 'verified' ? 'verified' : v.state === 'invalid' ? 'INVALID' : 'not checked';
  const title = v.state === 'verified' ? v.what : `${v.what}: ${v.reason}`;
  return h(
    'span',
    { class: `mark ${v.state}`, 'data-check': id, 'data-state': v.state, title },
    label,
  );
}

/** A verdict's mark followed by its reason in words when it is not "verified". */
export function markWithReason(v: Verdict, id: string): HTMLElement {
  return h(
    'span',
    {},
    mark(v, id),
    v.state === 'verified' ? null : h('small', { class: 'why' }, ` ${v.reason}`),
  );
}

/** A two-column table of labelled values. */
export function fields(rows: readonly (readonly [string, Child | Child[]])[]): HTMLElement {
  return h(
    'table',
    { class: 'fields' },
    ...rows.map(([label, value]) => {
      const td = h('td');
      append(td, Array.isArray(value) ? value : [value as Child]);
      return h('tr', {}, h('th', {}, label), td);
    }),
  );
}

/** A table with a header row; cells may be nodes. */
export function table(
  headers: readonly string[],
  rows: readonly (readonly Child[])[],
): HTMLElement {
  return h(
    'div',
    { class: 'scroll' },
    h(
      'table',
      { class: 'list' },
      h('thead', {}, h('tr', {}, ...headers.map((x) => h('th', {}, x)))),
      h('tbody', {}, ...rows.map((cells) => h('tr', {}, ...cells.map((c) => h('td', {}, c))))),
    ),
  );
}

/** A link to a route of the explorer (hash routing: every object has a deep link). */
export function link(route: string, text: string): HTMLElement {
  return h('a', { href: `#/${route}` }, text);
}

/** A long hash shown shortened, whole in its title. */
export function short(hash: string, keep = 10): HTMLElement {
  const text = hash.length > 2 * keep + 1 ? `${hash.slice(0, keep)}…${hash.slice(-6)}` : hash;
  return h('code', { title: hash }, text);
}

/** A section with a heading. */
export function section(title: string, ...children: readonly Child[]): HTMLElement {
  return h('section', {}, h('h2', {}, title), ...children);
}
