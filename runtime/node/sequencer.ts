/**
 * The sequencer: the one object that owns the node's mutable state. It admits transactions
 * (the rule in admission.ts, signature through the worker pool, durable group acknowledgement),
 * produces bundles (select, then bundle-production.ts: stamp, DRV packet; executeBundle; seal,
 * commit in one storage transaction, then announce), and halts (CIR-302/412) instead of
 * continuing in a broken state. DESIGN.md §3, §4 Storage and Halts; issue 6.
 * @module
 */
import { EventEmitter } from 'node:events';
import {
  publicKeyFromHex,
  SignatureContext,
  verifyAll,
  type SignPool,
  type KeyPair,
  type VerifyItem,
  type VerifyPool,
} from '../crypto';
import {
  executeBundle,
  loadGenesis,
  parseTx,
  signerKeyOf,
  txSignatureBytes,
  txSigningBytes,
  type BundleResult,
  type EngineState,
  type Receipt,
  type SignedTx,
} from '../engine';
import { isCodedError } from '../errors';
import { isHalt, type HaltEvidence } from '../guard';
import {
  coherenceSealHash,
  appendSealed,
  keyLedgerView,
  sealedEntryOf,
  type CoherenceEntry,
  type DrvPacket,
  type KeyLedgerEntry,
  type SealedEntry,
} from '../ledger';
import { ackRow, isResendable, nextNonceOf, planAdmission, Reservations } from './admission';
import { Batcher } from './batcher';
import { bundleCommitOf } from './bundle-commit';
import {
  sealBundle,
  sealKeyLedger,
  signPacket,
  stampPacket,
  type BundleSigner,
} from './bundle-production';
import type { Clock, EntropySource } from './clock';
import { NodeHaltedError, TxRefusedError } from './errors';
import { Mempool, type MempoolEntry } from './mempool';
import {
  parseOperatorRecord,
  parseReceipt,
  signOperatorRecord,
  type OperatorRecord,
} from './records';
import { loadState, storedGenesis } from './state-loader';
import { toText, type AckRow, type NodeStore } from './store';

export type NodeLimits = {
  /** Transactions per bundle. */
  readonly bundleSizeMax: number;
  /** A bundle closes at most this long after the first waiting transaction. */
  readonly bundleIntervalMs: number;
  readonly mempoolCapacity: number;
  /** Pending transactions per sender (also the nonce window ahead of the committed nonce). */
  readonly mempoolPerSenderMax: number;
  /** Pending transactions per sender behind a nonce gap (docs/api.md, Mempool). */
  readonly mempoolGapPerSenderMax: number;
  /** A pending transaction that cannot be bundled (nonce gap) is rejected after this long. */
  readonly mempoolTtlMs: number;
  /** Group acknowledgement: one fsync per this many transactions or this many ms. */
  readonly ackBatchItems: number;
  readonly ackBatchDelayMs: number;
};

export const DEFAULT_LIMITS: NodeLimits = Object.freeze({
  bundleSizeMax: 1000,
  bundleIntervalMs: 250,
  mempoolCapacity: 50_000,
  mempoolPerSenderMax: 256,
  mempoolGapPerSenderMax: 16,
  mempoolTtlMs: 10 * 60_000,
  ackBatchItems: 256,
  ackBatchDelayMs: 2,
});

export type Logger = {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
};

export type SequencerOptions = {
  readonly store: NodeStore;
  readonly key: KeyPair;
  readonly clock: Clock;
  readonly entropy: EntropySource;
  /** Verification pool; without one, signatures are verified on the calling thread. */
  readonly pool?: VerifyPool;
  /** Signing pool; without one, packets and seals are signed on the calling thread. */
  readonly signer?: SignPool;
  readonly limits?: Partial<NodeLimits>;
  readonly log: Logger;
};

/** What a submission returns: the hash and where the transaction stands. */
export type SubmitResult = {
  readonly txHash: string;
  readonly status: TxStatus['status'];
  readonly duplicate: boolean;
};

export type TxStatus =
  | { readonly status: 'pending'; readonly txHash: string }
  | {
      readonly status: 'committed';
      readonly txHash: string;
      readonly height: number;
      readonly index: number;
      readonly receipt: Receipt;
    }
  | {
      readonly status: 'rejected';
      readonly txHash: string;
      readonly code: string;
      readonly reason: string;
    };

/**
 * Where a bundle's production time went on the sequencer's thread: the engine (`executeBundle`:
 * validation, HSMF, rewards, the state transition and its state root), sealing (the seal is
 * signed on the signing pool; this is the wait for it), and the one SQLite transaction.
 */
export type BundleTiming = {
  readonly height: number;
  readonly txs: number;
  readonly executeMs: number;
  readonly sealMs: number;
  readonly commitMs: number;
};

/**
 * Events: 'bundle' (BundleResult) after a commit, 'timing' (BundleTiming) right after it,
 * 'rejected' ([{txHash, code}]) when acknowledged transactions expire, 'halt' (OperatorRecord)
 * when production stops.
 */
export class Sequencer extends EventEmitter {
  readonly store: NodeStore;
  readonly key: KeyPair;
  readonly limits: NodeLimits;
  #state: EngineState;
  #coherenceHead: CoherenceEntry | null;
  #lastSealHash: string;
  /** What the next key seal needs of every entry so far (not the entries: see SealedEntry). */
  #keyEntries: readonly SealedEntry[];
  #halt: OperatorRecord | null;
  #seq: number;
  readonly #mempool: Mempool;
  readonly #preverified = new Set<string>();
  readonly #reserved = new Reservations();
  readonly #inflight = new Map<string, Promise<SubmitResult>>();
  readonly #opts: SequencerOptions;
  readonly #signer: BundleSigner;
  readonly #ack: Batcher<AckRow, void>;
  readonly #verifier: Batcher<VerifyItem, boolean>;
  #timer: NodeJS.Timeout | null = null;
  #expiryTimer: NodeJS.Timeout | null = null;
  #evictionsClaimed = 0;
  #firstWaitingMs: number | null = null;
  #producing = false;
  #producingRun: Promise<BundleResult | null> | null = null;

  private constructor(
    opts: SequencerOptions,
    loaded: {
      state: EngineState;
      coherenceHead: CoherenceEntry | null;
      lastSealHash: string;
      keyEntries: readonly KeyLedgerEntry[];
    },
  ) {
    super();
    this.#opts = opts;
    this.#signer = { key: opts.key, ...(opts.signer === undefined ? {} : { pool: opts.signer }) };
    this.store = opts.store;
    this.key = opts.key;
    this.limits = Object.freeze({ ...DEFAULT_LIMITS, ...opts.limits });
    this.#state = loaded.state;
    this.#coherenceHead = loaded.coherenceHead;
    this.#lastSealHash = loaded.lastSealHash;
    this.#keyEntries = loaded.keyEntries.map(sealedEntryOf);
    this.#mempool = new Mempool(this.limits.mempoolCapacity, this.limits.mempoolPerSenderMax);
    this.#seq = this.store.maxMempoolSeq();
    const last = this.store.lastHaltRecord();
    this.#halt =
      last !== undefined && last.kind === 'halt' ? parseOperatorRecord(last.record) : null;
    this.#ack = new Batcher(
      (rows) => this.#persistAcks(rows),
      this.limits.ackBatchItems,
      this.limits.ackBatchDelayMs,
    );
    this.#verifier = new Batcher((items) => verifyAll(items, opts.pool), 64, 1);
  }

  /**
   * Opens the sequencer on a store: rebuilds and checks the state (CIR-412 on any mismatch),
   * reloads and re-verifies the mempool, and restores a persisted halt.
   */
  static async open(opts: SequencerOptions): Promise<Sequencer> {
    const result = loadState(opts.store);
    if (!result.ok) {
      const seq = new Sequencer(opts, {
        state: stateForHalt(opts.store),
        coherenceHead: null,
        lastSealHash: '',
        keyEntries: [],
      });
      seq.halt(412, result.reason, result.evidence);
      return seq;
    }
    const seq = new Sequencer(opts, result.loaded);
    await seq.#reloadMempool();
    return seq;
  }

  get state(): EngineState {
    return this.#state;
  }

  get halted(): OperatorRecord | null {
    return this.#halt;
  }

  get mempoolSize(): number {
    return this.#mempool.size;
  }

  get coherenceHead(): CoherenceEntry | null {
    return this.#coherenceHead;
  }

  get lastSealHash(): string {
    return this.#lastSealHash;
  }

  /**
   * Starts the bundle loop and the expiry timer. Expiry has a timer of its own: production stops
   * when only gap transactions wait, and those must still expire within the TTL.
   */
  start(): void {
    if (this.#timer !== null) return;
    const tick = Math.max(5, Math.min(50, Math.floor(this.limits.bundleIntervalMs / 4)));
    this.#timer = setInterval(() => this.#maybeProduce(), tick);
    this.#timer.unref();
    const expiryTick = Math.max(50, Math.min(1000, Math.floor(this.limits.mempoolTtlMs / 10)));
    this.#expiryTimer = setInterval(() => {
      if (this.#halt === null) this.expireStale(Number(this.#opts.clock.nowMs()));
    }, expiryTick);
    this.#expiryTimer.unref();
  }

  /** Stops the loop and waits for a bundle being produced to be committed (or abandoned). */
  async stop(): Promise<void> {
    if (this.#timer !== null) clearInterval(this.#timer);
    if (this.#expiryTimer !== null) clearInterval(this.#expiryTimer);
    this.#timer = null;
    this.#expiryTimer = null;
    this.#ack.flush();
    await this.#producingRun;
  }

  /**
   * Admits a transaction. Resolves once it is durably stored (then it ends committed or rejected
   * with a recorded reason, whatever happens to the process). Duplicates get the same answer.
   * @throws {TxMalformedError} {TxRefusedError} {MempoolFullError} {NodeHaltedError}
   */
  async submit(wire: unknown): Promise<SubmitResult> {
    const tx = parseTx(wire);
    const known = this.txStatus(tx.hash);
    // An expired or evicted transaction may be sent again (its nonce may be fillable now); any other known
    // transaction gets the same answer as before.
    if (known !== null && !(known.status === 'rejected' && isResendable(known.code))) {
      return { txHash: tx.hash, status: known.status, duplicate: true };
    }
    const flying = this.#inflight.get(tx.hash);
    if (flying !== undefined) return flying.then((r) => ({ ...r, duplicate: true }));
    const promise = this.#admit(tx);
    this.#inflight.set(tx.hash, promise);
    try {
      return await promise;
    } finally {
      this.#inflight.delete(tx.hash);
    }
  }

  async #admit(tx: SignedTx): Promise<SubmitResult> {
    await this.#roomForMore();
    if (this.#halt !== null)
      throw new NodeHaltedError({ cir: this.#halt.cir, reason: this.#halt.reason });
    const plan = planAdmission(
      {
        state: this.#state,
        mempool: this.#mempool,
        reserved: this.#reserved,
        evictionsClaimed: this.#evictionsClaimed,
        limits: this.limits,
      },
      tx,
    );
    this.#reserved.add(tx.from, tx.nonce);
    if (plan.evicts) this.#evictionsClaimed += 1;
    try {
      // Decoded once: the verification item is copied to its worker, the same bytes are stored.
      const signature = txSignatureBytes(tx);
      const valid = await this.#verifier.add({
        publicKey: publicKeyFromHex(plan.publicKey),
        message: txSigningBytes(tx),
        signature,
        context: SignatureContext.TX,
      });
      if (!valid)
        throw new TxRefusedError(
          'TX_BAD_SIGNATURE',
          'the signature does not verify with the sender key',
          { txHash: tx.hash, from: tx.from },
        );
      if (plan.evicts) this.#evictOne();
      const entry: MempoolEntry = {
        tx,
        seq: ++this.#seq,
        receivedMs: Number(this.#opts.clock.nowMs()),
      };
      await this.#ack.add(ackRow(entry, signature)); // an expired row becomes pending again
      this.#mempool.add(entry);
      this.#preverified.add(tx.hash);
      if (this.#firstWaitingMs === null) this.#firstWaitingMs = entry.receivedMs;
      if (this.#mempool.size >= this.limits.bundleSizeMax) setImmediate(() => this.#maybeProduce());
      return { txHash: tx.hash, status: 'pending', duplicate: false };
    } finally {
      this.#reserved.delete(tx.from, tx.nonce);
      if (plan.evicts) this.#evictionsClaimed -= 1;
    }
  }

  /**
   * Gives up one gap transaction for a bundleable one (the pool is full): it is rejected with a
   * recorded reason, durably, before the newcomer is acknowledged. Nothing happens when the gap was
   * filled or expired meanwhile; the pool then holds one transaction more than its capacity until
   * the next bundle.
   */
  #evictOne(): void {
    if (this.#mempool.size + this.#reserved.size <= this.limits.mempoolCapacity) return;
    const victim = this.#mempool.evictionCandidate(
      (sender) => nextNonceOf(this.#state, sender),
      (sender, nonce) => this.#reserved.has(sender, nonce),
    );
    if (victim === undefined) return;
    this.#reject(
      [victim],
      'TX_EVICTED',
      'evicted from a full mempool for a bundleable transaction (nonce gap)',
    );
  }

  /**
   * Backpressure: while two bundles' worth of transactions wait, a new submission waits for bundles
   * to be committed first. Admission and production share the event loop, and with cheap
   * verification admission outran production: the mempool grew by thousands of transactions per
   * second, and with it the time from acknowledgement to commit (4–6 s at the median in one-worker
   * benchmark runs). A production that commits nothing (only nonce gaps wait) ends the wait, so
   * transactions that cannot be bundled yet never block the ones that fill their gaps.
   */
  async #roomForMore(): Promise<void> {
    while (this.#mempool.size >= 2 * this.limits.bundleSizeMax && this.#halt === null) {
      this.#maybeProduce();
      const run = this.#producingRun;
      if (run === null || (await run.catch(() => null)) === null) return;
    }
  }

  #persistAcks(rows: readonly AckRow[]): void[] {
    this.store.insertMempool(rows);
    return rows.map(() => undefined);
  }

  async #reloadMempool(): Promise<void> {
    const rows = this.store.loadMempool();
    if (rows.length === 0) return;
    const txs = rows.map((r) => parseTx(JSON.parse(r.wire)));
    const items: VerifyItem[] = [];
    const keep: number[] = [];
    txs.forEach((tx, i) => {
      const signer = signerKeyOf(this.#state.keys, tx);
      if (!signer.ok) return; // bundled later, fails there with a recorded receipt
      items.push({
        publicKey: publicKeyFromHex(signer.publicKey),
        message: txSigningBytes(tx),
        signature: txSignatureBytes(tx),
        context: SignatureContext.TX,
      });
      keep.push(i);
    });
    const verdicts = await verifyAll(items, this.#opts.pool);
    keep.forEach((i, k) => {
      if (verdicts[k] === true) this.#preverified.add((txs[i] as SignedTx).hash);
    });
    rows.forEach((r, i) =>
      this.#mempool.add({
        tx: txs[i] as SignedTx,
        seq: r.seq,
        receivedMs: r.receivedMs,
      }),
    );
    this.#firstWaitingMs = rows[0]?.receivedMs ?? null;
    this.#opts.log.info({ pending: rows.length }, 'mempool reloaded');
  }

  #maybeProduce(): void {
    if (this.#producing || this.#halt !== null || this.#mempool.size === 0) return;
    const now = Number(this.#opts.clock.nowMs());
    const due =
      this.#firstWaitingMs !== null && now - this.#firstWaitingMs >= this.limits.bundleIntervalMs;
    if (!due && this.#mempool.size < this.limits.bundleSizeMax) return;
    void this.produceBundle().then(() => this.expireStale(now));
  }

  /**
   * Produces, seals and commits one bundle from the mempool now. Returns null when there is
   * nothing to bundle or the sequencer is halted (or halts while producing).
   */
  async produceBundle(): Promise<BundleResult | null> {
    if (this.#halt !== null || this.#producing) return null;
    this.#producing = true;
    const run = this.#produce().finally(() => {
      this.#producing = false;
      this.#producingRun = null;
    });
    this.#producingRun = run;
    return run;
  }

  async #produce(): Promise<BundleResult | null> {
    const state = this.#state;
    const entries = this.#mempool.select(this.limits.bundleSizeMax, (sender) =>
      nextNonceOf(state, sender),
    );
    if (entries.length === 0) {
      this.#firstWaitingMs = null;
      return null;
    }
    if (!keyLedgerView(state.keys).hasCapability(this.key.address, 'sequencer')) {
      this.halt(302, 'the sequencer key does not hold the sequencer capability', {
        key: this.key.address,
      });
      return null;
    }
    const running = () => this.#halt === null;
    const stamp = await stampPacket(
      this.#opts.entropy,
      this.#opts.clock,
      state,
      this.#lastSealHash,
      running,
    );
    if (stamp === null) return null;
    const txs = entries.map((e) => e.tx);
    const packet = await signPacket(state, txs, stamp, this.#signer);
    if (!running()) return null; // halted while signing: produce nothing
    const executing = performance.now();
    const result = this.#execute(state, packet, txs);
    if (result === null) return null;
    const executeMs = performance.now() - executing;
    return (await this.#commit(result, entries, executeMs)) ? result : null;
  }

  /** Runs the engine; a halt or a coded failure of the bundle halts the sequencer (null). */
  #execute(state: EngineState, packet: DrvPacket, txs: readonly SignedTx[]): BundleResult | null {
    try {
      return executeBundle(state, { packet, txs }, { preverified: this.#preverified });
    } catch (err) {
      if (isHalt(err)) this.halt(err.cir, err.reason, err.evidence);
      else if (isCodedError(err))
        this.halt(302, `bundle failed: ${err.code}`, { code: err.code, message: err.message });
      else throw err;
      return null;
    }
  }

  /** Seals and durably commits an executed bundle, then moves the state and announces it. */
  async #commit(
    result: BundleResult,
    entries: readonly MempoolEntry[],
    executeMs: number,
  ): Promise<boolean> {
    const sealing = performance.now();
    const { entry, seal } = await sealBundle(this.#coherenceHead, result, this.#signer);
    const sealMs = performance.now() - sealing;
    if (this.#halt !== null) return false; // halted while sealing: nothing is committed
    const keyEntries = appendSealed(this.#keyEntries, result.keyEntries);
    const keySeal = sealKeyLedger(result, keyEntries, this.key);
    if (keySeal.lostCapability)
      this.#opts.log.warn(
        { height: result.height.toString() },
        'the sequencer key lost its capability in this bundle; KeyLedger left unsealed',
      );
    const committing = performance.now();
    const packet = result.state.lastPacket as DrvPacket;
    const txHashes = entries.map((e) => e.tx.hash);
    this.store.commitBundle(bundleCommitOf(result, packet, txHashes, entry, seal, keySeal.seal));
    const commitMs = performance.now() - committing;
    // Durable: only now does the in-memory state move and the bundle get announced.
    this.#state = result.state;
    this.#coherenceHead = entry;
    this.#lastSealHash = coherenceSealHash(seal);
    this.#keyEntries = keyEntries;
    for (const e of entries) {
      this.#mempool.remove(e.tx.hash);
      this.#preverified.delete(e.tx.hash);
    }
    this.#firstWaitingMs = this.#mempool.size === 0 ? null : Number(this.#opts.clock.nowMs());
    this.#opts.log.info(
      { height: Number(result.height), txs: entries.length, stateRoot: result.stateRoot },
      'bundle committed',
    );
    this.emit('bundle', result);
    const timing: BundleTiming = {
      height: Number(result.height),
      txs: entries.length,
      executeMs,
      sealMs,
      commitMs,
    };
    this.emit('timing', timing);
    return true;
  }

  /**
   * Rejects, with a recorded reason, pending transactions that have waited past the TTL behind a
   * nonce gap. Runs on its own timer (see `start`), so a pool full of gap transactions drains
   * within the TTL even when no bundle is produced.
   */
  expireStale(now: number): void {
    const stale = this.#mempool.stale(now - this.limits.mempoolTtlMs, (sender) =>
      nextNonceOf(this.#state, sender),
    );
    if (stale.length === 0) return;
    this.#reject(
      stale,
      'TX_EXPIRED',
      `not bundleable within ${this.limits.mempoolTtlMs} ms (nonce gap)`,
      now,
    );
  }

  /** Durably rejects acknowledged transactions, drops them from the pool and announces it. */
  #reject(
    entries: readonly MempoolEntry[],
    code: 'TX_EXPIRED' | 'TX_EVICTED',
    reason: string,
    atMs: number = Number(this.#opts.clock.nowMs()),
  ): void {
    this.store.rejectMempool(entries.map((e) => ({ txHash: e.tx.hash, code, reason, atMs })));
    for (const e of entries) {
      this.#mempool.remove(e.tx.hash);
      this.#preverified.delete(e.tx.hash);
    }
    this.emit(
      'rejected',
      entries.map((e) => ({ txHash: e.tx.hash, code })),
    );
  }

  /** Stops production with a persisted, signed halt record (idempotent while halted). */
  halt(cir: number, reason: string, evidence: HaltEvidence): OperatorRecord {
    if (this.#halt !== null) return this.#halt;
    const record = signOperatorRecord(
      {
        kind: 'halt',
        cir,
        reason,
        evidence,
        height: this.#state.height,
        timestamp: this.#opts.clock.nowMs(),
      },
      this.key,
    );
    this.store.insertHalt('halt', toText(record), Number(this.#state.height));
    this.#halt = record;
    this.#opts.log.error({ cir, reason, evidence }, `CIR-${cir} halt`);
    this.emit('halt', record);
    return record;
  }

  /** Clears a halt with a signed, recorded resume entry (operator command). */
  resume(reason: string): OperatorRecord {
    const halt = this.#halt;
    if (halt === null) throw new Error('the sequencer is not halted');
    const record = signOperatorRecord(
      {
        kind: 'resume',
        cir: halt.cir,
        reason,
        evidence: { haltReason: halt.reason },
        height: this.#state.height,
        timestamp: this.#opts.clock.nowMs(),
      },
      this.key,
    );
    this.store.insertHalt('resume', toText(record), Number(this.#state.height));
    this.#halt = null;
    this.#opts.log.warn({ reason, cleared: halt.cir }, 'halt cleared by operator');
    return record;
  }

  /** The highest nonce of `address` committed or waiting in the mempool (0 for a new account). */
  pendingNonce(address: string): bigint {
    let nonce = nextNonceOf(this.#state, address) - 1n;
    while (this.#mempool.bySenderNonce(address, nonce + 1n) !== undefined) nonce += 1n;
    return nonce;
  }

  /** Where a transaction stands, or null if unknown. */
  txStatus(txHash: string): TxStatus | null {
    if (this.#mempool.has(txHash)) return { status: 'pending', txHash };
    const outcome = this.store.txOutcome(txHash);
    if (outcome === undefined) return null;
    if (outcome.status === 'committed') {
      return {
        status: 'committed',
        txHash,
        height: outcome.height,
        index: outcome.idx,
        receipt: parseReceipt(outcome.receipt, txHash, outcome.idx),
      };
    }
    if (outcome.status === 'rejected')
      return { status: 'rejected', txHash, code: outcome.code, reason: outcome.reason };
    return { status: 'pending', txHash };
  }
}

/** A minimal state for a quarantined node that could not load its ledger (reads only). */
function stateForHalt(store: NodeStore): EngineState {
  return loadGenesis(storedGenesis(store)).state;
}
