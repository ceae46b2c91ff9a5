/**
 * executeBundle: the whole pipeline as one pure function (DESIGN.md §3, issue 5):
 *
 *   DRV validation (incl. payloadHash over the ordered txs) → UtilityOracle (guidance in force) →
 *   HSMF → CIR-511 → transactions in order → TreasuryEngine → RewardAllocator →
 *   StateTransitionEngine → new state, receipts, metrics, rewards, allocations, op-log hash, root.
 *
 * Every stage computes through one CertifiedMath bound to the packet, so the bundle has one op-log
 * hash. A failed transaction gets a failed receipt; a failed bundle invariant throws CIR-302 and
 * nothing is committed; an invalid packet throws its DRV error. Signatures are verified here unless
 * the caller already verified them (the node does, in its worker pool, before acknowledging) and
 * passes their hashes in `preverified`.
 * @module
 */
import { canonicalString, sha256HexUtf8 } from '../codec';
import { verifyPacketEntropy, type EntropyVerdict } from '../entropy';
import { isCodedError } from '../errors';
import {
  Cir302Halt,
  detectDissonance,
  isHalt,
  type Cir511State,
  type DissonanceRecord,
} from '../guard';
import {
  computePayloadHash,
  keyLedgerView,
  packetHash,
  validatePacket,
  type DrvPacket,
  type KeyLedgerEntry,
} from '../ledger';
import { CertifiedMath, UD, type UD128x18 } from '../math';
import type { Account } from './account-tree';
import { applyTx, type Receipt, type TxScope } from './apply-tx';
import { BundleRejectedError } from './errors';
import { validateActionBundle, type HsmfResult } from './hsmf';
import { METRIC_NAMES } from './params';
import { allocateRewards, type Allocation } from './reward-allocator';
import { amountsJson, stateRootOf, type EngineState } from './state';
import { applyStateTransition, type TransitionOutput } from './state-transition-engine';
import { ZERO_AMOUNTS, type TokenAmounts } from './tokens';
import { calculateRewards, type RewardBundle } from './treasury-engine';
import type { SignedTx } from './tx';
import { WorkingSet } from './working-set';

/** Most transactions one bundle may carry. */
export const BUNDLE_TXS_MAX = 10_000;

export type BundleInput = { readonly packet: DrvPacket; readonly txs: readonly SignedTx[] };

export type ExecuteOptions = {
  /**
   * Hashes of transactions whose signatures the caller has verified against the key the engine
   * would use: the sender's active key (for a `register` transaction, the key it registers). The
   * engine then skips their ML-DSA verification; everything else (key status, nonce, effect) is
   * checked as usual. Transactions must come from `parseTx`, which derives their hashes.
   */
  readonly preverified?: ReadonlySet<string>;
};

export type BundleResult = {
  readonly state: EngineState;
  readonly height: bigint;
  readonly packetHash: string;
  readonly receipts: readonly Receipt[];
  readonly hsmf: HsmfResult;
  readonly dissonance: readonly DissonanceRecord[];
  /**
   * What the packet's entropy record showed (source, beacon round, how many rounds stale, whether
   * that is a CIR-511 entropy dissonance); null on chains without an entropy policy.
   */
  readonly entropy: EntropyVerdict | null;
  readonly rewards: RewardBundle;
  readonly allocations: readonly Allocation[];
  readonly toTreasury: TokenAmounts;
  readonly fees: UD128x18;
  readonly keyEntries: readonly KeyLedgerEntry[];
  /** Every account the bundle changed, with its new value (for storage). */
  readonly changedAccounts: readonly { readonly address: string; readonly account: Account }[];
  readonly opLogHash: string;
  readonly opLogEntryCount: number;
  readonly stateRoot: string;
  /** Commits to the packet, the transactions, the receipts, the rewards, the op log and the root. */
  readonly bundleHash: string;
};

/**
 * Executes one bundle on `state` and returns the next state with everything the bundle produced.
 * The input state is never changed (states are immutable and share their untouched parts).
 * @param state - the state after the previous bundle (or the genesis)
 * @param input - the signed DRV packet and the ordered transactions it commits to
 * @param options - hashes of transactions whose signatures the caller has already verified
 * @throws {BundleRejectedError} too many transactions, or the first packet not after the genesis time
 * @throws DRV errors (`DRV_*`) when the packet is invalid
 * @throws {Cir302Halt} when the survival imperative fails, CIR-511 escalates, an invariant breaks,
 *   or a bundle-level stage cannot complete its arithmetic (evidence: stage, code, message)
 */
export function executeBundle(
  state: EngineState,
  input: BundleInput,
  options: ExecuteOptions = {},
): BundleResult {
  const { packet, txs } = input;
  const { hash, entropy } = admitPacket(state, packet, txs);
  const cm = new CertifiedMath({
    pqcCid: hash.slice(0, 32),
    quantumMetadata: {
      sequence: packet.sequence.toString(),
      seed: packet.seed,
      entropySource: packet.entropy.source,
    },
  });
  const { params } = state;
  const sequence = packet.sequence;
  const hsmf = atStage('hsmf', sequence, () =>
    validateActionBundle(cm, params, state.guidance, sequence),
  );
  checkSurvival(hsmf, params.cCrit, sequence);
  const cir511 = atStage('cir511', sequence, () =>
    detectDissonance(
      cm,
      state.cir511,
      hsmf.metrics,
      params.dissonanceThresholds,
      METRIC_NAMES,
      params.dissonanceEscalationCount,
    ),
  );
  const scope = openScope(cm, state, packet, hsmf, options);
  const receipts = txs.map((tx, i) => applyTx(scope, tx, i));
  const settled = settle(cm, state, scope, packet, hsmf);
  return finish({ state, packet, hash, entropy, txs, cm, hsmf, cir511, scope, receipts, settled });
}

/** Step 9: the next state, its root, the op-log hash and the bundle hash. */
function finish(b: {
  state: EngineState;
  packet: DrvPacket;
  hash: string;
  entropy: EntropyVerdict | null;
  txs: readonly SignedTx[];
  cm: CertifiedMath;
  hsmf: HsmfResult;
  cir511: { readonly records: readonly DissonanceRecord[]; readonly state: Cir511State };
  scope: TxScope;
  receipts: Receipt[];
  settled: ReturnType<typeof settle>;
}): BundleResult {
  const { packet, hash, scope, receipts } = b;
  const { rewards, allocations, toTreasury, transition } = b.settled;
  const partial = {
    ...b.state,
    height: b.state.height + 1n,
    lastPacket: packet,
    lastPacketHash: hash,
    accounts: transition.accounts,
    supply: transition.supply,
    emission: transition.emission,
    guidance: scope.nextGuidance,
    keys: scope.keys,
    cir511: b.cir511.state,
  };
  const stateRoot = stateRootOf(partial);
  const opLogHash = b.cm.logHash;
  const bundleHash = bundleHashOf({
    height: packet.sequence,
    packetHash: hash,
    txs: b.txs,
    receipts,
    rewards,
    allocations,
    opLogHash,
    stateRoot,
  });
  return Object.freeze({
    state: Object.freeze({ ...partial, stateRoot }),
    height: packet.sequence,
    packetHash: hash,
    receipts: Object.freeze(receipts),
    hsmf: b.hsmf,
    dissonance: b.cir511.records,
    entropy: b.entropy,
    rewards,
    allocations,
    toTreasury,
    fees: scope.fees,
    keyEntries: Object.freeze([...scope.keyEntries]),
    changedAccounts: transition.changed,
    opLogHash,
    opLogEntryCount: b.cm.entryCount,
    stateRoot,
    bundleHash,
  });
}

/**
 * Step 1: bounds, DRV validation (payload hash over the ordered txs), the genesis time, and on a
 * chain with an entropy policy the packet's entropy record (beacon, VDF, seed).
 */
function admitPacket(
  state: EngineState,
  packet: DrvPacket,
  txs: readonly SignedTx[],
): { hash: string; entropy: EntropyVerdict | null } {
  if (txs.length > BUNDLE_TXS_MAX)
    throw new BundleRejectedError('too many transactions', {
      count: txs.length,
      max: BUNDLE_TXS_MAX,
    });
  const payloadHash = computePayloadHash(
    txs.map((tx) => tx.hash),
    [],
  );
  validatePacket(packet, state.lastPacket, keyLedgerView(state.keys), {
    chainId: state.chainId,
    payloadHash,
  });
  if (packet.ttsTimestamp <= state.genesisTime) {
    throw new BundleRejectedError('packet before the genesis time', {
      ttsTimestamp: packet.ttsTimestamp,
      genesisTime: state.genesisTime,
    });
  }
  const entropy =
    state.entropy === null ? null : verifyPacketEntropy(state.entropy, packet, state.lastPacket);
  return { hash: packetHash(packet), entropy };
}

/** Step 3 (end): a bundle that fails DEZ or the survival imperative is not committed. */
function checkSurvival(hsmf: HsmfResult, cCrit: UD128x18, sequence: bigint): void {
  if (hsmf.valid) return;
  throw new Cir302Halt(
    hsmf.survivalOk ? 'HSMF DEZ check failed' : 'HSMF survival imperative failed (S_CHR ≤ C_CRIT)',
    {
      sequence: sequence.toString(),
      sChr: UD.format(hsmf.metrics.sChr),
      cCrit: UD.format(cCrit),
      fAtr: UD.format(hsmf.metrics.fAtr),
    },
  );
}

/** Steps 5–7: TreasuryEngine, RewardAllocator and StateTransitionEngine over the executed txs. */
function settle(
  cm: CertifiedMath,
  state: EngineState,
  scope: TxScope,
  packet: DrvPacket,
  hsmf: HsmfResult,
): {
  rewards: RewardBundle;
  allocations: readonly Allocation[];
  toTreasury: TokenAmounts;
  transition: TransitionOutput;
} {
  const { params } = state;
  const sequence = packet.sequence;
  const day = packet.ttsTimestamp / params.dayLengthMs;
  const mintedToday = day === state.emission.day ? state.emission.minted : ZERO_AMOUNTS;
  const rewards = atStage('treasury', sequence, () =>
    calculateRewards(cm, params, hsmf.metrics, scope.totalUnits, state.supply, mintedToday),
  );
  const { allocations, toTreasury } = atStage('allocator', sequence, () =>
    allocateRewards(cm, params, rewards.granted, scope.weights),
  );
  const transition = atStage('transition', sequence, () =>
    applyStateTransition(cm, {
      accounts: state.accounts,
      working: scope.working,
      supply: state.supply,
      emission: state.emission,
      day,
      treasury: state.treasury,
      granted: rewards.granted,
      allocations,
      toTreasury,
    }),
  );
  return { rewards, allocations, toTreasury, transition };
}

/**
 * Runs a bundle-level stage. A coded error there (arithmetic leaving the UD128x18 range, a split
 * the allocator cannot make) means the bundle cannot be computed: it becomes a CIR-302 halt with
 * the stage and the code as evidence, like any other failed bundle invariant. Halts pass through;
 * programmer errors (assertions) are not caught.
 */
function atStage<T>(stage: string, sequence: bigint, run: () => T): T {
  try {
    return run();
  } catch (err) {
    if (isHalt(err) || !isCodedError(err)) throw err;
    throw new Cir302Halt(
      `${stage} stage failed`,
      { stage, sequence: sequence.toString(), code: err.code, message: err.message },
      { cause: err },
    );
  }
}

function openScope(
  cm: CertifiedMath,
  state: EngineState,
  packet: DrvPacket,
  hsmf: HsmfResult,
  options: ExecuteOptions,
): TxScope {
  return {
    cm,
    params: state.params,
    chainId: state.chainId,
    treasury: state.treasury,
    packetSequence: packet.sequence,
    timestamp: packet.ttsTimestamp,
    metrics: hsmf.metrics,
    guidance: state.guidance,
    working: new WorkingSet(state.accounts),
    preverified: options.preverified ?? new Set<string>(),
    keys: state.keys,
    ownedKeys: null,
    nextGuidance: state.guidance,
    keyEntries: [],
    weights: new Map<string, bigint>(),
    totalUnits: 0n,
    fees: UD.ZERO,
  };
}

/**
 * bundleHash = SHA-256("QFS/bundle/v1\n" ‖ canonical({height, packetHash, txHashes, receipts,
 * rewards, allocations, opLogHash, stateRoot})).
 */
export function bundleHashOf(b: {
  height: bigint;
  packetHash: string;
  txs: readonly SignedTx[];
  receipts: readonly Receipt[];
  rewards: RewardBundle;
  allocations: readonly Allocation[];
  opLogHash: string;
  stateRoot: string;
}): string {
  const body = {
    height: b.height,
    packetHash: b.packetHash,
    txHashes: b.txs.map((tx) => tx.hash),
    receipts: b.receipts.map((r) => [
      r.status,
      r.code ?? '',
      r.fee === undefined ? '' : UD.format(r.fee),
    ]),
    rewards: amountsJson(b.rewards.granted),
    allocations: b.allocations.map((a) => [a.address, a.token, UD.format(a.amount)]),
    opLogHash: b.opLogHash,
    stateRoot: b.stateRoot,
  };
  return sha256HexUtf8(`QFS/bundle/v1\n${canonicalString(body)}`);
}
