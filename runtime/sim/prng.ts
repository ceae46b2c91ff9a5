/**
 * The simulator's seeded pseudo-random stream: SHA-256 in counter mode over a domain-separated
 * seed, read as big-endian 32-bit words. The same seed gives the same stream on every machine and
 * Node version (no Math.random, no floating point); unbiased ranges by rejection sampling.
 * Not for secrets: the simulator derives throw-away keys from it on purpose, so runs replay.
 * @module
 */
import { createHash } from 'node:crypto';

/** Domain tag of the stream (a new tag is a new stream for every seed). */
export const PRNG_DOMAIN = 'QFS/sim/prng/v1';

/** A deterministic random stream; owns its position. */
export class SeededRandom {
  readonly #seed: string;
  #block = 0n;
  #words: number[] = [];

  /** @param seed - any text; each seed names an independent stream */
  constructor(seed: string) {
    this.#seed = seed;
  }

  /** The next 32-bit word, in [0, 2^32). */
  nextU32(): number {
    if (this.#words.length === 0) this.#refill();
    return this.#words.shift() as number;
  }

  /**
   * A uniform integer in [0, n).
   * @param n - the bound, 1 ≤ n ≤ 2^32
   */
  below(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > 2 ** 32) throw new RangeError(`bound ${n}`);
    const limit = 2 ** 32 - (2 ** 32 % n); // largest multiple of n: rejecting above it avoids bias
    for (;;) {
      const word = this.nextU32();
      if (word < limit) return word % n;
    }
  }

  /** A uniform integer in [lo, hi] (inclusive). */
  between(lo: number, hi: number): number {
    return lo + this.below(hi - lo + 1);
  }

  /** True with probability `perMille` / 1000. */
  chance(perMille: number): boolean {
    return this.below(1000) < perMille;
  }

  /** A uniform element of a non-empty list. */
  pick<T>(list: readonly T[]): T {
    if (list.length === 0) throw new RangeError('pick from an empty list');
    return list[this.below(list.length)] as T;
  }

  /** `n` bytes of the stream. */
  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i += 4) {
      const word = this.nextU32();
      for (let j = 0; j < 4 && i + j < n; j++) out[i + j] = (word >>> (24 - 8 * j)) & 0xff;
    }
    return out;
  }

  #refill(): void {
    const digest = createHash('sha256')
      .update(`${PRNG_DOMAIN}\n${this.#seed}\n${this.#block}`)
      .digest();
    this.#block += 1n;
    for (let i = 0; i < 32; i += 4) this.#words.push(digest.readUInt32BE(i));
  }
}
