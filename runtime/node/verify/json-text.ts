/**
 * Comparing a stored JSON text with the value it must hold. A text passes only when it parses to
 * exactly the expected value and is in the normal form the node writes (`JSON.stringify` of its
 * own parse: no whitespace, minimal escapes), so every byte of it is accounted for: a changed byte
 * either changes the value or leaves the normal form.
 * @module
 */
import { toText } from '../store';

/** Where a text differs from its expected value; `field` is a JSON path (`$.a[2].b`). */
export type TextDifference = {
  readonly field: string;
  readonly expected: string;
  readonly actual: string;
};

/** The value as plain JSON (bigints become decimal strings), the way the node stores it. */
export function plainJson(value: unknown): unknown {
  return JSON.parse(toText(value)) as unknown;
}

/** Parses a stored JSON text in normal form, or returns what is wrong with it. */
export function parseNormalJson(
  text: string,
): { ok: true; value: unknown } | { ok: false; problem: TextDifference } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return { ok: false, problem: { field: '', expected: 'a JSON text', actual: message } };
  }
  const normal = JSON.stringify(value);
  if (normal !== text)
    return {
      ok: false,
      problem: { field: '', expected: `the normal form ${normal}`, actual: text },
    };
  return { ok: true, value };
}

/**
 * The first difference between a stored JSON text and the value it must hold, or null.
 * @param text - the stored text
 * @param expected - the value (bigints allowed; compared as decimal strings)
 */
export function jsonTextDifference(text: string, expected: unknown): TextDifference | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return { field: '', expected: toText(expected), actual: `not JSON (${message}): ${text}` };
  }
  const deep = valueDifference('$', plainJson(expected), value);
  if (deep !== null) return deep;
  const normal = JSON.stringify(value);
  return normal === text ? null : { field: '', expected: normal, actual: text };
}

/** The first path where two JSON values differ (object keys compared as sets, in sorted order). */
export function valueDifference(
  path: string,
  expected: unknown,
  actual: unknown,
): TextDifference | null {
  if (isObject(expected) && isObject(actual)) {
    const keys = [...new Set([...Object.keys(expected), ...Object.keys(actual)])].sort();
    for (const key of keys) {
      const inner = `${path}.${key}`;
      if (!Object.hasOwn(actual, key))
        return { field: inner, expected: show(expected[key]), actual: '(absent)' };
      if (!Object.hasOwn(expected, key))
        return { field: inner, expected: '(absent)', actual: show(actual[key]) };
      const found = valueDifference(inner, expected[key], actual[key]);
      if (found !== null) return found;
    }
    return null;
  }
  if (Array.isArray(expected) && Array.isArray(actual)) {
    if (expected.length !== actual.length)
      return {
        field: `${path}.length`,
        expected: String(expected.length),
        actual: String(actual.length),
      };
    for (let i = 0; i < expected.length; i++) {
      const found = valueDifference(`${path}[${i}]`, expected[i], actual[i]);
      if (found !== null) return found;
    }
    return null;
  }
  if (expected === actual) return null;
  return { field: path, expected: show(expected), actual: show(actual) };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function show(value: unknown): string {
  return typeof value === 'string' ? value : (JSON.stringify(value) ?? 'undefined');
}
