/**
 * Errors of node configuration and data directories.
 * @module
 */
import { BaseError, ErrorCode } from '../errors';

/** A setting or a data directory is unusable: `field` names what, `reason` why. */
export class ConfigError extends BaseError {
  override readonly name = 'Node.ConfigError';
  readonly code = ErrorCode.NODE_CONFIG;
  constructor(file: string, field: string, reason: string) {
    super(`${file}: ${field}: ${reason}`, { file, field, reason });
  }
}
