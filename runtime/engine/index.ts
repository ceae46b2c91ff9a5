/**
 * runtime/engine: the deterministic pipeline — token state, UtilityOracle, HSMF, TreasuryEngine,
 * RewardAllocator, StateTransitionEngine — exposed as one pure function, `executeBundle`.
 * DESIGN.md §3–§4.
 * @module
 */
export {
  executeBundle,
  bundleHashOf,
  BUNDLE_TXS_MAX,
  type BundleInput,
  type BundleResult,
  type ExecuteOptions,
} from './execute-bundle';
export { loadGenesis, GENESIS_ACCOUNTS_MAX, type Genesis } from './genesis';
export {
  devnetGenesis,
  HEALTHY_GUIDANCE,
  type DevnetAccount,
  type DevnetOptions,
} from './devnet-genesis';
export { stateRootOf, amountsJson, type EngineState, type Emission } from './state';
export {
  DEFAULT_PARAMS,
  parseParams,
  METRIC_NAMES,
  type EngineParams,
  type MetricName,
} from './params';
export { TOKENS, TOKEN_IDS, ZERO_AMOUNTS, isToken, type Token, type TokenAmounts } from './tokens';
export {
  getAccount,
  accountsRoot,
  listAccounts,
  updateAccounts,
  accountLeafText,
  EMPTY_ACCOUNT,
  EMPTY_ACCOUNT_TREE,
  type Account,
  type AccountTree,
} from './account-tree';
export {
  parseTx,
  txSigningBytes,
  txHashOf,
  txSignatureBytes,
  TX_LIMITS,
  type SignedTx,
  type TxBody,
  type KeyEventInTx,
  type KeySignatureInTx,
} from './tx';
export { TxMalformedError, type TxMalformedCode } from './tx-errors';
export { TxFailure, type Receipt } from './apply-tx';
export { claimedKeyOf, signerKeyOf, type SignerKey, type SignerRefusal } from './signer-key';
export {
  parseGuidance,
  admitGuidance,
  guidanceToJson,
  getDirectionalPenalty,
  GuidanceRejection,
  ACTION_KIND_PATTERN,
  GUIDANCE_MAGNITUDES_MAX,
  GUIDANCE_PENALTIES_MAX,
  GUIDANCE_PENALTY_MAX,
  GUIDANCE_MAGNITUDE_MIN,
  GUIDANCE_MAGNITUDE_MAX,
  type Guidance,
  type GuidanceCheck,
} from './utility-oracle';
export { validateActionBundle, type HsmfMetrics, type HsmfResult } from './hsmf';
export {
  calculateRewards,
  actionFee,
  type RewardBundle,
  type RewardClip,
  type ClipReason,
} from './treasury-engine';
export {
  allocateRewards,
  compareAddresses,
  type Allocation,
  type AllocationResult,
} from './reward-allocator';
export { applyStateTransition } from './state-transition-engine';
export { GenesisInvalidError, BundleRejectedError } from './errors';
