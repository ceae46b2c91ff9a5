/**
 * The explorer bundle's `node:crypto`: only the one-shot `hash('sha256', data, encoding)` that
 * runtime/codec and runtime/math call, computed with @noble/hashes (the digest the codec's tests
 * compare Node's with). Any other algorithm or encoding throws rather than guess. Issue 23.
 * @module
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';

/** SHA-256 of bytes or of a string's UTF-8 encoding, as hex or as bytes ('buffer'). */
export function hash(
  algorithm: string,
  data: Uint8Array | string,
  encoding: 'hex' | 'buffer' = 'hex',
): string | Uint8Array {
  if (algorithm !== 'sha256') throw new Error(`node:crypto shim: no ${algorithm}`);
  const digest = sha256(typeof data === 'string' ? utf8ToBytes(data) : data);
  if (encoding === 'hex') return bytesToHex(digest);
  if (encoding === 'buffer') return digest;
  throw new Error(`node:crypto shim: no encoding ${String(encoding)}`);
}
