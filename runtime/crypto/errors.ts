/**
 * Crypto errors: malformed signing input, an unavailable backend, a closed pool, and keystore
 * failures. A *bad signature* is never an error: `verify` returns false (STYLE-ANCHORS §10).
 * @module
 */
import { BaseError, ErrorCode, type ErrorDetails } from '../errors';

/** An argument of a signing or verification call is malformed (wrong length, unknown context). */
export class CryptoInvalidInputError extends BaseError {
  override readonly name = 'Crypto.CryptoInvalidInputError';
  readonly code = ErrorCode.CRYPTO_INVALID_INPUT;
  constructor(details: { field: string; reason: string; index?: number }) {
    super(`invalid ${details.field}: ${details.reason}`, details);
  }
}

/** The requested verification backend cannot be loaded. */
export class CryptoBackendUnavailableError extends BaseError {
  override readonly name = 'Crypto.CryptoBackendUnavailableError';
  readonly code = ErrorCode.CRYPTO_BACKEND_UNAVAILABLE;
  constructor(details: { backend: string; reason: string }, options: ErrorOptions = {}) {
    super(`${details.backend} ML-DSA backend unavailable: ${details.reason}`, details, options);
  }
}

/** The verification pool was closed before or while the batch ran. */
export class CryptoPoolClosedError extends BaseError {
  override readonly name = 'Crypto.CryptoPoolClosedError';
  readonly code = ErrorCode.CRYPTO_POOL_CLOSED;
  constructor() {
    super('the verification pool is closed');
  }
}

/** Decryption failed on an intact key file: the passphrase is wrong. */
export class KeystoreBadPassphraseError extends BaseError {
  override readonly name = 'Crypto.KeystoreBadPassphraseError';
  readonly code = ErrorCode.KEYSTORE_BAD_PASSPHRASE;
  constructor(details: { address: string }) {
    super(`wrong passphrase for key ${details.address}`, details);
  }
}

/** The key file is not a valid, intact QFS key file (syntax, shape, checksum or key mismatch). */
export class KeystoreCorruptError extends BaseError {
  override readonly name = 'Crypto.KeystoreCorruptError';
  readonly code = ErrorCode.KEYSTORE_CORRUPT;
  constructor(details: { reason: string; field: string | null }, options: ErrorOptions = {}) {
    super(`corrupt key file: ${details.reason}`, details, options);
  }
}

/** The key file already exists; keystores are never overwritten. */
export class KeystoreExistsError extends BaseError {
  override readonly name = 'Crypto.KeystoreExistsError';
  readonly code = ErrorCode.KEYSTORE_EXISTS;
  constructor(details: { path: string }) {
    super(`refusing to overwrite existing key file ${details.path}`, details);
  }
}

/** The key file does not exist or cannot be read. */
export class KeystoreNotFoundError extends BaseError {
  override readonly name = 'Crypto.KeystoreNotFoundError';
  readonly code = ErrorCode.KEYSTORE_NOT_FOUND;
  constructor(
    details: ErrorDetails & { path: string; reason: string },
    options: ErrorOptions = {},
  ) {
    super(`cannot read key file ${details.path}: ${details.reason}`, details, options);
  }
}

/** No passphrase: `QFS_PASSPHRASE` is unset and none could be read from the terminal or stdin. */
export class KeystoreNoPassphraseError extends BaseError {
  override readonly name = 'Crypto.KeystoreNoPassphraseError';
  readonly code = ErrorCode.KEYSTORE_NO_PASSPHRASE;
  constructor(details: { reason: string }) {
    super(`no passphrase: ${details.reason}`, details);
  }
}
