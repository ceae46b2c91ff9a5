/**
 * Keystore: an ML-DSA-87 key at rest, encrypted with a passphrase (scrypt + AES-256-GCM from the
 * noble packages). Outside the deterministic core: it reads files and the OS random generator.
 * DESIGN.md §4 Post-quantum cryptography.
 *
 * Key file (JSON, version 1):
 * ```
 * { "version": 1,
 *   "address": "0x…",                       EIP-55 address of the public key
 *   "publicKey": "<2592 bytes hex>",
 *   "kdf": { "name": "scrypt", "N": 262144, "r": 8, "p": 1, "dkLen": 32, "salt": "<32 bytes hex>" },
 *   "cipher": { "name": "aes-256-gcm", "nonce": "<12 bytes hex>" },
 *   "ciphertext": "<48 bytes hex>",          AES-256-GCM(key = scrypt(passphrase), seed) ‖ tag
 *   "checksum": "<sha256 hex>" }             SHA-256 of the canonical bytes of all other fields
 * ```
 * The secret is the 32-byte seed the key pair derives from (FIPS 204 KeyGen_internal). The
 * passphrase is NFKC-normalised and UTF-8 encoded. Failures are told apart as well as the format
 * allows: unreadable JSON, a wrong shape, a checksum mismatch, or a decrypted seed that does not
 * give the recorded public key → KEYSTORE_CORRUPT; a GCM authentication failure on an intact file
 * → KEYSTORE_BAD_PASSPHRASE (someone who rewrites the file *and* its checksum makes a corruption
 * look like a wrong passphrase; the key itself stays safe).
 * @module
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { gcm } from '@noble/ciphers/aes.js';
import { scrypt } from '@noble/hashes/scrypt.js';
import {
  addressFromPublicKey,
  bytesToHex,
  canonicalBytes,
  hexToBytes,
  isHex,
  sha256Hex,
  shapeChecker,
} from '../codec';
import {
  CryptoInvalidInputError,
  KeystoreBadPassphraseError,
  KeystoreCorruptError,
  KeystoreExistsError,
  KeystoreNotFoundError,
  KeystoreNoPassphraseError,
} from './errors';
import { generateKeyPair, ML_DSA_87, type KeyPair } from './ml-dsa';

/** The key file format version. */
export const KEY_FILE_VERSION = 1;
/** Default scrypt cost: N = 2^18, r = 8, p = 1 (256 MiB, about 2 s here). */
export const SCRYPT_DEFAULTS = Object.freeze({ N: 2 ** 18, r: 8, p: 1 });
/** Accepted scrypt parameters when reading a file (an untrusted file must not exhaust memory). */
export const SCRYPT_LIMITS = Object.freeze({ logNMin: 10, logNMax: 20, rMax: 32, pMax: 16 });

const SALT_BYTES = 32;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

/** A parsed key file (see the module comment for the meaning of each field). */
export type KeyFile = {
  readonly version: 1;
  readonly address: string;
  readonly publicKey: string;
  readonly kdf: {
    readonly name: 'scrypt';
    readonly N: number;
    readonly r: number;
    readonly p: number;
    readonly dkLen: 32;
    readonly salt: string;
  };
  readonly cipher: { readonly name: 'aes-256-gcm'; readonly nonce: string };
  readonly ciphertext: string;
  readonly checksum: string;
};

/** Options of {@link encryptKey}. Salt and nonce are random unless given (tests only). */
export type EncryptKeyOptions = {
  readonly scryptN?: number;
  readonly salt?: Uint8Array;
  readonly nonce?: Uint8Array;
};

/**
 * Generates a key from 32 random bytes and encrypts it.
 * @param passphrase - a non-empty passphrase
 * @param options - scrypt cost (tests use a cheaper N)
 * @returns the key file and the key pair
 * @throws {KeystoreNoPassphraseError} when the passphrase is empty
 */
export function createKeyFile(
  passphrase: string,
  options: EncryptKeyOptions = {},
): { file: KeyFile; keyPair: KeyPair } {
  const seed = new Uint8Array(randomBytes(ML_DSA_87.seedBytes));
  const file = encryptKey(seed, passphrase, options);
  const keyPair = generateKeyPair(seed);
  seed.fill(0);
  return { file, keyPair };
}

/**
 * Encrypts the seed of a key pair under a passphrase.
 * @param seed - the 32-byte seed
 * @param passphrase - a non-empty passphrase
 * @param options - scrypt cost, salt and nonce
 * @returns the key file
 * @throws {KeystoreNoPassphraseError} when the passphrase is empty
 * @throws {CryptoInvalidInputError} when the scrypt cost is out of range
 */
export function encryptKey(
  seed: Uint8Array,
  passphrase: string,
  options: EncryptKeyOptions = {},
): KeyFile {
  if (passphrase.length === 0) throw new KeystoreNoPassphraseError({ reason: 'empty passphrase' });
  const keyPair = generateKeyPair(seed);
  const N = options.scryptN ?? SCRYPT_DEFAULTS.N;
  checkScryptN(N);
  const salt = options.salt ?? new Uint8Array(randomBytes(SALT_BYTES));
  const nonce = options.nonce ?? new Uint8Array(randomBytes(NONCE_BYTES));
  const { r, p } = SCRYPT_DEFAULTS;
  const key = deriveKey(passphrase, salt, N, r, p);
  const ciphertext = gcm(key, nonce).encrypt(seed);
  key.fill(0);
  const body = {
    version: KEY_FILE_VERSION,
    address: keyPair.address,
    publicKey: bytesToHex(keyPair.publicKey),
    kdf: { name: 'scrypt', N, r, p, dkLen: 32, salt: bytesToHex(salt) },
    cipher: { name: 'aes-256-gcm', nonce: bytesToHex(nonce) },
    ciphertext: bytesToHex(ciphertext),
  } as const;
  return { ...body, checksum: sha256Hex(canonicalBytes(body)) };
}

/**
 * Decrypts a key file.
 * @param file - a parsed key file
 * @param passphrase - the passphrase
 * @returns the key pair and its seed (wipe the seed when done)
 * @throws {KeystoreBadPassphraseError} when the passphrase is wrong
 * @throws {KeystoreCorruptError} when the decrypted seed does not give the recorded key
 */
export function decryptKey(
  file: KeyFile,
  passphrase: string,
): { keyPair: KeyPair; seed: Uint8Array } {
  const { N, r, p, salt } = file.kdf;
  const key = deriveKey(passphrase, hexToBytes(salt, SALT_BYTES), N, r, p);
  let seed: Uint8Array;
  try {
    seed = gcm(key, hexToBytes(file.cipher.nonce, NONCE_BYTES)).decrypt(
      hexToBytes(file.ciphertext),
    );
  } catch {
    throw new KeystoreBadPassphraseError({ address: file.address });
  } finally {
    key.fill(0);
  }
  const keyPair = generateKeyPair(seed);
  if (bytesToHex(keyPair.publicKey) !== file.publicKey || keyPair.address !== file.address) {
    seed.fill(0);
    throw new KeystoreCorruptError({
      reason: 'the decrypted key is not the recorded key',
      field: 'publicKey',
    });
  }
  return { keyPair, seed };
}

/**
 * Parses and checks the text of a key file (no passphrase needed).
 * @param text - the file contents
 * @returns the key file
 * @throws {KeystoreCorruptError} naming the first problem
 */
export function parseKeyFile(text: string): KeyFile {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new KeystoreCorruptError({ reason: 'not valid JSON', field: null }, { cause: err });
  }
  const file = checkShape(raw);
  const { checksum, ...body } = file;
  if (sha256Hex(canonicalBytes(body)) !== checksum) {
    throw new KeystoreCorruptError({ reason: 'checksum mismatch', field: 'checksum' });
  }
  if (addressFromPublicKey(hexToBytes(file.publicKey)) !== file.address) {
    throw new KeystoreCorruptError({
      reason: 'address is not the public key’s address',
      field: 'address',
    });
  }
  return file;
}

/** The text written to disk: the key file as indented JSON, fields in a fixed order. */
export function serializeKeyFile(file: KeyFile): string {
  return `${JSON.stringify(file, null, 2)}\n`;
}

/**
 * Writes a key file, never overwriting (mode 0600).
 * @throws {KeystoreExistsError} when `filePath` exists
 */
export function writeKeyFile(filePath: string, file: KeyFile): void {
  try {
    fs.writeFileSync(filePath, serializeKeyFile(file), { flag: 'wx', mode: 0o600 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST')
      throw new KeystoreExistsError({ path: filePath });
    throw err;
  }
}

/**
 * Reads and parses a key file.
 * @throws {KeystoreNotFoundError} when it cannot be read
 * @throws {KeystoreCorruptError} when it is not a valid key file
 */
export function readKeyFile(filePath: string): KeyFile {
  let text: string;
  try {
    text = fs.readFileSync(filePath, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new KeystoreNotFoundError({ path: filePath, reason }, { cause: err });
  }
  return parseKeyFile(text);
}

/**
 * A short public-key fingerprint: the first 16 hex digits of SHA-256(public key).
 * @param publicKey - the public key bytes
 */
export function keyFingerprint(publicKey: Uint8Array): string {
  return sha256Hex(publicKey).slice(0, 16);
}

function deriveKey(
  passphrase: string,
  salt: Uint8Array,
  N: number,
  r: number,
  p: number,
): Uint8Array {
  const password = new TextEncoder().encode(passphrase.normalize('NFKC'));
  return scrypt(password, salt, { N, r, p, dkLen: 32, maxmem: 2 ** 31 });
}

function checkScryptN(N: number): void {
  const { logNMin, logNMax } = SCRYPT_LIMITS;
  if (!Number.isSafeInteger(N) || N < 2 ** logNMin || N > 2 ** logNMax || (N & (N - 1)) !== 0) {
    const reason = `not a power of two in [2^${logNMin}, 2^${logNMax}]: ${N}`;
    throw new CryptoInvalidInputError({ field: 'scryptN', reason });
  }
}

function checkShape(raw: unknown): KeyFile {
  const root = record(raw, 'file');
  expectKeys(
    root,
    ['address', 'checksum', 'cipher', 'ciphertext', 'kdf', 'publicKey', 'version'],
    'file',
  );
  if (root.version !== KEY_FILE_VERSION) corrupt('unsupported version', 'version');
  if (typeof root.address !== 'string') corrupt('address is not a string', 'address');
  if (!isHex(root.publicKey, ML_DSA_87.publicKeyBytes))
    corrupt('malformed public key', 'publicKey');
  if (!isHex(root.ciphertext, ML_DSA_87.seedBytes + TAG_BYTES))
    corrupt('malformed ciphertext', 'ciphertext');
  if (!isHex(root.checksum, 32)) corrupt('malformed checksum', 'checksum');
  const kdf = record(root.kdf, 'kdf');
  expectKeys(kdf, ['N', 'dkLen', 'name', 'p', 'r', 'salt'], 'kdf');
  const { logNMin, logNMax, rMax, pMax } = SCRYPT_LIMITS;
  const N = kdf.N;
  if (kdf.name !== 'scrypt') corrupt('unsupported kdf', 'kdf.name');
  if (
    typeof N !== 'number' ||
    !Number.isSafeInteger(N) ||
    N < 2 ** logNMin ||
    N > 2 ** logNMax ||
    (N & (N - 1)) !== 0
  ) {
    corrupt('scrypt N out of range', 'kdf.N');
  }
  if (!isIntIn(kdf.r, 1, rMax)) corrupt('scrypt r out of range', 'kdf.r');
  if (128 * (N as number) * (kdf.r as number) > 2 ** 31)
    corrupt('scrypt memory above 2 GiB', 'kdf');
  if (!isIntIn(kdf.p, 1, pMax)) corrupt('scrypt p out of range', 'kdf.p');
  if (kdf.dkLen !== 32) corrupt('scrypt dkLen must be 32', 'kdf.dkLen');
  if (!isHex(kdf.salt, SALT_BYTES)) corrupt('malformed salt', 'kdf.salt');
  const cipher = record(root.cipher, 'cipher');
  expectKeys(cipher, ['name', 'nonce'], 'cipher');
  if (cipher.name !== 'aes-256-gcm') corrupt('unsupported cipher', 'cipher.name');
  if (!isHex(cipher.nonce, NONCE_BYTES)) corrupt('malformed nonce', 'cipher.nonce');
  return raw as KeyFile;
}

/** Shape checks failing with KEYSTORE_CORRUPT naming the field. */
const shape = shapeChecker((fault) => corrupt(fault.reason, fault.field));
const record = shape.object;
const expectKeys = shape.exactKeys;

function isIntIn(value: unknown, min: number, max: number): boolean {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= min && value <= max;
}

function corrupt(reason: string, field: string): never {
  throw new KeystoreCorruptError({ reason, field });
}
