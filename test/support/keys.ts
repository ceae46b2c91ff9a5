/**
 * Deterministic ML-DSA-87 test keys: key `n` derives from SHA-256("qfs-test-key-n"), generated
 * once per process (key generation costs a few milliseconds).
 * @module
 */
import { createHash } from 'node:crypto';
import { generateKeyPair, type KeyPair } from '../../runtime/crypto';

const cache = new Map<number, KeyPair>();

/** The test key pair number `n`. */
export function testKey(n: number): KeyPair {
  let keyPair = cache.get(n);
  if (keyPair === undefined) {
    const seed = createHash('sha256').update(`qfs-test-key-${n}`).digest();
    keyPair = generateKeyPair(new Uint8Array(seed));
    cache.set(n, keyPair);
  }
  return keyPair;
}

/** A copy of `bytes` with bit 0 of byte `index` flipped. */
export function flipByte(bytes: Uint8Array, index: number): Uint8Array {
  const out = Uint8Array.from(bytes);
  out[index] = (out[index] as number) ^ 1;
  return out;
}

/** Runs `fn` and returns what it threw (fails the test when it does not throw). */
export function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected the call to throw');
}
