/**
 * Wesolowski's verifiable delay function over the RSA-2048 challenge modulus ("Efficient
 * verifiable delay functions", Eurocrypt 2019, §3 and §4.1). Issue 22.
 *
 * The group is (Z/NZ)^× / {±1} with N the RSA Factoring Challenge's RSA-2048 number, whose
 * factorisation nobody has published (so the group order is unknown). An element is written by its
 * representative in [1, (N − 1)/2]: |v| = min(v mod N, N − v mod N). For an input of bytes:
 *
 *   x = |int(SHA-256 blocks of hashDomain('QFS/vdf/base/v1', input ‖ j), j = 0…8) mod N|
 *   y = |x^(2^T) mod N|                                        (T sequential squarings)
 *   ℓ = the first probable prime among int(hashDomain('QFS/vdf/prime/v1',
 *        T as uint64 ‖ x ‖ y ‖ j as uint32)) with the top and bottom bits set, j = 0, 1, …
 *   π = |x^⌊2^T/ℓ⌋ mod N|
 *   verify: |π^ℓ · x^(2^T mod ℓ) mod N| = y                    (two ~256-bit exponentiations)
 *
 * x, y and π are 256-byte big-endian numbers (lowercase hex, 512 digits) and ℓ is 256 bits. The
 * prover keeps x^(2^(k·i)) every k squarings and assembles π from them by the k-bit digits of
 * ⌊2^T/ℓ⌋ (Wesolowski §4.1), so proving costs about T/k + 2^(k+1) multiplications on top of the T
 * squarings. Everything is exact bigint arithmetic: the same input and T give the same bytes on
 * every machine. Pure; evaluation takes seconds and belongs on a worker thread.
 * @module
 */
import { bytesToHex, hashDomain, HashDomain, hexToBytes, isHex } from '../codec';
import { EntropyVdfInputInvalidError } from './errors';

/** The RSA Factoring Challenge's RSA-2048 number (RSA Laboratories, 1991; 617 decimal digits). */
export const RSA_2048_MODULUS = BigInt(
  '25195908475657893494027183240048398571429282126204032027777137836043662020707595556264018525880784' +
    '40691829064124951508218929855914917618450280848912007284499268739280728777673597141834727026189637' +
    '50149718246911650776133798590957000973304597488084284017974291006424586918171951187461215151726546' +
    '32282216869987549182422433637259085141865462043576798423387184774447920739934236584823824281198163' +
    '81501067481045166037730605620161967625613384414360383390441495263443219011465754445417842402092461' +
    '65157233507787077498171257724679629263863563732899121548314381678998850404453640235273819513786365' +
    '64391212010397122822120720357',
);
/** The modulus id recorded with every VDF. */
export const VDF_MODULUS_ID = 'rsa-2048';
/** Bytes of x, y and π. */
export const VDF_ELEMENT_BYTES = 256;
/** Largest delay accepted (2^24 squarings: over a minute on this project's machine). */
export const VDF_T_MAX = 1n << 24n;
/** Longest VDF input in bytes. */
export const VDF_INPUT_BYTES_MAX = 256;
/** Bits of the challenge prime ℓ (2λ for λ = 128, Wesolowski §3). */
export const VDF_PRIME_BITS = 256n;

const N = RSA_2048_MODULUS;
const HALF_N = N >> 1n;
/** Candidates of ℓ tried before giving up (primes of 256 bits are 1 in ~89 odd numbers). */
const PRIME_CANDIDATES_MAX = 100_000;
const SMALL_PRIMES = [
  3n,
  5n,
  7n,
  11n,
  13n,
  17n,
  19n,
  23n,
  29n,
  31n,
  37n,
  41n,
  43n,
  47n,
  53n,
  59n,
  61n,
  67n,
  71n,
  73n,
  79n,
  83n,
  89n,
  97n,
  101n,
  103n,
  107n,
  109n,
  113n,
  127n,
  131n,
  137n,
  139n,
  149n,
  151n,
  157n,
];
/** Miller–Rabin bases: the first 20 primes. */
const WITNESSES = [
  2n,
  3n,
  5n,
  7n,
  11n,
  13n,
  17n,
  19n,
  23n,
  29n,
  31n,
  37n,
  41n,
  43n,
  47n,
  53n,
  59n,
  61n,
  67n,
  71n,
];

/** What an evaluation produces: everything a verifier written elsewhere needs. */
export type VdfEvaluation = {
  readonly modulus: typeof VDF_MODULUS_ID;
  readonly t: bigint;
  /** The input bytes, lowercase hex. */
  readonly input: string;
  /** x, the group element derived from the input (512 hex digits). */
  readonly x: string;
  /** y = x^(2^T) (512 hex digits). */
  readonly output: string;
  /** ℓ, the challenge prime (64 hex digits). */
  readonly challenge: string;
  /** π (512 hex digits). */
  readonly proof: string;
};

/**
 * The group element an input maps to.
 * @param input - 1 … 256 bytes
 * @returns x in [2, (N − 1)/2]
 * @throws {EntropyVdfInputInvalidError} for an empty or too long input
 */
export function vdfBase(input: Uint8Array): bigint {
  if (input.length === 0 || input.length > VDF_INPUT_BYTES_MAX)
    throw new EntropyVdfInputInvalidError({ field: 'input', reason: '1 to 256 bytes' });
  const blocks = new Uint8Array(9 * 32);
  const framed = new Uint8Array(input.length + 1);
  framed.set(input, 0);
  for (let j = 0; j < 9; j++) {
    framed[input.length] = j;
    blocks.set(hashDomain(HashDomain.VDF_BASE, framed), j * 32);
  }
  const x = canonical(bytesToBigint(blocks) % N);
  // A hash landing on 0 or ±1 (probability ~2^-2047) would make the delay trivial.
  if (x < 2n) throw new EntropyVdfInputInvalidError({ field: 'input', reason: 'maps to ±1 or 0' });
  return x;
}

/**
 * Evaluates the VDF and proves it.
 * @param inputHex - the input, 1 … 256 bytes of lowercase hex
 * @param t - the delay: number of sequential squarings, 1 … 2^24
 * @returns input, T, x, y, ℓ and π
 * @throws {EntropyVdfInputInvalidError} for a malformed input or T out of range
 * @example
 * const e = evaluateVdf('00'.repeat(32), 1000n);
 * verifyVdf(e.input, e.t, e.output, e.proof); // true
 */
export function evaluateVdf(inputHex: string, t: bigint): VdfEvaluation {
  checkT(t);
  const x = vdfBase(inputBytes(inputHex));
  const k = chunkBits(t);
  const every = BigInt(k);
  const checkpoints: bigint[] = [];
  let value = x;
  // Step 1: T squarings, keeping x^(2^(k·i)) for the proof.
  for (let j = 0n; j < t; j++) {
    if (j % every === 0n) checkpoints.push(value);
    value = (value * value) % N;
  }
  const y = canonical(value);
  const l = challengePrime(t, x, y);
  // Step 2: π = x^⌊2^T/ℓ⌋ from the checkpoints, by the k-bit digits of the quotient.
  const proof = canonical(proofFromCheckpoints(checkpoints, (1n << t) / l, k));
  return Object.freeze({
    modulus: VDF_MODULUS_ID,
    t,
    input: inputHex,
    x: elementHex(x),
    output: elementHex(y),
    challenge: l.toString(16).padStart(64, '0'),
    proof: elementHex(proof),
  });
}

/**
 * Verifies a Wesolowski proof: |π^ℓ · x^(2^T mod ℓ)| = y.
 * @param inputHex - the input (lowercase hex, 1 … 256 bytes)
 * @param t - the delay
 * @param outputHex - y, 256 bytes of lowercase hex in canonical form
 * @param proofHex - π, 256 bytes of lowercase hex in canonical form
 * @returns true when the proof shows y = x^(2^T); false otherwise (also for y or π outside
 *   [1, (N − 1)/2])
 * @throws {EntropyVdfInputInvalidError} when a value is not hex of the right length or T is out of
 *   range
 */
export function verifyVdf(
  inputHex: string,
  t: bigint,
  outputHex: string,
  proofHex: string,
): boolean {
  checkT(t);
  const x = vdfBase(inputBytes(inputHex));
  const y = elementOf(outputHex, 'output');
  const proof = elementOf(proofHex, 'proof');
  if (y < 1n || y > HALF_N || proof < 1n || proof > HALF_N) return false;
  const l = challengePrime(t, x, y);
  const r = modPow(2n, t, l);
  return canonical((modPow(proof, l, N) * modPow(x, r, N)) % N) === y;
}

/**
 * The challenge prime ℓ for (T, x, y): the first probable prime among the hashed candidates.
 * @returns a 256-bit prime
 */
export function challengePrime(t: bigint, x: bigint, y: bigint): bigint {
  const data = new Uint8Array(8 + 2 * VDF_ELEMENT_BYTES + 4);
  const view = new DataView(data.buffer);
  view.setBigUint64(0, t);
  data.set(hexToBytes(elementHex(x)), 8);
  data.set(hexToBytes(elementHex(y)), 8 + VDF_ELEMENT_BYTES);
  const top = 1n << (VDF_PRIME_BITS - 1n);
  for (let j = 0; j < PRIME_CANDIDATES_MAX; j++) {
    view.setUint32(8 + 2 * VDF_ELEMENT_BYTES, j);
    const candidate = bytesToBigint(hashDomain(HashDomain.VDF_PRIME, data)) | top | 1n;
    if (isProbablePrime(candidate)) return candidate;
  }
  // Unreachable in practice: the chance that 100,000 candidates hold no prime is below 2^-1600.
  throw new EntropyVdfInputInvalidError({ field: 'challenge', reason: 'no prime found' });
}

/**
 * Probable-prime test: trial division by small primes, then Miller–Rabin to the first 20 prime
 * bases. For the hashed 256-bit candidates ℓ is drawn from (nobody chooses them) the chance of a
 * composite passing is far below 2^-128; the bases are fixed so every verifier agrees.
 * @param n - the number to test
 */
export function isProbablePrime(n: bigint): boolean {
  if (n < 2n) return false;
  if (n % 2n === 0n) return n === 2n;
  for (const p of SMALL_PRIMES) if (n % p === 0n) return n === p;
  let d = n - 1n;
  let s = 0n;
  while (d % 2n === 0n) {
    d >>= 1n;
    s += 1n;
  }
  for (const a of WITNESSES) {
    if (a >= n) continue;
    let v = modPow(a, d, n);
    if (v === 1n || v === n - 1n) continue;
    let composite = true;
    for (let i = 1n; i < s && composite; i++) {
      v = (v * v) % n;
      if (v === n - 1n) composite = false;
    }
    if (composite) return false;
  }
  return true;
}

/**
 * b^e mod m by left-to-right square and multiply (exact; not constant time: the VDF has no
 * secrets).
 */
export function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  if (modulus === 1n) return 0n;
  const b = base % modulus;
  let result = 1n;
  for (const bit of exponent.toString(2)) {
    result = (result * result) % modulus;
    if (bit === '1') result = (result * b) % modulus;
  }
  return result;
}

/** π = ∏ C_i^(d_i) = ∏_d (∏_{i: d_i = d} C_i)^d, with d_i the k-bit digits of q (Wesolowski §4.1). */
function proofFromCheckpoints(checkpoints: readonly bigint[], q: bigint, k: number): bigint {
  const bits = q.toString(2);
  const buckets = new Array<bigint>(1 << k).fill(1n);
  // Digit i (weight 2^(k·i)) is the i-th group of k bits from the right of the binary string.
  let end = bits.length;
  for (const checkpoint of checkpoints) {
    if (end <= 0) break;
    const start = end > k ? end - k : 0;
    const digit = Number.parseInt(bits.slice(start, end), 2);
    if (digit !== 0) buckets[digit] = ((buckets[digit] as bigint) * checkpoint) % N;
    end = start;
  }
  // ∏_d B_d^d as a product of suffix products: ∏_{j ≥ 1} ∏_{d ≥ j} B_d.
  let suffix = 1n;
  let proof = 1n;
  for (let d = buckets.length - 1; d >= 1; d--) {
    suffix = (suffix * (buckets[d] as bigint)) % N;
    proof = (proof * suffix) % N;
  }
  return proof;
}

/** Checkpoint spacing k: half the bit length of T (at most 12), balancing T/k against 2^(k+1). */
function chunkBits(t: bigint): number {
  const half = t.toString(2).length >> 1;
  return half < 1 ? 1 : half > 12 ? 12 : half;
}

function canonical(v: bigint): bigint {
  const r = ((v % N) + N) % N;
  return r > HALF_N ? N - r : r;
}

function checkT(t: bigint): void {
  if (typeof t !== 'bigint' || t < 1n || t > VDF_T_MAX)
    throw new EntropyVdfInputInvalidError({ field: 't', reason: 'an integer in [1, 2^24]' });
}

function inputBytes(inputHex: string): Uint8Array {
  if (!isHex(inputHex) || inputHex.length === 0 || inputHex.length > 2 * VDF_INPUT_BYTES_MAX)
    throw new EntropyVdfInputInvalidError({
      field: 'input',
      reason: '1 to 256 bytes of lowercase hex',
    });
  return hexToBytes(inputHex);
}

function elementOf(hex: string, field: string): bigint {
  if (!isHex(hex, VDF_ELEMENT_BYTES))
    throw new EntropyVdfInputInvalidError({ field, reason: 'not 256 bytes of lowercase hex' });
  return bytesToBigint(hexToBytes(hex));
}

/** A group element as 256 bytes of lowercase hex. */
export function elementHex(v: bigint): string {
  return v.toString(16).padStart(2 * VDF_ELEMENT_BYTES, '0');
}

function bytesToBigint(bytes: Uint8Array): bigint {
  return bytes.length === 0 ? 0n : BigInt(`0x${bytesToHex(bytes)}`);
}
