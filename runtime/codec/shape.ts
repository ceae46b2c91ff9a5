/**
 * Checks of JSON values' shapes, shared by every parser of a wire or stored form (transactions,
 * genesis, params, guidance, ledger objects, entropy records): plain objects with an exact or an
 * allowed key set, bounded strings, whole numbers and 18-decimal amounts written as decimal
 * strings. Two layers:
 * - predicates that return the parsed value or undefined (or a reason, or null), for parsers that
 *   collect problems as data (the ledger's validators);
 * - {@link shapeChecker}, the same checks throwing through a caller's `fail`, so that each parser
 *   raises its own typed error (TX_MALFORMED, GENESIS_INVALID, …) with the field and the reason.
 * @module
 */
import { UD, type UD128x18 } from '../math';

/** True for a plain object (not null, not an array). */
export function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A reason when `value`'s own keys are not exactly `keys` (missing and unexpected ones), else null. */
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

/** The first of `value`'s keys (in sorted order) that `allowed` does not list, else undefined. */
export function unknownKey(
  value: Readonly<Record<string, unknown>>,
  allowed: readonly string[],
): string | undefined {
  return Object.keys(value)
    .sort()
    .find((key) => !allowed.includes(key));
}

/**
 * A whole number written canonically (no sign, no leading zeros) with at most `digitsMax` digits,
 * else undefined.
 */
export function parseWholeNumber(value: unknown, digitsMax: number): bigint | undefined {
  if (typeof value !== 'string' || value.length === 0 || value.length > digitsMax) return undefined;
  return /^(0|[1-9][0-9]*)$/.test(value) ? BigInt(value) : undefined;
}

/** An unsigned 18-decimal amount (`UD.parse`: at most 18 decimals, within range), else undefined. */
export function parseAmount(value: unknown): UD128x18 | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    return UD.parse(value);
  } catch {
    return undefined;
  }
}

/**
 * An amount in its trimmed canonical form (no leading or trailing zeros, so one value has one
 * signed text), else undefined.
 */
export function parseCanonicalAmount(value: unknown): UD128x18 | undefined {
  const parsed = parseAmount(value);
  return parsed !== undefined && UD.formatTrimmed(parsed) === value ? parsed : undefined;
}

/** What a failed check reports: which kind of check, the field (a path) and a reason. */
export type ShapeFault = {
  readonly kind: 'object' | 'keys' | 'string' | 'length' | 'number' | 'range' | 'amount';
  readonly field: string;
  readonly reason: string;
};

/** The checks of {@link shapeChecker}; each returns the checked value or throws through `fail`. */
export type ShapeChecker = {
  object(value: unknown, field: string): Readonly<Record<string, unknown>>;
  /** The own keys must be exactly `keys` (sorted). */
  exactKeys(value: Readonly<Record<string, unknown>>, keys: readonly string[], field: string): void;
  /** Every own key must be listed (a key not listed names `field.key`). */
  allowOnly(value: Readonly<Record<string, unknown>>, keys: readonly string[], field: string): void;
  string(value: unknown, field: string, lengthMax: number, allowEmpty?: boolean): string;
  /** A canonical whole number of at most `digitsMax` digits in [lo, hi]. */
  wholeNumber(
    value: unknown,
    field: string,
    bounds: { readonly digitsMax: number; readonly lo?: bigint; readonly hi?: bigint },
  ): bigint;
  /** An 18-decimal amount; `canonical` also requires its trimmed form. */
  amount(value: unknown, field: string, canonical: boolean): UD128x18;
};

/**
 * The shape checks bound to one error: every failure calls `fail`, which throws the parser's own
 * typed error (it must not return).
 * @example
 * const shape = shapeChecker((f) => { throw new GenesisInvalidError(f.field, f.reason); });
 * const doc = shape.object(json, 'genesis');
 */
export function shapeChecker(fail: (fault: ShapeFault) => never): ShapeChecker {
  const check = (ok: boolean, kind: ShapeFault['kind'], field: string, reason: string) => {
    if (!ok) fail({ kind, field, reason });
  };
  return {
    object(value, field) {
      check(isRecord(value), 'object', field, 'must be an object');
      return value as Readonly<Record<string, unknown>>;
    },
    exactKeys(value, keys, field) {
      const present = Object.keys(value).sort();
      const same = present.length === keys.length && present.every((k, i) => k === keys[i]);
      check(same, 'keys', field, `fields must be exactly ${keys.join(', ')}`);
    },
    allowOnly(value, keys, field) {
      const extra = unknownKey(value, keys);
      check(extra === undefined, 'keys', `${field}.${extra ?? ''}`, 'unknown field');
    },
    string(value, field, lengthMax, allowEmpty = false) {
      const ok = typeof value === 'string' && (allowEmpty || value.length > 0);
      check(ok, 'string', field, 'must be a non-empty string');
      check((value as string).length <= lengthMax, 'length', field, `longer than ${lengthMax}`);
      return value as string;
    },
    wholeNumber(value, field, { digitsMax, lo, hi }) {
      const n = parseWholeNumber(value, digitsMax);
      check(n !== undefined, 'number', field, 'a whole number as a decimal string');
      const inRange =
        (lo === undefined || (n as bigint) >= lo) && (hi === undefined || (n as bigint) <= hi);
      check(inRange, 'range', field, `must lie in [${lo ?? 0n}, ${hi ?? 'any'}]`);
      return n as bigint;
    },
    amount(value, field, canonical) {
      check(typeof value === 'string', 'amount', field, 'a decimal string');
      const parsed = parseAmount(value);
      check(
        parsed !== undefined,
        'amount',
        field,
        'an unsigned decimal within range, at most 18 decimals',
      );
      check(
        !canonical || UD.formatTrimmed(parsed as UD128x18) === value,
        'amount',
        field,
        'in canonical form (no leading or trailing zeros)',
      );
      return parsed as UD128x18;
    },
  };
}
