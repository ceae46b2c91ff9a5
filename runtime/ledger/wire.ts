/**
 * Shape checks shared by the ledger's objects: plain objects with an exact key set, decimal
 * integer strings, bounded string maps. They return a reason (or null) so each object reports
 * failures with its own typed error.
 * @module
 */

/** Most entries a metadata map may have. */
export const METADATA_ENTRIES_MAX = 32;
/** Longest metadata key, in UTF-16 code units. */
export const METADATA_KEY_LENGTH_MAX = 64;
/** Longest metadata value, in UTF-16 code units. */
export const METADATA_VALUE_LENGTH_MAX = 256;
/** Timestamps are milliseconds in [0, 2^53 − 1] (exactly representable everywhere). */
export const TIMESTAMP_MAX_MS = 2n ** 53n - 1n;

const DECIMAL = /^(?:0|[1-9][0-9]{0,77})$/;

/** True for a plain object (not null, not an array). */
export function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A reason when `value`'s own keys are not exactly `keys`, else null. */
export function exactKeysProblem(
  value: Readonly<Record<string, unknown>>,
  keys: readonly string[],
): string | null {
  const actual = Object.keys(value).sort();
  const expected = [...keys].sort();
  const missing = expected.filter((k) => !actual.includes(k));
  const extra = actual.filter((k) => !expected.includes(k));
  if (missing.length === 0 && extra.length === 0) return null;
  return [
    missing.length > 0 ? `missing ${missing.join(', ')}` : '',
    extra.length > 0 ? `unexpected ${extra.join(', ')}` : '',
  ]
    .filter((s) => s !== '')
    .join('; ');
}

/** A reason when `value` is not a metadata map (string → string, bounded), else null. */
export function stringMapProblem(value: unknown): string | null {
  if (!isRecord(value)) return 'not an object';
  const keys = Object.keys(value).sort();
  if (keys.length > METADATA_ENTRIES_MAX) return `more than ${METADATA_ENTRIES_MAX} entries`;
  for (const key of keys) {
    const entry = value[key];
    if (key.length === 0 || key.length > METADATA_KEY_LENGTH_MAX)
      return `key length of "${key.slice(0, 64)}"`;
    if (typeof entry !== 'string') return `value of "${key}" is not a string`;
    if (entry.length > METADATA_VALUE_LENGTH_MAX)
      return `value of "${key}" longer than ${METADATA_VALUE_LENGTH_MAX}`;
  }
  return null;
}

/** Parses a canonical decimal integer string (no sign, no leading zeros), else undefined. */
export function parseDecimal(value: unknown): bigint | undefined {
  return typeof value === 'string' && DECIMAL.test(value) ? BigInt(value) : undefined;
}

/** A frozen shallow copy of a string map with keys in sorted order. */
export function copyStringMap(
  value: Readonly<Record<string, string>>,
): Readonly<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const key of Object.keys(value).sort()) out[key] = value[key] as string;
  return Object.freeze(out);
}
