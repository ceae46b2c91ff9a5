/**
 * Shape checks of the ledger's objects: bounded string maps (metadata), decimal integer strings and
 * the ledger's limits; the generic checks (plain objects, exact key sets, whole numbers) are
 * runtime/codec/shape.ts's, re-exported here. They return a reason (or null) so each object
 * reports failures with its own typed error.
 * @module
 */
import { exactKeysProblem, isRecord, parseWholeNumber } from '../codec';

export { exactKeysProblem, isRecord };

/** Most entries a metadata map may have. */
export const METADATA_ENTRIES_MAX = 32;
/** Longest metadata key, in UTF-16 code units. */
export const METADATA_KEY_LENGTH_MAX = 64;
/** Longest metadata value, in UTF-16 code units. */
export const METADATA_VALUE_LENGTH_MAX = 256;
/** Timestamps are milliseconds in [0, 2^53 − 1] (exactly representable everywhere). */
export const TIMESTAMP_MAX_MS = 2n ** 53n - 1n;

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
  return parseWholeNumber(value, 78);
}

/** A frozen shallow copy of a string map with keys in sorted order. */
export function copyStringMap(
  value: Readonly<Record<string, string>>,
): Readonly<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const key of Object.keys(value).sort()) out[key] = value[key] as string;
  return Object.freeze(out);
}
