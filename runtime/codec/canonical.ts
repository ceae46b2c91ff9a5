/**
 * Canonical bytes: the one encoding QFS hashes and signs. RFC 8785 (JSON Canonicalization Scheme)
 * through the `canonicalize` package, after a strict pre-pass that turns every bigint into a
 * decimal string and rejects every value RFC 8785 cannot carry exactly. DESIGN.md §4 Encoding and
 * hashing.
 *
 * Accepted: `null`, booleans, well-formed strings, bigints (encoded as decimal strings), safe
 * integers as JSON numbers, arrays without holes, plain objects (prototype `Object.prototype` or
 * `null`) with string keys. Protocol objects carry every integer as a decimal string (a bigint
 * here); plain safe integers are accepted for convenience and encode as JSON numbers, so `5n` and
 * `'5'` encode identically and `5` does not.
 *
 * Rejected with {@link CodecUnencodableError} (naming the path): non-integer, unsafe, negative-zero
 * or non-finite numbers, `undefined`, functions, symbols, symbol keys, cycles, nesting deeper than
 * {@link CANONICAL_DEPTH_MAX}, strings with lone surrogates (not I-JSON), sparse arrays, and every
 * non-plain object (Map, Set, Date, typed arrays, class instances, boxed primitives).
 * @module
 */
import { invariant } from '../assert';
import canonicalize from 'canonicalize';
import { CodecUnencodableError, type UnencodableReason } from './errors';

/** Deepest nesting accepted (the root is depth 0). Protocol objects nest a handful of levels. */
export const CANONICAL_DEPTH_MAX = 64;

/** A JSON value as it comes back from `JSON.parse` of canonical bytes. */
export type JsonValue = string | number | boolean | null | readonly JsonValue[] | JsonObject;
/** A JSON object. */
export type JsonObject = { readonly [key: string]: JsonValue };

const encoder = new TextEncoder();

/**
 * The RFC 8785 canonical text of `value`.
 * @param value - any value made of the accepted types (see the module comment)
 * @returns the canonical JSON text
 * @throws {CodecUnencodableError} when a part of `value` has no canonical encoding
 * @example
 * canonicalString({ b: 2n, a: [true, null] }); // '{"a":[true,null],"b":"2"}'
 */
export function canonicalString(value: unknown): string {
  let prepared: JsonValue;
  try {
    prepared = prepareFast(value, 0, new Set());
  } catch (err) {
    if (err !== UNENCODABLE) throw err;
    // Run again with paths, only to build the error that names the offending value.
    prepared = prepare(value, '$', 0, new Set());
  }
  const text = canonicalize(prepared);
  invariant(typeof text === 'string', 'a prepared value always canonicalizes to text');
  return text;
}

/**
 * The UTF-8 bytes of {@link canonicalString}: what every hash and signature of QFS covers.
 * @param value - any value made of the accepted types
 * @returns the canonical bytes
 * @throws {CodecUnencodableError} when a part of `value` has no canonical encoding
 * @example
 * canonicalBytes({ a: 1n }); // the bytes of '{"a":"1"}'
 */
export function canonicalBytes(value: unknown): Uint8Array {
  return encoder.encode(canonicalString(value));
}

/**
 * Converts `value` into plain JSON data (bigints as decimal strings), checking every rule.
 * `ancestors` holds the objects on the current path, to tell a cycle from a shared reference.
 */
function prepare(value: unknown, path: string, depth: number, ancestors: Set<object>): JsonValue {
  if (value === null) return null;
  switch (typeof value) {
    case 'boolean':
      return value;
    case 'string':
      if (!isWellFormed(value)) fail(path, 'lone surrogate', value);
      return value;
    case 'bigint':
      return value.toString(10);
    case 'number':
      return prepareNumber(value, path);
    case 'undefined':
      return fail(path, 'undefined', value);
    case 'function':
      return fail(path, 'function', value);
    case 'symbol':
      return fail(path, 'symbol', value);
    case 'object':
      break;
  }
  invariant(typeof value === 'object', 'every other typeof was handled above');
  if (depth >= CANONICAL_DEPTH_MAX) fail(path, 'too deep', value);
  if (ancestors.has(value)) fail(path, 'cycle', value);
  ancestors.add(value);
  const prepared = Array.isArray(value)
    ? prepareArray(value, path, depth, ancestors)
    : prepareObject(value, path, depth, ancestors);
  ancestors.delete(value);
  return prepared;
}

function prepareNumber(value: number, path: string): number {
  if (!Number.isFinite(value)) fail(path, 'non-finite number', value);
  if (!Number.isInteger(value)) fail(path, 'non-integer number', value);
  if (!Number.isSafeInteger(value)) fail(path, 'unsafe integer', value);
  if (Object.is(value, -0)) fail(path, 'negative zero', value);
  return value;
}

function prepareArray(
  value: readonly unknown[],
  path: string,
  depth: number,
  ancestors: Set<object>,
): JsonValue[] {
  if (Object.getPrototypeOf(value) !== Array.prototype) fail(path, 'not a plain object', value);
  const out: JsonValue[] = [];
  for (let i = 0; i < value.length; i++) {
    if (!(i in value)) fail(`${path}/${i}`, 'sparse array', undefined);
    out.push(prepare(value[i], `${path}/${i}`, depth + 1, ancestors));
  }
  return out;
}

function prepareObject(
  value: object,
  path: string,
  depth: number,
  ancestors: Set<object>,
): JsonObject {
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) fail(path, 'not a plain object', value);
  if (Object.getOwnPropertySymbols(value).length > 0) fail(path, 'symbol key', value);
  // A null-prototype object, so that a key named "__proto__" stays an ordinary key.
  const out: Record<string, JsonValue> = Object.create(null) as Record<string, JsonValue>;
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record).sort()) {
    const childPath = `${path}/${escapePointer(key)}`;
    if (!isWellFormed(key)) fail(childPath, 'lone surrogate', key);
    out[key] = prepare(record[key], childPath, depth + 1, ancestors);
  }
  return out;
}

/** Thrown by the fast pass; the checked pass then reports where and why. */
const UNENCODABLE = Symbol('unencodable');

/**
 * The same rules as `prepare` without building a JSON Pointer per value: the common case (an
 * encodable value) costs no path strings. Any violation throws {@link UNENCODABLE}.
 */
function prepareFast(value: unknown, depth: number, ancestors: Set<object>): JsonValue {
  switch (typeof value) {
    case 'string':
      if (!isWellFormed(value)) throw UNENCODABLE;
      return value;
    case 'bigint':
      return value.toString(10);
    case 'boolean':
      return value;
    case 'number':
      if (!Number.isSafeInteger(value) || Object.is(value, -0)) throw UNENCODABLE;
      return value;
    case 'object':
      if (value === null) return null;
      break;
    default:
      throw UNENCODABLE;
  }
  if (depth >= CANONICAL_DEPTH_MAX || ancestors.has(value)) throw UNENCODABLE;
  ancestors.add(value);
  let out: JsonValue;
  if (Array.isArray(value)) {
    if (Object.getPrototypeOf(value) !== Array.prototype) throw UNENCODABLE;
    const items: JsonValue[] = [];
    for (let i = 0; i < value.length; i++) {
      if (!(i in value)) throw UNENCODABLE;
      items.push(prepareFast(value[i], depth + 1, ancestors));
    }
    out = items;
  } else {
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) throw UNENCODABLE;
    if (Object.getOwnPropertySymbols(value).length > 0) throw UNENCODABLE;
    const record = value as Record<string, unknown>;
    const fields: Record<string, JsonValue> = Object.create(null) as Record<string, JsonValue>;
    for (const key of Object.keys(record).sort()) {
      if (!isWellFormed(key)) throw UNENCODABLE;
      fields[key] = prepareFast(record[key], depth + 1, ancestors);
    }
    out = fields;
  }
  ancestors.delete(value);
  return out;
}

/** RFC 6901 escaping of one JSON Pointer segment. */
function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** True when `s` has no lone UTF-16 surrogate (every high surrogate is followed by a low one). */
function isWellFormed(s: string): boolean {
  // Node ≥ 20 has the native check (ES2024); signatures are 9,254-character strings.
  const native = (s as unknown as { isWellFormed?: () => boolean }).isWellFormed;
  if (typeof native === 'function') return native.call(s);
  return isWellFormedScan(s);
}

function isWellFormedScan(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const unit = s.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
      if (next < 0xdc00 || next > 0xdfff) return false;
      i++;
    } else if (unit >= 0xdc00 && unit <= 0xdfff) {
      return false;
    }
  }
  return true;
}

function fail(path: string, reason: UnencodableReason, value: unknown): never {
  throw new CodecUnencodableError({ path, reason, type: describe(value) });
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'object') return typeof value;
  if (Array.isArray(value)) return 'array';
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto === null) return 'object';
  const ctor: unknown = (proto as { constructor?: unknown }).constructor;
  return typeof ctor === 'function' && ctor.name !== '' ? ctor.name : 'object';
}
