/**
 * Errors of the sequencer node: storage, admission, and the halted state.
 * @module
 */
import { BaseError, ErrorCode, type ErrorDetails } from '../errors';

/** The store cannot be opened or used. */
export class StoreError extends BaseError {
  override readonly name = 'Node.StoreError';
  readonly code = ErrorCode.NODE_STORE;
  constructor(message: string, details: ErrorDetails, cause?: unknown) {
    super(message, details, cause === undefined ? {} : { cause });
  }
}

/** The mempool is full (whole or for this sender). */
export class MempoolFullError extends BaseError {
  override readonly name = 'Node.MempoolFullError';
  readonly code = ErrorCode.SEQUENCER_MEMPOOL_FULL;
  constructor(details: ErrorDetails) {
    super('the mempool is full; retry later', details);
  }
}

/**
 * A transaction is refused at admission (not acknowledged): bad signature, stale nonce, no key to
 * write under its sender (unknown, inactive, or a registration from another address).
 */
export class TxRefusedError extends BaseError {
  override readonly name = 'Node.TxRefusedError';
  readonly code:
    | 'TX_BAD_SIGNATURE'
    | 'TX_BAD_NONCE'
    | 'TX_UNKNOWN_SENDER'
    | 'TX_SENDER_INACTIVE'
    | 'TX_NOT_AUTHORIZED'
    | 'KEYLEDGER_DUPLICATE_KEY'
    | 'TX_WRONG_CHAIN';
  constructor(code: TxRefusedError['code'], reason: string, details: ErrorDetails) {
    super(reason, details);
    this.code = ErrorCode[code];
  }
}

/** The sequencer is halted (CIR-302/412): writes are refused until an operator resumes it. */
export class NodeHaltedError extends BaseError {
  override readonly name = 'Node.NodeHaltedError';
  readonly code = ErrorCode.NODE_HALTED;
  constructor(details: ErrorDetails) {
    super('the sequencer is halted', details);
  }
}

/** Something was not found (transaction, bundle, account). */
export class NotFoundError extends BaseError {
  override readonly name = 'Node.NotFoundError';
  readonly code = ErrorCode.NOT_FOUND;
  constructor(what: string, details: ErrorDetails) {
    super(`${what} not found`, details);
  }
}
