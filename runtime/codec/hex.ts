/**
 * Hex: lowercase, no `0x` prefix, even length. The one text form of bytes in QFS objects (hashes,
 * seeds, public keys, signatures); addresses are the exception (`0x` + EIP-55, see address.ts).
 * @module
 */
import { CodecBadHexError, shorten } from './errors';

const LOWER_HEX = /^(?:[0-9a-f]{2})*$/;
/** Node's hex decoder takes these too; lowercase hex must not contain them. */
const UPPER_HEX_DIGITS = ['A', 'B', 'C', 'D', 'E', 'F'] as const;

/**
 * Encodes bytes as lowercase hex.
 * @param bytes - the bytes
 * @returns lowercase hex, two digits per byte
 * @example
 * bytesToHex(new Uint8Array([0, 255])); // '00ff'
 */
export function bytesToHex(bytes: Uint8Array): string {
  // Node's native encoder over the same memory (no copy): signatures are 4,627 bytes.
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/**
 * Decodes lowercase hex; uppercase digits, a `0x` prefix, odd length or a wrong length throw.
 * @param hex - lowercase hex
 * @param expectedBytes - the byte length required, if any
 * @returns the bytes
 * @throws {CodecBadHexError} when `hex` is not lowercase hex of the expected length
 * @example
 * hexToBytes('00ff', 2); // Uint8Array [0, 255]
 */
export function hexToBytes(hex: string, expectedBytes?: number): Uint8Array {
  const bytes = lowerHexBytes(hex, expectedBytes);
  if (bytes !== null) return bytes;
  const expected = expectedBytes ?? null;
  if (typeof hex !== 'string') {
    throw new CodecBadHexError({
      input: String(hex),
      reason: 'not a string',
      expectedBytes: expected,
    });
  }
  if (!LOWER_HEX.test(hex)) {
    const reason = hex.length % 2 === 1 ? 'odd length' : 'not lowercase hex digits';
    throw new CodecBadHexError({ input: shorten(hex), reason, expectedBytes: expected });
  }
  const reason = `expected ${expectedBytes} bytes, got ${hex.length >>> 1}`;
  throw new CodecBadHexError({ input: shorten(hex), reason, expectedBytes: expected });
}

/**
 * The bytes of `value` when it is lowercase hex (of `expectedBytes` bytes, if given), else null.
 * Node's decoder stops at the first pair that is not two hex digits, so a result of full length
 * means every digit is hex, and then only uppercase remains to rule out. On the 9,254-digit
 * signature every transaction carries, LOWER_HEX.test cost ~40 µs in the node (its grouped loop
 * backtracks per pair) against a few µs for the decode and ~1 µs for six single-character
 * searches (`/[A-F]/` took 8–14 µs; re-encoding to compare would allocate 9 KB per transaction).
 * A short result is copied off Buffer's shared pool (a view into it would pin the pool's 8 KB).
 * @param value - anything
 * @param expectedBytes - the byte length required, if any
 */
export function lowerHexBytes(value: unknown, expectedBytes?: number): Uint8Array | null {
  if (typeof value !== 'string' || value.length % 2 !== 0) return null;
  if (expectedBytes !== undefined && value.length !== expectedBytes * 2) return null;
  const decoded = Buffer.from(value, 'hex');
  if (decoded.length * 2 !== value.length || UPPER_HEX_DIGITS.some((d) => value.includes(d)))
    return null;
  // A decode of 4 KB or more has an ArrayBuffer of its own (a signature's does): no copy needed.
  const own = decoded.byteOffset === 0 && decoded.buffer.byteLength === decoded.length;
  return own ? new Uint8Array(decoded.buffer) : new Uint8Array(decoded);
}

/**
 * True when `value` is a lowercase hex string (of `expectedBytes` bytes, if given).
 * @param value - anything
 * @param expectedBytes - the byte length required, if any
 */
export function isHex(value: unknown, expectedBytes?: number): value is string {
  if (typeof value !== 'string' || !LOWER_HEX.test(value)) return false;
  return expectedBytes === undefined || value.length === expectedBytes * 2;
}

/** True when two byte arrays are equal (not constant-time: for public data only). */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
