/**
 * SHA-256 of text on the hot path: the account tree, transaction digests and the op log hash short
 * ASCII strings for every transaction. Node's native one-shot digest (`crypto.hash`, deterministic,
 * not a random API) hashes a string directly, several times cheaper than a JavaScript digest over a
 * freshly encoded buffer. The result is identical to `sha256Hex(utf8(text))`.
 * @module
 */
import { hash } from 'node:crypto';

/**
 * SHA-256 of the UTF-8 encoding of `text`, lowercase hex.
 * @example sha256HexUtf8('') // 'e3b0c442…b855'
 */
export function sha256HexUtf8(text: string): string {
  return hash('sha256', text, 'hex');
}
