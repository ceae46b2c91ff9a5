/**
 * The error registry: every stable error code of QFS and the base class all coded errors share.
 * Codes are append-only: a released code is never renamed or reused; messages may change.
 * Callers branch on `err.code` (or `instanceof`), never on `err.message`. STYLE-ANCHORS §10.
 * @module
 */

/** Every error code QFS can produce, grouped by domain. */
export const ErrorCode = {
  // runtime/math
  MATH_OVERFLOW: 'MATH_OVERFLOW',
  MATH_UNDERFLOW: 'MATH_UNDERFLOW',
  MATH_DIV_BY_ZERO: 'MATH_DIV_BY_ZERO',
  MATH_DOMAIN: 'MATH_DOMAIN',
  MATH_PARSE: 'MATH_PARSE',
  MATH_SPLIT_INPUT: 'MATH_SPLIT_INPUT',
  // runtime/cli
  CLI_USAGE: 'CLI_USAGE',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** A value an error may carry: the offending inputs, as plain data. */
export type ErrorDetailValue =
  | string
  | bigint
  | number
  | boolean
  | null
  | readonly (string | bigint | number)[];
export type ErrorDetails = Readonly<Record<string, ErrorDetailValue>>;

/** The base of every coded (operating) error. Programmer errors use `invariant` instead. */
export abstract class BaseError extends Error {
  abstract readonly code: ErrorCode;
  readonly details: ErrorDetails;

  constructor(message: string, details: ErrorDetails = {}, options: ErrorOptions = {}) {
    super(message, options);
    this.details = details;
  }

  /** The wire shape `{code, message, details}` with bigints as decimal strings. */
  toJSON(): { code: ErrorCode; message: string; details: Record<string, unknown> } {
    return { code: this.code, message: this.message, details: plainDetails(this.details) };
  }
}

function plainDetails(details: ErrorDetails): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(details).sort()) {
    const value = details[key];
    if (typeof value === 'bigint') out[key] = value.toString();
    else if (Array.isArray(value))
      out[key] = value.map((v) => (typeof v === 'bigint' ? v.toString() : v));
    else out[key] = value;
  }
  return out;
}

/** True when `err` is a coded QFS error (optionally with the given code). */
export function isCodedError(err: unknown, code?: ErrorCode): err is BaseError {
  return err instanceof BaseError && (code === undefined || err.code === code);
}
