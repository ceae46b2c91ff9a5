/**
 * The public randomness beacon: drand chains of the `bls-unchained-g1-rfc9380` scheme (the League
 * of Entropy's quicknet, and the devnet's own beacon), verified offline. Issue 22.
 *
 * A round r of such a chain is a BLS12-381 "short" signature σ (48-byte compressed G1 point) by the
 * chain's threshold key (96-byte compressed G2 point) over
 *
 *   message(r)  = SHA-256(r as a big-endian uint64)
 *   hash-to-G1  = RFC 9380 hash_to_curve, DST `BLS_SIG_BLS12381G1_XMD:SHA-256_SSWU_RO_NUL_`
 *   randomness  = SHA-256(σ)
 *
 * published at `genesisTime + (r − 1)·period` (seconds). A chain is named by its chain hash,
 * drand's `Info.Hash()`: SHA-256(period as uint32 BE ‖ genesis time as int64 BE ‖ public key ‖
 * group hash ‖ beacon id unless it is "default"). Pure: the verifier reads no clock and no network.
 * @module
 */
import { bls12_381 } from '@noble/curves/bls12-381.js';
import { bytesToHex, hexToBytes, isHex, parseWholeNumber, sha256, sha256Hex } from '../codec';
import { EntropyPolicyInvalidError, EntropyVdfInputInvalidError } from './errors';

/** The only scheme QFS verifies: unchained rounds, signatures on G1, RFC 9380 hashing. */
export const BEACON_SCHEME = 'bls-unchained-g1-rfc9380';
/** The hash-to-curve domain separation tag of the scheme. */
export const BEACON_DST = 'BLS_SIG_BLS12381G1_XMD:SHA-256_SSWU_RO_NUL_';
/** Sizes of the scheme's values in bytes. */
export const BEACON_SIGNATURE_BYTES = 48;
export const BEACON_PUBLIC_KEY_BYTES = 96;
/** Largest round QFS accepts (drand rounds are uint64; 2^53 keeps them exact in JSON tools too). */
export const BEACON_ROUND_MAX = 2n ** 53n - 1n;

/** Everything needed to verify a drand chain's rounds and to place them in time. */
export type BeaconChain = {
  /** A label for humans and configuration ("quicknet", "devnet"). */
  readonly name: string;
  readonly scheme: typeof BEACON_SCHEME;
  /** 96-byte compressed G2 public key, lowercase hex. */
  readonly publicKey: string;
  /** drand's chain hash, lowercase hex (recomputed from the other fields). */
  readonly chainHash: string;
  /** Unix time of round 1, in seconds. */
  readonly genesisTime: bigint;
  /** Seconds between rounds. */
  readonly periodSeconds: bigint;
  /** drand's group hash (a hash of the group file), lowercase hex. */
  readonly groupHash: string;
  /** drand's beacon id ("quicknet"; "default" is left out of the chain hash). */
  readonly beaconId: string;
};

/**
 * The League of Entropy's quicknet, as its relays publish it at
 * `https://api.drand.sh/52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971/info`.
 * Its chain hash is recomputed from the other fields in the tests.
 */
export const QUICKNET: BeaconChain = Object.freeze({
  name: 'quicknet',
  scheme: BEACON_SCHEME,
  publicKey:
    '83cf0f2896adee7eb8b5f01fcad3912212c437e0073e911fb90022d3e760183c8c4b450b6a0a6c3ac6a5776a2d1064510d1fec758c921cc22b0e17e63aaf4bcb5ed66304de9cf809bd274ca73bab4af5a6e9c76a4bc09e76eae8991ef5ece45a',
  chainHash: '52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971',
  genesisTime: 1692803367n,
  periodSeconds: 3n,
  groupHash: 'f477d5c89f21a17c863a7f937c6a6d15859414d2be09cd448d4279af331c5d3e',
  beaconId: 'quicknet',
});

const encoder = new TextEncoder();
const short = bls12_381.shortSignatures;

/**
 * drand's chain hash of a chain's parameters.
 * @param info - period, genesis time, public key, group hash and beacon id
 * @returns 64 lowercase hex digits
 * @example
 * chainHashOf(QUICKNET) === QUICKNET.chainHash; // true
 */
export function chainHashOf(info: Omit<BeaconChain, 'chainHash' | 'name' | 'scheme'>): string {
  // Bytes 4..7 of a big-endian uint64 are the period as a uint32 (periods are below 2^32).
  const framed = new Uint8Array(16);
  const view = new DataView(framed.buffer);
  view.setBigUint64(0, info.periodSeconds & 0xffffffffn);
  view.setBigInt64(8, info.genesisTime);
  const head = framed.subarray(4);
  const id = info.beaconId === 'default' ? new Uint8Array(0) : encoder.encode(info.beaconId);
  const publicKey = hexToBytes(info.publicKey);
  const groupHash = hexToBytes(info.groupHash);
  const data = new Uint8Array(head.length + publicKey.length + groupHash.length + id.length);
  data.set(head, 0);
  data.set(publicKey, head.length);
  data.set(groupHash, head.length + publicKey.length);
  data.set(id, head.length + publicKey.length + groupHash.length);
  return sha256Hex(data);
}

/**
 * The message a round signs: SHA-256 of the round as a big-endian uint64.
 * @param round - the round (1 … 2^53 − 1)
 * @throws {EntropyVdfInputInvalidError} when the round is out of range
 */
export function beaconMessage(round: bigint): Uint8Array {
  checkRound(round);
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setBigUint64(0, round);
  return sha256(bytes);
}

/**
 * Verifies a round's signature under the chain's public key.
 * @param chain - the chain (its public key)
 * @param round - the round number
 * @param signature - 48 bytes of lowercase hex
 * @returns true when the signature is the chain's signature of the round; false for any other
 *   well-formed input, including bytes that are not a curve point
 * @throws {EntropyVdfInputInvalidError} when the signature is not 48 bytes of hex or the round is
 *   out of range
 * @example
 * verifyBeaconSignature(QUICKNET, 1000n, 'b44679b9…5e39'); // true
 */
export function verifyBeaconSignature(
  chain: Pick<BeaconChain, 'publicKey'>,
  round: bigint,
  signature: string,
): boolean {
  if (!isHex(signature, BEACON_SIGNATURE_BYTES))
    throw new EntropyVdfInputInvalidError({ field: 'signature', reason: 'not 48 bytes of hex' });
  const message = short.hash(beaconMessage(round), BEACON_DST);
  try {
    return short.verify(hexToBytes(signature), message, hexToBytes(chain.publicKey));
  } catch {
    // Bytes that do not decode to a point of the right subgroup are not a signature of anything.
    return false;
  }
}

/** A round's randomness: SHA-256 of its signature bytes (lowercase hex). */
export function beaconRandomness(signature: string): string {
  return sha256Hex(hexToBytes(signature, BEACON_SIGNATURE_BYTES));
}

/**
 * When a round is published, in Unix milliseconds.
 * @param chain - genesis time and period
 * @param round - the round (≥ 1)
 */
export function roundTimeMs(
  chain: Pick<BeaconChain, 'genesisTime' | 'periodSeconds'>,
  round: bigint,
): bigint {
  checkRound(round);
  return (chain.genesisTime + (round - 1n) * chain.periodSeconds) * 1000n;
}

/**
 * The latest round published at `timeMs` (0 before the chain's genesis).
 * @param chain - genesis time and period
 * @param timeMs - Unix milliseconds
 */
export function roundAtMs(
  chain: Pick<BeaconChain, 'genesisTime' | 'periodSeconds'>,
  timeMs: bigint,
): bigint {
  const genesisMs = chain.genesisTime * 1000n;
  if (timeMs < genesisMs) return 0n;
  return (timeMs - genesisMs) / (chain.periodSeconds * 1000n) + 1n;
}

/**
 * Signs a round with a beacon secret key (the devnet's own beacon; deterministic).
 * @param secretKey - 32-byte BLS12-381 secret key
 * @param round - the round
 * @returns the 48-byte signature, lowercase hex
 */
export function signBeaconRound(secretKey: Uint8Array, round: bigint): string {
  const point = short.sign(short.hash(beaconMessage(round), BEACON_DST), secretKey);
  return bytesToHex(short.Signature.toBytes(point));
}

/** The 96-byte G2 public key of a beacon secret key, lowercase hex. */
export function beaconPublicKey(secretKey: Uint8Array): string {
  return bytesToHex(short.getPublicKey(secretKey).toBytes(true));
}

/**
 * Validates a chain description and recomputes its chain hash.
 * @param json - `{name, scheme, publicKey, chainHash, genesisTime, periodSeconds, groupHash,
 *   beaconId}` with integers as decimal strings
 * @param field - where it sits (for the error)
 * @throws {EntropyPolicyInvalidError} naming the bad field (a chain hash that does not recompute,
 *   a public key that is not a G2 point, …)
 */
export function parseBeaconChain(json: unknown, field: string): BeaconChain {
  const fail = (name: string, reason: string): never => {
    throw new EntropyPolicyInvalidError({ field: `${field}.${name}`, reason });
  };
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    return fail('', 'not an object');
  const j = json as Readonly<Record<string, unknown>>;
  const keys = Object.keys(j).sort().join(',');
  if (keys !== 'beaconId,chainHash,genesisTime,groupHash,name,periodSeconds,publicKey,scheme')
    fail(
      '',
      'fields must be exactly name, scheme, publicKey, chainHash, genesisTime, periodSeconds, groupHash, beaconId',
    );
  if (typeof j.name !== 'string' || !/^[a-z0-9][a-z0-9._-]{0,31}$/.test(j.name))
    fail('name', 'lowercase letters, digits, . _ -; 1–32 characters');
  if (j.scheme !== BEACON_SCHEME) fail('scheme', `only ${BEACON_SCHEME} is supported`);
  if (!isHex(j.publicKey, BEACON_PUBLIC_KEY_BYTES)) fail('publicKey', 'not 96 bytes of hex');
  if (!isHex(j.groupHash, 32)) fail('groupHash', 'not 32 bytes of hex');
  if (!isHex(j.chainHash, 32)) fail('chainHash', 'not 32 bytes of hex');
  if (typeof j.beaconId !== 'string' || !/^[a-z0-9._-]{1,32}$/.test(j.beaconId))
    fail('beaconId', 'lowercase letters, digits, . _ -; 1–32 characters');
  const genesisTime = decimal(j.genesisTime) ?? fail('genesisTime', 'a decimal string');
  const periodSeconds = decimal(j.periodSeconds) ?? fail('periodSeconds', 'a decimal string');
  if (genesisTime > 2n ** 40n) fail('genesisTime', 'Unix seconds below 2^40');
  if (periodSeconds < 1n || periodSeconds > 3600n) fail('periodSeconds', 'in [1, 3600]');
  try {
    bls12_381.G2.Point.fromHex(j.publicKey as string).assertValidity();
  } catch {
    fail('publicKey', 'not a point of G2');
  }
  const chain: BeaconChain = Object.freeze({
    name: j.name as string,
    scheme: BEACON_SCHEME,
    publicKey: j.publicKey as string,
    chainHash: j.chainHash as string,
    genesisTime,
    periodSeconds,
    groupHash: j.groupHash as string,
    beaconId: j.beaconId as string,
  });
  const recomputed = chainHashOf(chain);
  if (recomputed !== chain.chainHash)
    fail('chainHash', `does not recompute from the other fields (${recomputed})`);
  return chain;
}

/**
 * A chain description from drand's `/{chainHash}/info` answer (`public_key`, `period`,
 * `genesis_time`, `hash`, `groupHash`, `schemeID`, `metadata.beaconID`), validated like
 * {@link parseBeaconChain} (the chain hash must recompute).
 * @param info - the parsed answer
 * @param name - the label QFS gives the chain
 * @throws {EntropyPolicyInvalidError} naming the bad field
 */
export function beaconChainFromDrandInfo(info: unknown, name: string): BeaconChain {
  const i = (typeof info === 'object' && info !== null ? info : {}) as Readonly<
    Record<string, unknown>
  >;
  const metadata = (typeof i.metadata === 'object' && i.metadata !== null ? i.metadata : {}) as {
    beaconID?: unknown;
  };
  const integer = (v: unknown): unknown =>
    typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? BigInt(v).toString() : v;
  return parseBeaconChain(
    {
      name,
      scheme: i.schemeID,
      publicKey: i.public_key,
      chainHash: i.hash,
      genesisTime: integer(i.genesis_time),
      periodSeconds: integer(i.period),
      groupHash: i.groupHash,
      beaconId: metadata.beaconID ?? 'default',
    },
    'info',
  );
}

/** A chain description as JSON (decimal strings), the form {@link parseBeaconChain} reads. */
export function beaconChainJson(chain: BeaconChain): Record<string, string> {
  return {
    name: chain.name,
    scheme: chain.scheme,
    publicKey: chain.publicKey,
    chainHash: chain.chainHash,
    genesisTime: chain.genesisTime.toString(),
    periodSeconds: chain.periodSeconds.toString(),
    groupHash: chain.groupHash,
    beaconId: chain.beaconId,
  };
}

function checkRound(round: bigint): void {
  if (round < 1n || round > BEACON_ROUND_MAX)
    throw new EntropyVdfInputInvalidError({ field: 'round', reason: 'not in [1, 2^53 − 1]' });
}

function decimal(value: unknown): bigint | undefined {
  return parseWholeNumber(value, 18);
}
