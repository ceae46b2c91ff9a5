/**
 * runtime/node: the sequencer service (store, mempool, bundle loop, HTTP API) and its data directory.
 * This is its public surface: runtime/chain, runtime/sim and runtime/sdk import from here (or only
 * types), never from the files behind it.
 * @module
 */
export {
  startNode,
  VERSION,
  type ExtensionContext,
  type NodeExtension,
  type RunningNode,
  type StartOptions,
} from './node';
export { NodeStore, type AnchorReport } from './store';
export type {
  EpochAllocation,
  EpochBalanceChange,
  EpochKeySeal,
  EpochRecord,
} from './epoch-record';
export type { AnchorStatus, ConfirmationSource, EpochSource } from './anchoring';
export {
  DEFAULT_CONFIG,
  DEMO_ACCOUNTS,
  initDataDir,
  loadKey,
  paths,
  readConfig,
  type InitOptions,
  type InitResult,
  type NodeConfig,
} from './data-dir';
export { osEntropy, systemClock, type Clock, type EntropySource } from './clock';
export type { Logger, Sequencer } from './sequencer';
export { verifyStore, type VerifyResult } from './verify';
export { signOperatorRecord, type OperatorRecord } from './records';
export { ConfigError } from './config-errors';
export { publicChainInfo, type PublicChainInfo } from './api/routes/explorer';
