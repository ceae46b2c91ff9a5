/**
 * Field readers for the sync messages: each takes an untrusted JSON value and either returns the
 * typed value or throws {@link SyncMalformedError} naming the message and the field.
 * @module
 */
import { isChecksumAddress, isHex } from '../../codec';
import { SyncMalformedError } from './errors';

const DECIMAL = /^(?:0|[1-9][0-9]{0,19})$/;

/** The plain object `value`, with exactly `keys` (in any order). */
export function objectWith(
  value: unknown,
  keys: readonly string[],
  what: string,
  field = '$',
): Readonly<Record<string, unknown>> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new SyncMalformedError({ what, field, reason: 'not an object' });
  const record = value as Readonly<Record<string, unknown>>;
  const actual = Object.keys(record).sort();
  const expected = [...keys].sort();
  const extra = actual.filter((k) => !expected.includes(k));
  const missing = expected.filter((k) => !actual.includes(k));
  if (extra.length > 0 || missing.length > 0)
    throw new SyncMalformedError({
      what,
      field,
      reason: [
        missing.length > 0 ? `missing ${missing.join(', ')}` : '',
        extra.length > 0 ? `unexpected ${extra.slice(0, 8).join(', ')}` : '',
      ]
        .filter((s) => s !== '')
        .join('; '),
    });
  return record;
}

/** A canonical decimal integer string (at most 20 digits) as a bigint. */
export function decimalField(value: unknown, what: string, field: string): bigint {
  if (typeof value !== 'string' || !DECIMAL.test(value))
    throw new SyncMalformedError({ what, field, reason: 'not a decimal integer string' });
  return BigInt(value);
}

/** A 32-byte hash as 64 lowercase hex digits. */
export function hashField(value: unknown, what: string, field: string): string {
  if (!isHex(value, 32))
    throw new SyncMalformedError({ what, field, reason: 'not 64 lowercase hex digits' });
  return value;
}

/** An EIP-55 address. */
export function addressField(value: unknown, what: string, field: string): string {
  if (!isChecksumAddress(value))
    throw new SyncMalformedError({ what, field, reason: 'not an EIP-55 address' });
  return value;
}

/** Lowercase hex of exactly `bytes` bytes. */
export function hexField(value: unknown, bytes: number, what: string, field: string): string {
  if (!isHex(value, bytes))
    throw new SyncMalformedError({ what, field, reason: `not ${bytes} bytes of lowercase hex` });
  return value;
}

/** A string of 1..`lengthMax` characters. */
export function stringField(
  value: unknown,
  lengthMax: number,
  what: string,
  field: string,
): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > lengthMax)
    throw new SyncMalformedError({
      what,
      field,
      reason: `not a string of 1..${lengthMax} characters`,
    });
  return value;
}

/** An array of at most `lengthMax` items. */
export function arrayField(
  value: unknown,
  lengthMax: number,
  what: string,
  field: string,
): readonly unknown[] {
  if (!Array.isArray(value)) throw new SyncMalformedError({ what, field, reason: 'not an array' });
  if (value.length > lengthMax)
    throw new SyncMalformedError({ what, field, reason: `more than ${lengthMax} items` });
  return value;
}
