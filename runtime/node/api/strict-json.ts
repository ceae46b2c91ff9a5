/**
 * Strict JSON for request bodies: `JSON.parse` keeps the last of two equal keys, so a body with
 * `{"nonce": "1", "nonce": "2"}` would mean one thing to us and another to a client or proxy that
 * keeps the first. The API refuses such bodies (`API_BAD_REQUEST`, naming the key and where).
 *
 * Written here rather than taken from a package: it runs on every request of the hot path (a
 * transaction body is ~10 KB, 9 KB of it one hex string), so it jumps from quote to quote with
 * `indexOf` instead of walking characters, and it runs only on text `JSON.parse` accepted, so it
 * needs no error handling of its own.
 * @module
 */

/** Where a duplicate key was found: the JSON path of its object and the key. */
export type DuplicateKey = { readonly path: string; readonly key: string };

type Frame = { readonly keys: Set<string> | null; readonly path: string; index: number };

/**
 * Finds the first object key that appears twice in the same object.
 * @param text - JSON text that `JSON.parse` accepts
 * @returns the place of the first duplicate, or null
 */
export function findDuplicateKey(text: string): DuplicateKey | null {
  const stack: Frame[] = [];
  let expectKey = false;
  let lastKey = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      const end = closingQuote(text, i);
      if (expectKey) {
        const frame = stack[stack.length - 1] as Frame;
        const raw = text.slice(i + 1, end);
        lastKey = raw.includes('\\') ? (JSON.parse(`"${raw}"`) as string) : raw;
        if (frame.keys?.has(lastKey) === true) return { path: frame.path, key: lastKey };
        frame.keys?.add(lastKey);
        expectKey = false;
      }
      i = end;
    } else if (c === 0x7b /* { */) {
      stack.push({ keys: new Set(), path: childPath(stack, lastKey), index: 0 });
      expectKey = true;
    } else if (c === 0x5b /* [ */) {
      stack.push({ keys: null, path: childPath(stack, lastKey), index: 0 });
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      stack.pop();
    } else if (c === 0x2c /* , */) {
      const frame = stack[stack.length - 1] as Frame;
      frame.index += 1;
      expectKey = frame.keys !== null;
    }
  }
  return null;
}

/** The index of the quote that closes the string opened at `open` (skipping escaped quotes). */
function closingQuote(text: string, open: number): number {
  let end = text.indexOf('"', open + 1);
  while (isEscaped(text, end)) end = text.indexOf('"', end + 1);
  return end;
}

/** True when the character at `at` is preceded by an odd number of backslashes. */
function isEscaped(text: string, at: number): boolean {
  let slashes = 0;
  while (text.charCodeAt(at - 1 - slashes) === 0x5c /* \ */) slashes += 1;
  return slashes % 2 === 1;
}

/** The path of a value opened inside the current container (`$` at the top). */
function childPath(stack: readonly Frame[], key: string): string {
  const parent = stack[stack.length - 1];
  if (parent === undefined) return '$';
  return parent.keys === null ? `${parent.path}[${parent.index}]` : `${parent.path}.${key}`;
}
