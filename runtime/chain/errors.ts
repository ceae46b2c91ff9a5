/**
 * Errors of the chain adapter: its configuration, a deployment, the network it reached.
 * @module
 */
import { BaseError, ErrorCode } from '../errors';

/** `D/chain.json` (or an environment override) is unusable: `field` names what, `reason` why. */
export class ChainConfigError extends BaseError {
  override readonly name = 'Chain.ConfigError';
  readonly code = ErrorCode.CHAIN_CONFIG;
  constructor(file: string, field: string, reason: string) {
    super(`${file}: ${field}: ${reason}`, { file, field, reason });
  }
}

/** `qfs chain deploy` cannot deploy or reuse the contracts; `reason` says why. */
export class ChainDeployError extends BaseError {
  override readonly name = 'Chain.DeployError';
  readonly code = ErrorCode.CHAIN_DEPLOY;
  constructor(reason: string, details: Record<string, string | number> = {}) {
    super(`deployment: ${reason}`, { reason, ...details });
  }
}

/**
 * The RPC serves another chain than the configuration names, or the contracts hold another
 * ledger's seals: anchoring there would put this ledger's data where it does not belong.
 */
export class ChainWrongNetworkError extends BaseError {
  override readonly name = 'Chain.WrongNetworkError';
  readonly code = ErrorCode.CHAIN_WRONG_NETWORK;
  constructor(reason: string, details: { expected: string; actual: string }) {
    super(`${reason}: expected ${details.expected}, got ${details.actual}`, { reason, ...details });
  }
}
