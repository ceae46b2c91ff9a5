/**
 * What the node's HTTP API answers, as TypeScript types (the node's JSON schemas are the source;
 * docs/api.md has examples). Heights, indexes and counts are JSON numbers; nonces and 18-decimal
 * amounts are strings; signed objects keep their stored canonical form (integers as strings).
 * @module
 */
import type { Token } from '../engine';

export type TxStatusName = 'pending' | 'committed' | 'rejected';

/** `POST /v1/tx` → 202. */
export type TxAccepted = { readonly txHash: string; readonly status: TxStatusName };

export type ReceiptView = {
  readonly status: 'ok' | 'failed';
  readonly code?: string;
  readonly reason?: string;
  /** FLX fee (actions), 18 decimals. */
  readonly fee?: string;
};

/** `GET /v1/tx/:hash`. */
export type TxView =
  | { readonly txHash: string; readonly status: 'pending' }
  | {
      readonly txHash: string;
      readonly status: 'committed';
      readonly height: number;
      readonly index: number;
      readonly receipt: ReceiptView;
      /** HolonetSync: true once the bundle has a quorum certificate (absent on a node without it). */
      readonly confirmed?: boolean;
      readonly certificateHash?: string;
    }
  | {
      readonly txHash: string;
      readonly status: 'rejected';
      readonly code: string;
      readonly reason: string;
    };

export type KeyView = {
  readonly status: 'active' | 'retired' | 'revoked';
  readonly capabilities: readonly string[];
  readonly registeredAt: string;
  readonly changedAt: string;
  readonly rotatedFrom: string | null;
  readonly rotatedTo: string | null;
};

/** `GET /v1/accounts/:address`. */
export type AccountView = {
  readonly address: string;
  /** Committed bundles the view reflects. */
  readonly height: number;
  readonly balances: Readonly<Record<Token, string>>;
  /** Last committed nonce; the next transaction uses nonce + 1. */
  readonly nonce: string;
  readonly key: KeyView | null;
};

/** A signed object as stored (packet, entry, seal): canonical JSON, integers as strings. */
export type StoredObject = Readonly<Record<string, unknown>>;

/** `GET /v1/bundles/:height`. */
export type BundleView = {
  readonly height: number;
  readonly packetHash: string;
  readonly bundleHash: string;
  readonly opLogHash: string;
  readonly stateRoot: string;
  readonly txCount: number;
  readonly packet: StoredObject;
  readonly txHashes: readonly string[];
  readonly metrics: Readonly<Record<string, string | boolean>>;
  readonly rewards: {
    readonly requested: Readonly<Record<Token, string>>;
    readonly granted: Readonly<Record<Token, string>>;
    readonly clips: readonly {
      token: string;
      requested: string;
      granted: string;
      reason: string;
    }[];
  };
  readonly allocations: readonly { address: string; token: string; amount: string }[];
  readonly toTreasury: Readonly<Record<Token, string>>;
  readonly fees: string;
  readonly dissonance: readonly Readonly<Record<string, string>>[];
  readonly opLogEntryCount: number;
  readonly coherenceEntry: StoredObject;
  readonly seal: StoredObject;
  readonly sealHash: string;
};

/** `GET /v1/seals/latest`. */
export type CoherenceSealView = {
  readonly height: number;
  readonly entryHash: string;
  readonly seal: StoredObject;
  readonly sealHash: string;
};

/** `GET /v1/keyledger/seal`. */
export type KeySealView = {
  readonly height: number;
  readonly seal: StoredObject;
  readonly sealHash: string;
};

/** `GET /v1/status`. */
export type NodeStatus = {
  readonly chainId: string;
  readonly version: string;
  /** Latest committed bundle, null before the first. */
  readonly height: number | null;
  readonly nextHeight: number;
  readonly stateRoot: string;
  readonly headHash: string | null;
  readonly lastSealHash: string | null;
  readonly halted: {
    readonly cir: number;
    readonly reason: string;
    readonly height: number;
    readonly evidence?: Readonly<Record<string, string>>;
  } | null;
  readonly mempoolDepth: number;
  /** Anchoring to the EVM chain (null when the node does not anchor). */
  readonly anchoring: {
    readonly localHeight: number;
    readonly anchoredHeight: number | null;
    readonly anchoredEpochs: number;
    readonly lag: number;
    readonly epochLength: number;
    readonly onChain: {
      readonly coherenceHeight: number | null;
      readonly keySeals: number;
      readonly balanceEpochs: number;
      readonly balanceChunks: number;
      readonly allocationEpochs: number;
    } | null;
    readonly lastError: string | null;
    readonly lastErrorAtMs: number | null;
    readonly consecutiveFailures: number;
    readonly lastAnchorAtMs: number | null;
    readonly nextRetryAtMs: number | null;
  } | null;
  /** HolonetSync: role, confirmed height, replicas and their lag (null without it). */
  readonly sync?: unknown;
};
