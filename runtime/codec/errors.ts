/**
 * Codec errors: values that have no canonical encoding, malformed hex, malformed addresses.
 * DESIGN.md §4 Encoding and hashing.
 * @module
 */
import { BaseError, ErrorCode } from '../errors';

/** Why a value has no canonical encoding. */
export type UnencodableReason =
  | 'non-integer number'
  | 'unsafe integer'
  | 'negative zero'
  | 'non-finite number'
  | 'undefined'
  | 'function'
  | 'symbol'
  | 'cycle'
  | 'too deep'
  | 'lone surrogate'
  | 'sparse array'
  | 'symbol key'
  | 'not a plain object';

/** A value cannot be encoded canonically; `path` names it (`$`, `$/a/0/b`, JSON Pointer escaping). */
export class CodecUnencodableError extends BaseError {
  override readonly name = 'Codec.CodecUnencodableError';
  readonly code = ErrorCode.CODEC_UNENCODABLE;
  constructor(details: { path: string; reason: UnencodableReason; type: string }) {
    super(
      `cannot encode ${details.path} canonically: ${details.reason} (${details.type})`,
      details,
    );
  }
}

/** A string is not lowercase hex of the expected length. */
export class CodecBadHexError extends BaseError {
  override readonly name = 'Codec.CodecBadHexError';
  readonly code = ErrorCode.CODEC_BAD_HEX;
  constructor(details: { input: string; reason: string; expectedBytes: number | null }) {
    super(`bad hex "${details.input}": ${details.reason}`, details);
  }
}

/** A string is not a 20-byte address, or its mixed case is not a valid EIP-55 checksum. */
export class CodecBadAddressError extends BaseError {
  override readonly name = 'Codec.CodecBadAddressError';
  readonly code = ErrorCode.CODEC_BAD_ADDRESS;
  constructor(details: { input: string; reason: string }) {
    super(`bad address "${details.input}": ${details.reason}`, details);
  }
}

/** Shortens a string for an error message (at most 80 characters and an ellipsis). */
export function shorten(input: string): string {
  return input.length > 80 ? `${input.slice(0, 80)}…` : input;
}
