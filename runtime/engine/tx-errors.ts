/**
 * Errors of transaction parsing: a transaction that fails here is never acknowledged.
 * @module
 */
import { BaseError, ErrorCode } from '../errors';

export type TxMalformedCode =
  | 'TX_MALFORMED'
  | 'TX_UNKNOWN_TOKEN'
  | 'TX_AMOUNT_INVALID'
  | 'TX_FIELD_TOO_LONG'
  | 'TX_BAD_ADDRESS'
  | 'TX_TOO_LARGE';

/** A transaction's wire form is unusable; `field` names what, `reason` why. */
export class TxMalformedError extends BaseError {
  override readonly name = 'Engine.TxMalformedError';
  readonly code: TxMalformedCode;
  constructor(code: TxMalformedCode, field: string, reason: string) {
    super(`transaction ${field}: ${reason}`, { field, reason });
    this.code = ErrorCode[code];
  }
}
