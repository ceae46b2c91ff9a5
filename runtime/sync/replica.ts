/**
 * A HolonetSync replica: it takes the sealed bundles of the sequencer it follows, in height order,
 * verifies every signature (transactions on the worker pool, ahead of execution; packet, key events
 * and seals in the engine and the re-execution check), re-executes each bundle with the pure engine,
 * requires the same bytes the sequencer sealed, stores the bundle in its own store (the sequencer's
 * rows, so it serves the same reads), and cosigns — at most one seal per height, recorded durably
 * first. It refuses, with a signed CIR-511 record, when its result or its clock disagrees; it keeps
 * and serves equivocation evidence and never cosigns for that sequencer key again. Issue 21.
 * @module
 */
import { EventEmitter } from 'node:events';
import { hexToBytes } from '../codec';
import { isCodedError } from '../errors';
import {
  publicKeyFromHex,
  SignatureContext,
  verify,
  type KeyPair,
  type VerifyItem,
  type VerifyPool,
} from '../crypto';
import { loadGenesis, txSignatureBytes, txSigningBytes, type SignedTx } from '../engine';
import type { HaltEvidence } from '../guard';
import {
  coherenceSealHash,
  coherenceSealSigningBytes,
  keyLedgerView,
  packetHash,
  parseKeyLedgerEntry,
  parsePacket,
  sealedEntryOf,
  validatePacket,
  type CoherenceSeal,
  type DrvPacket,
} from '../ledger';
import { bundleCommitOf, txRowOf } from '../node/bundle-commit';
import type { Clock } from '../node/clock';
import {
  parseCoherenceSeal,
  parseOperatorRecord,
  parseReceipt,
  signOperatorRecord,
  type OperatorRecord,
} from '../node/records';
import type { Logger, SubmitResult, TxStatus } from '../node/sequencer';
import { loadState, storedGenesis } from '../node/state-loader';
import { toText, type NodeStore } from '../node/store';
import { NodeReadOnlyError, SyncNotReadyError } from './errors';
import {
  attestationJson,
  dissonanceJson,
  evidenceHash,
  evidenceIssue,
  evidenceJson,
  packetEvidence,
  parseEvidence,
  parseSealJson,
  reexecuteBundle,
  sealEvidence,
  signAttestation,
  signDissonance,
  timestampDrift,
  type Attestation,
  type DissonanceReason,
  type EquivocationEvidence,
  type ReplicaTip,
  type SealedBundle,
} from './protocol';
import type { SyncStore } from './sync-store';

export type ReplicaOptions = {
  readonly store: NodeStore;
  readonly sync: SyncStore;
  readonly key: KeyPair;
  readonly clock: Clock;
  readonly log: Logger;
  /** Transaction signatures are verified here when given (else on the calling thread). */
  readonly pool?: VerifyPool;
  /** The sequencer's URL (named in the answer to a transaction sent here). */
  readonly sequencerUrl: string;
  /** CIR-511: a packet time this far ahead of the replica's clock is refused (ms). */
  readonly driftMaxMs: bigint;
  /** Peers asked before cosigning (null: none). */
  readonly crossCheck?: (
    height: number,
    sealHash: string,
  ) => Promise<readonly { seal: unknown; packet: unknown }[]>;
};

/** What happened to a bundle the replica was given. */
export type Outcome =
  | { readonly kind: 'cosigned'; readonly height: number; readonly attestation: Attestation }
  | {
      readonly kind: 'refused';
      readonly height: number;
      readonly reason: string;
      readonly details: HaltEvidence;
    }
  | { readonly kind: 'applied'; readonly height: number };

/** Bundles held in order ahead of the one being applied (their signatures verify meanwhile). */
export const REPLICA_QUEUE_MAX = 4;
const META_REFUSED_SIGNERS = 'refused_signers';

type Queued = {
  readonly bundle: SealedBundle;
  readonly receivedAtMs: bigint;
  readonly verified: Promise<Set<string>>;
};

/**
 * Events: 'bundle' (BundleResult) once a bundle is stored, 'cosigned' (Attestation), 'refused'
 * (Outcome), 'evidence' (EquivocationEvidence), 'halt' (OperatorRecord), 'room' when the queue has
 * space again.
 */
export class Replica extends EventEmitter {
  readonly store: NodeStore;
  readonly sync: SyncStore;
  readonly key: KeyPair;
  readonly #o: ReplicaOptions;
  #tip: ReplicaTip;
  #lastSealHash: string;
  #halt: OperatorRecord | null;
  #seq: number;
  #dissonantInARow = 0n;
  #refusedAt: number | null = null;
  readonly #refusedSigners: Set<string>;
  readonly #queue: Queued[] = [];
  readonly #waiting = new Map<number, ((o: Outcome) => void)[]>();
  #applying = false;
  /** Wall time (ms) with a bundle arriving, queued or being applied; when the current span began. */
  #busyMs = 0;
  #busySince: number | null = null;
  #cosigning: Promise<void> = Promise.resolve();

  private constructor(options: ReplicaOptions, tip: ReplicaTip, lastSealHash: string) {
    super();
    this.#o = options;
    this.store = options.store;
    this.sync = options.sync;
    this.key = options.key;
    this.#tip = tip;
    this.#lastSealHash = lastSealHash;
    this.#seq = options.store.maxMempoolSeq();
    const last = options.store.lastHaltRecord();
    this.#halt =
      last !== undefined && last.kind === 'halt' ? parseOperatorRecord(last.record) : null;
    this.#refusedSigners = new Set(
      JSON.parse(options.sync.getMeta(META_REFUSED_SIGNERS) ?? '[]') as string[],
    );
  }

  /**
   * Opens a replica on its store: the same start-up checks as the sequencer's (state root rebuilt,
   * recent hash chain, newest bundles' bytes, last seal, KeyLedger replay). A store that fails them
   * quarantines the replica (CIR-412, with the place in the evidence): it cosigns nothing.
   */
  static open(options: ReplicaOptions): Replica {
    const loaded = loadState(options.store);
    if (!loaded.ok) {
      const genesis = loadGenesis(storedGenesis(options.store));
      const keyEntries = options.store
        .keyEntries()
        .slice(0, 1)
        .map((r) => sealedEntryOf(parseKeyLedgerEntry(JSON.parse(r.entry), 0n)));
      const replica = new Replica(options, { state: genesis.state, head: null, keyEntries }, '');
      replica.halt(412, `store check failed: ${loaded.reason}`, loaded.evidence);
      return replica;
    }
    const { state, coherenceHead, lastSealHash, keyEntries } = loaded.loaded;
    const tip = { state, head: coherenceHead, keyEntries: keyEntries.map(sealedEntryOf) };
    return new Replica(options, tip, lastSealHash);
  }

  get state() {
    return this.#tip.state;
  }
  get coherenceHead() {
    return this.#tip.head;
  }
  get lastSealHash(): string {
    return this.#lastSealHash;
  }
  get halted(): OperatorRecord | null {
    return this.#halt;
  }
  /** A replica has no mempool. */
  get mempoolSize(): number {
    return 0;
  }
  /** The next height this replica needs. */
  get nextHeight(): number {
    return Number(this.#tip.state.height);
  }
  /** Bundles queued for re-execution. */
  get queued(): number {
    return this.#queue.length;
  }
  /** The height the replica refused and stopped at (its re-execution differs), or null. */
  get refusedAt(): number | null {
    return this.#refusedAt;
  }
  /** Seconds spent with a bundle arriving, queued or being applied (the replica's busy time). */
  get busySeconds(): number {
    const open = this.#busySince === null ? 0 : performance.now() - this.#busySince;
    return (this.#busyMs + open) / 1000;
  }
  get refusedSigners(): readonly string[] {
    return [...this.#refusedSigners].sort();
  }

  /** The committed nonce of `address` (a replica has no pending transactions). */
  pendingNonce(address: string): bigint {
    return this.#committedNonce(address);
  }

  /** Where a transaction stands in the replica's store (committed, or unknown). */
  txStatus(txHash: string): TxStatus | null {
    const outcome = this.store.txOutcome(txHash);
    if (outcome === undefined || outcome.status !== 'committed') return null;
    return {
      status: 'committed',
      txHash,
      height: outcome.height,
      index: outcome.idx,
      receipt: parseReceipt(outcome.receipt, txHash, outcome.idx),
    };
  }

  /** A replica takes no transactions. @throws {NodeReadOnlyError} */
  submit(_wire: unknown): Promise<SubmitResult> {
    return Promise.reject(new NodeReadOnlyError({ sequencer: this.#o.sequencerUrl }));
  }

  /** True while the queue has room for another bundle. */
  hasRoom(): boolean {
    return this.#queue.length < REPLICA_QUEUE_MAX;
  }

  /**
   * Takes a sealed bundle. Below the replica's height it is compared with the stored one (a
   * different, validly signed seal is equivocation); at the next height it is queued and its
   * signatures start verifying; above it, it cannot be judged yet.
   * @returns the outcome once the bundle has been judged
   */
  offer(bundle: SealedBundle, arrivedAtMs: number = performance.now()): Promise<Outcome> {
    const height = Number(bundle.height);
    if (height < this.nextHeight) return Promise.resolve(this.#known(bundle));
    const expected = this.nextHeight + this.#queue.length;
    if (height !== expected) {
      if (height < expected) return this.#outcomeOf(height); // queued already
      return Promise.reject(new SyncNotReadyError({ height, replicaHeight: expected }));
    }
    const previous =
      this.#queue[this.#queue.length - 1]?.bundle.packet ?? this.#tip.state.lastPacket;
    try {
      // One signature, before the pool spends a bundle's worth on transactions of a forged packet.
      validatePacket(bundle.packet, previous, keyLedgerView(this.#tip.state.keys), {
        chainId: this.#tip.state.chainId,
      });
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      return Promise.resolve(refused(height, `the packet does not verify: ${reason}`, {}));
    }
    this.#queue.push({
      bundle,
      receivedAtMs: this.#o.clock.nowMs(),
      verified: this.#verify(bundle),
    });
    const outcome = this.#outcomeOf(height);
    this.#busySince ??= arrivedAtMs;
    void this.#drain();
    return outcome;
  }

  /** Takes evidence found elsewhere (a peer): checked, stored, and the key is no longer cosigned for. */
  acceptEvidence(json: unknown): boolean {
    let evidence: EquivocationEvidence;
    try {
      evidence = parseEvidence(json);
    } catch {
      return false;
    }
    const known = keyLedgerView(this.#tip.state.keys).getKey(evidence.signer);
    if (
      known === undefined ||
      known.publicKey !== evidence.publicKey ||
      evidenceIssue(evidence) !== null
    )
      return false;
    return this.#recordEvidence(evidence);
  }

  /** Stops cosigning with a signed, persisted halt record (CIR-302 escalation, CIR-412 store). */
  halt(cir: number, reason: string, evidence: HaltEvidence): OperatorRecord {
    if (this.#halt !== null) return this.#halt;
    const record = signOperatorRecord(
      {
        kind: 'halt',
        cir,
        reason,
        evidence,
        height: this.#tip.state.height,
        timestamp: this.#o.clock.nowMs(),
      },
      this.key,
    );
    this.store.insertHalt('halt', toText(record), Number(this.#tip.state.height));
    this.#halt = record;
    this.#o.log.error({ cir, reason, evidence }, `replica CIR-${cir} halt`);
    this.emit('halt', record);
    for (const q of this.#queue.splice(0))
      this.#settle(Number(q.bundle.height), this.#haltedOutcome(Number(q.bundle.height)));
    return record;
  }

  /** Waits for the bundles being applied and cosigned. */
  async idle(): Promise<void> {
    while (this.#applying || this.#queue.length > 0) await new Promise((r) => setTimeout(r, 10));
    await this.#cosigning;
  }

  #committedNonce(address: string): bigint {
    const view = this.store.account(address);
    return view === undefined ? 0n : BigInt((JSON.parse(view) as { nonce: string }).nonce);
  }

  #outcomeOf(height: number): Promise<Outcome> {
    return new Promise((resolve) =>
      this.#waiting.set(height, [...(this.#waiting.get(height) ?? []), resolve]),
    );
  }

  #settle(height: number, outcome: Outcome): void {
    const list = this.#waiting.get(height) ?? [];
    this.#waiting.delete(height);
    for (const resolve of list) resolve(outcome);
    if (outcome.kind === 'refused') this.emit('refused', outcome);
  }

  /** Verifies a bundle's transaction signatures (pool), keyed by the address-bound public key. */
  #verify(bundle: SealedBundle): Promise<Set<string>> {
    const view = keyLedgerView(this.#tip.state.keys);
    const items: VerifyItem[] = [];
    const hashes: string[] = [];
    for (const tx of bundle.txs) {
      const key = publicKeyOfSender(view, tx);
      if (key === null) continue; // a key this replica does not know yet: the engine verifies it
      items.push({
        publicKey: key,
        message: txSigningBytes(tx),
        signature: txSignatureBytes(tx),
        context: SignatureContext.TX,
      });
      hashes.push(tx.hash);
    }
    const pool = this.#o.pool;
    const verdicts =
      pool === undefined
        ? Promise.resolve(items.map((i) => verify(i.publicKey, i.message, i.signature, i.context)))
        : pool.verifyBatch(items);
    return verdicts.then((v) => new Set(hashes.filter((_, i) => v[i] === true)));
  }

  async #drain(): Promise<void> {
    if (this.#applying) return;
    this.#applying = true;
    try {
      for (let next = this.#queue[0]; next !== undefined; next = this.#queue[0]) {
        const preverified = await next.verified;
        this.#queue.shift();
        this.emit('room');
        const height = Number(next.bundle.height);
        if (this.#halt !== null) this.#settle(height, this.#haltedOutcome(height));
        else this.#apply(next, preverified);
      }
    } finally {
      this.#applying = false;
      if (this.#busySince !== null) this.#busyMs += performance.now() - this.#busySince;
      this.#busySince = null;
    }
  }

  #apply(q: Queued, preverified: ReadonlySet<string>): void {
    const { bundle } = q;
    const height = Number(bundle.height);
    if (this.#refusedSigners.has(bundle.packet.signer.toLowerCase())) {
      this.#settle(
        height,
        refused(height, 'the sequencer key equivocated', { signer: bundle.packet.signer }),
      );
      return;
    }
    const outcome = reexecuteBundle(this.#tip, bundle, preverified);
    if (!outcome.ok) {
      const d = outcome.disagreement;
      this.#refusedAt = height;
      this.#queue.splice(0); // nothing after a height this replica cannot agree with
      this.#settle(height, this.#dissent('reexecution', bundle, d.field, d.sequencer, d.replica));
      return;
    }
    const { result, entry, sealHash, keyEntries } = outcome.value;
    const rows = bundle.txs.map((tx) =>
      txRowOf(tx, txSignatureBytes(tx), ++this.#seq, Number(q.receivedAtMs)),
    );
    try {
      this.store.commitBundleWithTxs(
        rows,
        bundleCommitOf(
          result,
          bundle.packet,
          bundle.txs.map((t) => t.hash),
          entry,
          bundle.seal,
          bundle.keySeal,
        ),
      );
    } catch (err) {
      // A bundle that cannot be stored (a transaction committed before, repeated) is one its
      // sequencer could not have stored either: nothing is kept, nothing cosigned.
      if (!isCodedError(err) && !(err instanceof Error && err.name === 'SqliteError')) throw err;
      this.#refusedAt = height;
      this.#queue.splice(0);
      this.#settle(height, refused(height, `cannot store the bundle: ${err.message}`, {}));
      return;
    }
    this.#tip = { state: result.state, head: entry, keyEntries };
    this.#lastSealHash = sealHash;
    this.#refusedAt = null;
    this.emit('bundle', result);
    const drift = timestampDrift(bundle.packet.ttsTimestamp, q.receivedAtMs, this.#o.driftMaxMs);
    if (drift !== null && drift.direction === 'ahead') {
      this.#settle(
        height,
        this.#dissent(
          'timestamp',
          bundle,
          'ttsTimestamp',
          bundle.packet.ttsTimestamp.toString(),
          `${q.receivedAtMs} (replica clock; ${drift.driftMs} ms behind, bound ${drift.boundMs})`,
        ),
      );
      return;
    }
    const cosigning = this.#cosigning.then(() => this.#cosign(bundle, sealHash, entry.entryHash));
    this.#cosigning = cosigning.catch(() => undefined);
  }

  /** Asks the peers, records the cosignature durably, then signs and announces it. */
  async #cosign(bundle: SealedBundle, sealHash: string, entryHash: string): Promise<void> {
    const height = Number(bundle.height);
    const differing = (await this.#o.crossCheck?.(height, sealHash)) ?? [];
    for (const other of differing)
      this.#judgeOtherSeal(bundle.seal, bundle.packet, other.seal, other.packet);
    if (this.#halt !== null) return this.#settle(height, this.#haltedOutcome(height));
    if (this.#refusedSigners.has(bundle.seal.signer.toLowerCase()))
      return this.#settle(
        height,
        refused(height, 'the sequencer key equivocated', { signer: bundle.seal.signer }),
      );
    const attestation = signAttestation(
      {
        chainId: bundle.seal.chainId,
        height: bundle.height,
        sealHash,
        entryHash,
        replicaTimeMs: this.#o.clock.nowMs(),
      },
      this.key,
    );
    if (!this.sync.recordCosigned(height, sealHash, JSON.stringify(attestationJson(attestation))))
      return this.#settle(
        height,
        refused(height, 'another seal was cosigned at this height', { sealHash }),
      );
    this.#dissonantInARow = 0n;
    this.emit('cosigned', attestation);
    this.#settle(height, { kind: 'cosigned', height, attestation });
  }

  /** A height below the replica's: the same seal, or equivocation when a different one verifies. */
  #known(bundle: SealedBundle): Outcome {
    const height = Number(bundle.height);
    const row = this.store.coherence(height);
    const stored = this.store.bundle(height);
    if (row === undefined || stored === undefined) return refused(height, 'height not stored', {});
    if (coherenceSealHash(bundle.seal) === row.sealHash) {
      const cosigned = this.sync.cosigned(height);
      if (cosigned === undefined) return { kind: 'applied', height };
      return { kind: 'cosigned', height, attestation: parseAttestationText(cosigned.attestation) };
    }
    const found = this.#judgeOtherSeal(
      parseCoherenceSeal(row.seal),
      parsePacket(JSON.parse(stored.packet)),
      bundle.seal,
      bundle.packet,
    );
    return refused(
      height,
      found ? 'equivocation: a second seal for this height' : 'a seal that does not verify',
      {
        sealHash: coherenceSealHash(bundle.seal),
      },
    );
  }

  /**
   * Compares another seal (and packet) for the height of `ours`: when it is signed by the same key
   * and verifies, the pair is evidence. Returns true when evidence was found.
   */
  #judgeOtherSeal(
    ours: CoherenceSeal,
    ourPacket: DrvPacket,
    otherSealJson: unknown,
    otherPacketJson: unknown,
  ): boolean {
    let other: CoherenceSeal;
    try {
      other = isSeal(otherSealJson) ? otherSealJson : parseSealJson(otherSealJson);
    } catch {
      return false;
    }
    const signer = keyLedgerView(this.#tip.state.keys).getKey(ours.signer);
    if (signer === undefined || other.signer !== ours.signer || other.height !== ours.height)
      return false;
    if (coherenceSealHash(other) === coherenceSealHash(ours)) return false;
    const valid = verify(
      hexToBytes(signer.publicKey),
      coherenceSealSigningBytes(other),
      hexToBytes(other.signature),
      SignatureContext.COHERENCE_SEAL,
    );
    if (!valid) return false;
    let found = this.#recordEvidence(sealEvidence(ours, other, signer.publicKey));
    const otherPacket = packetOf(otherPacketJson);
    if (
      otherPacket !== null &&
      otherPacket.signer === ourPacket.signer &&
      packetHash(otherPacket) !== packetHash(ourPacket)
    ) {
      const evidence = packetEvidence(ourPacket, otherPacket, signer.publicKey);
      if (evidenceIssue(evidence) === null) found = this.#recordEvidence(evidence) || found;
    }
    return found || this.#refusedSigners.has(ours.signer.toLowerCase());
  }

  #recordEvidence(evidence: EquivocationEvidence): boolean {
    const hash = evidenceHash(evidence);
    const fresh = this.sync.insertEvidence({
      evidenceHash: hash,
      height: Number(evidence.height),
      kind: evidence.kind,
      signer: evidence.signer,
      evidence: JSON.stringify(evidenceJson(evidence)),
      foundMs: Number(this.#o.clock.nowMs()),
    });
    const key = evidence.signer.toLowerCase();
    if (!this.#refusedSigners.has(key)) {
      this.#refusedSigners.add(key);
      this.sync.setMeta(META_REFUSED_SIGNERS, JSON.stringify([...this.#refusedSigners].sort()));
    }
    if (fresh) {
      this.#o.log.error(
        { height: evidence.height.toString(), signer: evidence.signer, evidenceHash: hash },
        'equivocation: two signed objects for one height',
      );
      this.emit('evidence', evidence);
    }
    return true;
  }

  /** Refuses with a signed CIR-511 record; `dissonanceEscalationCount` in a row halt the replica. */
  #dissent(
    reason: DissonanceReason,
    bundle: SealedBundle,
    field: string,
    sequencer: string,
    mine: string,
  ): Outcome {
    const height = Number(bundle.height);
    const record = signDissonance(
      {
        reason,
        chainId: bundle.seal.chainId,
        height: bundle.height,
        sealHash: coherenceSealHash(bundle.seal),
        field,
        sequencer,
        replicaValue: mine,
        replicaTimeMs: this.#o.clock.nowMs(),
      },
      this.key,
    );
    const json = dissonanceJson(record);
    const fresh = this.sync.insertDissonance(
      height,
      reason,
      this.key.address,
      JSON.stringify(json),
      Number(record.replicaTimeMs),
    );
    if (fresh) {
      this.#dissonantInARow += 1n;
      this.#o.log.warn(
        { height, reason, field, sequencer, replica: mine },
        'CIR-511: refused to cosign',
      );
      this.emit('dissonance', record);
    }
    const outcome = refused(height, `CIR-511 ${reason}: ${field}`, {
      field,
      sequencer: record.sequencer,
      replica: record.replicaValue,
    });
    if (this.#dissonantInARow >= this.#tip.state.params.dissonanceEscalationCount)
      this.halt(302, 'CIR-511 dissonance escalated', {
        height: String(height),
        reason,
        inARow: this.#dissonantInARow.toString(),
      });
    return outcome;
  }

  #haltedOutcome(height: number): Outcome {
    const halt = this.#halt;
    return refused(height, `replica halted (CIR-${halt?.cir ?? 0})`, {
      ...(halt?.evidence ?? {}),
      haltReason: halt?.reason ?? '',
    });
  }
}

function refused(height: number, reason: string, details: HaltEvidence): Outcome {
  return { kind: 'refused', height, reason, details };
}

/** The public key bound to a transaction's sender address, or null when unknown here. */
function publicKeyOfSender(
  view: ReturnType<typeof keyLedgerView>,
  tx: SignedTx,
): Uint8Array | null {
  const hex =
    tx.body.type === 'key' && tx.body.event.type === 'register'
      ? tx.body.event.data.publicKey
      : view.getKey(tx.from)?.publicKey;
  if (hex === undefined) return null;
  try {
    return publicKeyFromHex(hex);
  } catch {
    return null;
  }
}

function isSeal(value: unknown): value is CoherenceSeal {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { height?: unknown }).height === 'bigint'
  );
}

function packetOf(json: unknown): DrvPacket | null {
  if (json === null || json === undefined) return null;
  try {
    return typeof (json as { sequence?: unknown }).sequence === 'bigint'
      ? (json as DrvPacket)
      : parsePacket(json);
  } catch {
    return null;
  }
}

function parseAttestationText(text: string): Attestation {
  const j = JSON.parse(text) as Record<string, string>;
  return Object.freeze({
    chainId: String(j.chainId),
    height: BigInt(String(j.height)),
    sealHash: String(j.sealHash),
    entryHash: String(j.entryHash),
    replicaTimeMs: BigInt(String(j.replicaTimeMs)),
    replica: String(j.replica),
    signature: String(j.signature),
  });
}
