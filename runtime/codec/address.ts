/**
 * Account addresses: the EVM-style address of an ML-DSA public key, the last 20 bytes of
 * keccak256(public key), written `0x` + 40 hex digits with the EIP-55 mixed-case checksum. That is
 * the identity a key's balances have on-chain and its key id in the KeyLedger. DESIGN.md §4
 * Post-quantum cryptography.
 * @module
 */
import { keccak_256 } from '@noble/hashes/sha3.js';
import { CodecBadAddressError, shorten } from './errors';
import { bytesToHex, hexToBytes } from './hex';

const ADDRESS_ANY_CASE = /^0x[0-9a-fA-F]{40}$/;
const encoder = new TextEncoder();

/**
 * The checksummed address of a public key.
 * @param publicKey - the public key bytes (any length; ML-DSA-87 keys are 2592 bytes)
 * @returns `0x` + 40 hex digits, EIP-55 checksummed
 * @example
 * addressFromPublicKey(keyPair.publicKey); // '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed'
 */
export function addressFromPublicKey(publicKey: Uint8Array): string {
  const digest = keccak_256(publicKey);
  return checksum(bytesToHex(digest.subarray(12)));
}

/**
 * The checksummed address of a public key given in hex (as transactions and key events carry it).
 * A registration's key is hashed at admission, again by the engine's signer rule and by the
 * KeyLedger's rule: keccak256 of 2,592 bytes in JavaScript is ~0.2 ms, most of a registration's
 * cost, so the address is remembered by the key's text (bounded like the checksums below).
 * @param publicKeyHex - the public key, lowercase hex
 * @throws {CodecBadHexError} when `publicKeyHex` is not hex
 */
export function addressFromPublicKeyHex(publicKeyHex: string): string {
  const known = keyAddresses.get(publicKeyHex);
  if (known !== undefined) return known;
  const computed = addressFromPublicKey(hexToBytes(publicKeyHex));
  if (keyAddresses.size >= KEY_ADDRESS_CACHE_MAX) keyAddresses.clear();
  keyAddresses.set(publicKeyHex, computed);
  return computed;
}

const keyAddresses = new Map<string, string>();
/** ~21 MB of key text at most (5,184 characters each). */
const KEY_ADDRESS_CACHE_MAX = 4_096;

/**
 * Parses an address: `0x` + 40 hex digits; all-lowercase and all-uppercase digits are accepted,
 * mixed case must be a valid EIP-55 checksum.
 * @param input - the address text
 * @returns the EIP-55 checksummed address
 * @throws {CodecBadAddressError} when `input` is not an address or its checksum is wrong
 * @example
 * parseAddress('0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed'); // '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed'
 */
export function parseAddress(input: string): string {
  if (typeof input !== 'string' || !ADDRESS_ANY_CASE.test(input)) {
    throw new CodecBadAddressError({
      input: shorten(String(input)),
      reason: 'not 0x + 40 hex digits',
    });
  }
  const digits = input.slice(2);
  const lower = digits.toLowerCase();
  const checksummed = checksum(lower);
  const isSingleCase = digits === lower || digits === digits.toUpperCase();
  if (!isSingleCase && checksummed !== input) {
    throw new CodecBadAddressError({ input, reason: 'EIP-55 checksum mismatch' });
  }
  return checksummed;
}

/** True when `value` is an address in its exact EIP-55 checksummed form. */
export function isChecksumAddress(value: unknown): value is string {
  if (typeof value !== 'string' || !ADDRESS_ANY_CASE.test(value)) return false;
  return checksum(value.slice(2).toLowerCase()) === value;
}

/**
 * Checksums already computed, by lowercase hex: every transaction checks two addresses and the same
 * accounts recur, so the keccak (the largest cost of parsing a transaction) is paid once per
 * address. A pure function's memo: bounded, and cleared when full (no iteration, no eviction order).
 */
const checksums = new Map<string, string>();
const CHECKSUM_CACHE_MAX = 65_536;

/** EIP-55: uppercase hex letter i when nibble i of keccak256(lowercase hex text) is ≥ 8. */
function checksum(lowerHex: string): string {
  const known = checksums.get(lowerHex);
  if (known !== undefined) return known;
  const computed = computeChecksum(lowerHex);
  if (checksums.size >= CHECKSUM_CACHE_MAX) checksums.clear();
  checksums.set(lowerHex, computed);
  return computed;
}

function computeChecksum(lowerHex: string): string {
  const hash = keccak_256(encoder.encode(lowerHex));
  let out = '0x';
  for (let i = 0; i < 40; i++) {
    const ch = lowerHex[i] as string;
    const byte = hash[i >> 1] as number;
    const nibble = i % 2 === 0 ? byte >> 4 : byte & 15;
    out += nibble >= 8 ? ch.toUpperCase() : ch;
  }
  return out;
}
