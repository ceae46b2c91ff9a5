/**
 * Errors of the entropy shell: a provider (beacon relay, QRNG API) that could not be reached or
 * answered something unusable.
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
