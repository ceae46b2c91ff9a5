/**
 * runtime/sync: HolonetSync — one sequencer that orders, replicas that re-execute every bundle,
 * cosign it and confirm it. The deterministic part is `protocol/`; the rest is the shell: the
 * sequencer's hub, the replica, the stream, peers, reports, stores, routes, metrics, the replica's
 * data directory and process. docs/sync.md.
 * @module
 */
export * as Protocol from './protocol';
export { SyncHub, type HubOptions, type ReportResult } from './hub';
export { holonetSync, type AttachedSync } from './attach';
export { Replica, type Outcome, type ReplicaOptions } from './replica';
export { startReplica, type RunningReplica, type ReplicaStartOptions } from './replica-node';
export {
  initReplicaDir,
  readReplicaConfig,
  genesisHashOf,
  DEFAULT_REPLICA_CONFIG,
  type ReplicaConfig,
} from './replica-dir';
export { SyncStore } from './sync-store';
export { epochCertificates, evidenceHashes, type EpochCertificates } from './anchoring';
export {
  NodeReadOnlyError,
  SyncAttestationInvalidError,
  SyncNotReadyError,
  SyncRefusedError,
} from './errors';
