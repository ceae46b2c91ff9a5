/**
 * Errors of the entropy shell: a provider (beacon relay, QRNG API) that could not be reached or
 * answered something unusable, and a node with no verified round to derive a seed from.
 * @module
 */
import { BaseError, ErrorCode } from '../errors';

/** A provider could not be reached, timed out, or answered something that does not verify. */
export class EntropyFetchFailedError extends BaseError {
  override readonly name = 'Entropy.EntropyFetchFailedError';
  readonly code = ErrorCode.ENTROPY_FETCH_FAILED;
  constructor(details: { provider: string; url: string; reason: string }, cause?: unknown) {
    super(
      `${details.provider} at ${details.url}: ${details.reason}`,
      details,
      cause === undefined ? {} : { cause },
    );
  }
}

/** No verified beacon round is available yet (the node waits before producing). */
export class EntropyUnavailableError extends BaseError {
  override readonly name = 'Entropy.EntropyUnavailableError';
  readonly code = ErrorCode.ENTROPY_UNAVAILABLE;
  constructor(details: { reason: string }) {
    super(`no verified beacon round: ${details.reason}`, details);
  }
}
