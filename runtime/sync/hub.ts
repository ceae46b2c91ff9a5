/**
 * The sequencer's side of HolonetSync: after each commit it pushes the sealed bundle to every
 * replica on the stream (`propagateFinality`); it takes the replicas' attestations, checks each
 * against the KeyLedger membership of its height, and stores a quorum certificate once k distinct
 * active replicas cosigned the sealed result (`awaitGlobalConfirmation`); it reconciles its clock
 * with the replicas' (`reconcileTimestamps`) and records CIR-511 when its packets' time drifts
 * beyond the bound from the median, escalating to CIR-302 as CIR-511 does. docs/sync.md.
 * @module
 */
import { EventEmitter } from 'node:events';
import { hexToBytes } from '../codec';
import type { BundleResult } from '../engine';
import { isCodedError } from '../errors';
import type { Clock } from '../node/clock';
import { parseCoherenceSeal } from '../node/records';
import type { Logger, Sequencer } from '../node/sequencer';
import {
  attestationIssue,
  attestationJson,
  buildCertificate,
  certificateHash,
  certificateJson,
  dissonanceIssue,
  dissonanceJson,
  memberOf,
  parseAttestation,
  parseDissonance,
  reconcileTimestamps,
  timestampDrift,
  type Attestation,
  type ClockSample,
  type QuorumCertificate,
} from './protocol';
import { SyncAttestationInvalidError } from './errors';
import { MembershipBook } from './stored-sync';
import { StreamServer, type StreamLimits } from './stream-server';
import type { SyncStore } from './sync-store';

export type HubOptions = {
  readonly sequencer: Sequencer;
  readonly sync: SyncStore;
  readonly clock: Clock;
  readonly log: Logger;
  /** CIR-511: the packet time may be this far from the reconciled median (ms). */
  readonly driftMaxMs: bigint;
  /** A replica's clock sample older than this is not used (ms). */
  readonly sampleMaxAgeMs?: number;
  readonly stream?: Partial<StreamLimits>;
};

/** What one report from a replica did: attestations and records accepted, and why others were not. */
export type ReportResult = {
  readonly accepted: number;
  readonly confirmed: readonly number[];
  readonly rejected: readonly { index: number; code: string; reason: string }[];
};

/** Attestations (or records) one report may carry. */
export const REPORT_ITEMS_MAX = 256;
/** Heights whose commit time is kept (lag in seconds, confirmation latency). */
const COMMIT_TIMES_MAX = 4096;

type ReplicaSeen = { attestedHeight: number; sample: ClockSample; seenAtMs: number };

/**
 * Events: 'confirmed' (QuorumCertificate) when a height gets its certificate; 'dissonance'
 * ({height, medianMs, driftMs}) when the packet time drifted from the replicas' median.
 */
export class SyncHub extends EventEmitter {
  readonly stream: StreamServer;
  readonly #o: HubOptions;
  readonly #book: MembershipBook;
  readonly #committedAt = new Map<number, number>();
  readonly #replicas = new Map<string, ReplicaSeen>();
  readonly #waiters = new Map<string, ((ok: boolean) => void)[]>();
  #clockConsecutive = 0n;
  #lastMedianMs: bigint | null = null;
  readonly #onBundle = (result: BundleResult) => this.#committed(result);

  constructor(options: HubOptions) {
    super();
    this.#o = options;
    this.#book = new MembershipBook(options.sequencer.store);
    this.stream = new StreamServer(options.sequencer.store, () => this.#now(), options.stream);
    for (const a of options.sync.latestAttestations()) {
      const parsed = parseAttestation(JSON.parse(a.attestation));
      this.#replicas.set(a.replica.toLowerCase(), {
        attestedHeight: a.height,
        sample: { replicaTimeMs: parsed.replicaTimeMs, receivedAtMs: BigInt(a.receivedMs) },
        seenAtMs: a.receivedMs,
      });
    }
  }

  /** Follows the sequencer's commits. */
  start(): void {
    this.#o.sequencer.on('bundle', this.#onBundle);
    this.stream.start();
  }

  stop(): void {
    this.#o.sequencer.off('bundle', this.#onBundle);
    this.stream.stop();
    for (const [, resolvers] of this.#waiters) for (const r of resolvers) r(false);
    this.#waiters.clear();
  }

  /**
   * Pushes the sealed bundle at `height` to every replica on the stream (the seed's
   * `propagate_finality`). Returns true when at least one replica stream will carry it.
   */
  propagateFinality(height: number): boolean {
    return this.stream.committed(height) > 0;
  }

  /**
   * The network time at `currentTts` (the seed's `reconcile_timestamps`): the median of the
   * sequencer's clock and the replicas' clocks from their latest attestations (fresh ones only).
   */
  reconcileTimestamps(currentTts: bigint): bigint {
    return reconcileTimestamps(currentTts, this.#freshSamples());
  }

  /**
   * Resolves true once the bundle with `bundleHash` has a quorum certificate (the seed's
   * `await_global_confirmation`), false after `timeoutMs` or when the hub stops.
   */
  awaitGlobalConfirmation(bundleHash: string, timeoutMs = 60_000): Promise<boolean> {
    if (this.#o.sync.certificateByBundle(bundleHash) !== undefined) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => done(false), timeoutMs);
      timer.unref();
      const done = (ok: boolean) => {
        clearTimeout(timer);
        const list = this.#waiters.get(bundleHash) ?? [];
        this.#waiters.set(
          bundleHash,
          list.filter((r) => r !== done),
        );
        if (this.#waiters.get(bundleHash)?.length === 0) this.#waiters.delete(bundleHash);
        resolve(ok);
      };
      this.#waiters.set(bundleHash, [...(this.#waiters.get(bundleHash) ?? []), done]);
    });
  }

  /** The certificate hash of `height` once confirmed, else null (`confirmed` in GET /v1/tx). */
  confirmation(height: number): string | null {
    return this.#o.sync.certificate(height)?.certificateHash ?? null;
  }

  /**
   * Takes a replica's report: attestations (and signed refusals). Each is checked on its own; a
   * bad one is listed in `rejected` and does not affect the others.
   */
  receiveReport(body: { attestations?: unknown[]; refusals?: unknown[] }): ReportResult {
    const rejected: { index: number; code: string; reason: string }[] = [];
    const touched = new Set<number>();
    let accepted = 0;
    (body.attestations ?? []).forEach((json, index) => {
      try {
        touched.add(this.#acceptAttestation(parseAttestation(json)));
        accepted += 1;
      } catch (err) {
        if (!isCodedError(err)) throw err;
        rejected.push({ index, code: err.code, reason: err.message });
      }
    });
    (body.refusals ?? []).forEach((json, index) => {
      try {
        this.#acceptRefusal(json);
        accepted += 1;
      } catch (err) {
        if (!isCodedError(err)) throw err;
        rejected.push({
          index: index + (body.attestations?.length ?? 0),
          code: err.code,
          reason: err.message,
        });
      }
    });
    const confirmed = [...touched].sort((a, b) => a - b).filter((h) => this.#certify(h));
    return { accepted, confirmed, rejected };
  }

  /** Replicas, their last attested height and lag, the quorum, the confirmed height. */
  status(): Record<string, unknown> {
    const head = this.#o.sequencer.store.headHeight();
    const membership = head >= 0 ? this.#book.at(head) : null;
    const now = this.#now();
    return {
      role: 'sequencer',
      confirmedHeight: this.#o.sync.confirmedHeight(),
      quorum: membership?.quorum === null || membership === null ? null : Number(membership.quorum),
      members: membership?.replicas.length ?? 0,
      streams: this.stream.subscribers,
      clock: {
        medianMs: this.#lastMedianMs?.toString() ?? null,
        dissonantInARow: Number(this.#clockConsecutive),
      },
      replicas: (membership?.replicas ?? []).map((m) => {
        const seen = this.#replicas.get(m.address.toLowerCase());
        const attested = seen?.attestedHeight ?? -1;
        return {
          address: m.address,
          attestedHeight: attested,
          lagHeights: head - attested,
          lagSeconds: this.#lagSeconds(attested, head, now),
          lastSeenMs: seen?.seenAtMs ?? null,
          clockOffsetMs:
            seen === undefined
              ? null
              : Number(seen.sample.replicaTimeMs - seen.sample.receivedAtMs),
        };
      }),
    };
  }

  /** The certificate of `height` as stored, or undefined. */
  certificate(height: number): QuorumCertificate | undefined {
    const row = this.#o.sync.certificate(height);
    return row === undefined ? undefined : (JSON.parse(row.certificate) as QuorumCertificate);
  }

  #now(): number {
    return Number(this.#o.clock.nowMs());
  }

  #committed(result: BundleResult): void {
    const height = Number(result.height);
    if (this.#committedAt.size >= COMMIT_TIMES_MAX) this.#committedAt.clear();
    this.#committedAt.set(height, this.#now());
    this.#book.note(result.state.keys);
    this.#judgeClock(height, result.state.lastPacket?.ttsTimestamp ?? 0n);
    this.propagateFinality(height);
    this.#certify(height); // attestations may have arrived before the event (a replica is quick)
  }

  #acceptAttestation(a: Attestation): number {
    const height = Number(a.height);
    const seq = this.#o.sequencer;
    const invalid = (reason: string) =>
      new SyncAttestationInvalidError(reason, { height: a.height, replica: a.replica });
    if (a.chainId !== seq.state.chainId) throw invalid(`chain ${a.chainId}`);
    const row = seq.store.coherence(height);
    if (row === undefined) throw invalid('no bundle at that height');
    const membership = this.#book.at(height);
    const member = membership === null ? undefined : memberOf(membership, a.replica);
    if (member === undefined) throw invalid('not an active replica at that height');
    if (a.sealHash !== row.sealHash || a.entryHash !== row.entryHash) {
      // A valid signature over another seal of ours means another seal with our key exists.
      this.#o.log.error(
        { height, replica: a.replica, sealHash: a.sealHash },
        'attestation for another seal',
      );
      throw invalid('attests a different seal');
    }
    const known = this.#o.sync
      .attestations(height)
      .some((r) => r.replica === a.replica && r.sealHash === a.sealHash);
    if (!known) {
      const issue = attestationIssue(a, hexToBytes(member.publicKey));
      if (issue !== null) throw invalid(issue);
      this.#o.sync.insertAttestation({
        height,
        replica: a.replica,
        sealHash: a.sealHash,
        attestation: JSON.stringify(attestationJson(a)),
        receivedMs: this.#now(),
      });
      this.emit('attestation', a);
    }
    const key = a.replica.toLowerCase();
    const seen = this.#replicas.get(key);
    if (seen === undefined || seen.attestedHeight <= height)
      this.#replicas.set(key, {
        attestedHeight: height,
        sample: { replicaTimeMs: a.replicaTimeMs, receivedAtMs: BigInt(this.#now()) },
        seenAtMs: this.#now(),
      });
    return height;
  }

  #acceptRefusal(json: unknown): void {
    const r = parseDissonance(json);
    const membership = this.#book.at(Number(r.height));
    const member = membership === null ? undefined : memberOf(membership, r.replica);
    if (member === undefined)
      throw new SyncAttestationInvalidError('not an active replica at that height', {
        height: r.height,
        replica: r.replica,
      });
    const issue = dissonanceIssue(r, hexToBytes(member.publicKey));
    if (issue !== null)
      throw new SyncAttestationInvalidError(issue, { height: r.height, replica: r.replica });
    const stored = this.#o.sync.insertDissonance(
      Number(r.height),
      r.reason,
      r.replica,
      JSON.stringify(dissonanceJson(r)),
      this.#now(),
    );
    if (stored) {
      this.#o.log.warn(
        { height: r.height.toString(), replica: r.replica, reason: r.reason, field: r.field },
        'a replica refused to cosign',
      );
      this.emit('refusal', r);
    }
  }

  /** Builds and stores the certificate of `height` if its attestations reach the quorum. */
  #certify(height: number): boolean {
    const sync = this.#o.sync;
    if (sync.certificate(height) !== undefined) return false;
    const row = this.#o.sequencer.store.coherence(height);
    const membership = this.#book.at(height);
    if (row === undefined || membership === null || membership.quorum === null) return false;
    const attestations = sync
      .attestations(height)
      .filter((r) => r.sealHash === row.sealHash)
      .map((r) => parseAttestation(JSON.parse(r.attestation)));
    if (BigInt(attestations.length) < membership.quorum) return false;
    const seal = parseCoherenceSeal(row.seal);
    const certificate = buildCertificate(
      {
        chainId: seal.chainId,
        height: seal.height,
        sealHash: row.sealHash,
        entryHash: row.entryHash,
        bundleHash: seal.bundleHash,
      },
      attestations,
      membership,
    );
    if (certificate === null) return false;
    const json = certificateJson(certificate);
    const hash = certificateHash(certificate);
    sync.insertCertificate({
      height,
      sealHash: row.sealHash,
      bundleHash: seal.bundleHash,
      certificateHash: hash,
      certificate: JSON.stringify(json),
      confirmedMs: this.#now(),
    });
    this.stream.broadcast(`{"certificate":${JSON.stringify(json)}}\n`);
    for (const resolve of this.#waiters.get(seal.bundleHash) ?? []) resolve(true);
    const committedAt = this.#committedAt.get(height);
    this.emit(
      'confirmed',
      certificate,
      committedAt === undefined ? null : this.#now() - committedAt,
    );
    return true;
  }

  #freshSamples(): ClockSample[] {
    const oldest = this.#now() - (this.#o.sampleMaxAgeMs ?? 60_000);
    return [...this.#replicas.keys()]
      .sort()
      .map((k) => this.#replicas.get(k) as ReplicaSeen)
      .filter((r) => r.seenAtMs >= oldest)
      .map((r) => r.sample);
  }

  /**
   * CIR-511 on the sequencer's clock: with at least two replicas' readings, a packet time beyond
   * the bound from the median is dissonance, recorded; `dissonanceEscalationCount` bundles in a row
   * halt the sequencer (CIR-302). With fewer readings there is no majority to judge by.
   */
  #judgeClock(height: number, ttsTimestamp: bigint): void {
    const samples = this.#freshSamples();
    if (samples.length < 2) return;
    const median = reconcileTimestamps(ttsTimestamp, samples);
    this.#lastMedianMs = median;
    const drift = timestampDrift(ttsTimestamp, median, this.#o.driftMaxMs);
    if (drift === null) {
      this.#clockConsecutive = 0n;
      return;
    }
    this.#clockConsecutive += 1n;
    const record = {
      cir: '511',
      reason: 'clock',
      height: String(height),
      ttsTimestamp: ttsTimestamp.toString(),
      medianMs: median.toString(),
      driftMs: drift.driftMs.toString(),
      boundMs: drift.boundMs.toString(),
      direction: drift.direction,
      inARow: this.#clockConsecutive.toString(),
    };
    this.#o.sync.insertDissonance(
      height,
      'clock',
      'sequencer',
      JSON.stringify(record),
      this.#now(),
    );
    this.#o.log.warn(record, 'CIR-511: the packet time drifts from the replicas’ median clock');
    this.emit('dissonance', record);
    const escalation = this.#o.sequencer.state.params.dissonanceEscalationCount;
    if (this.#clockConsecutive >= escalation)
      this.#o.sequencer.halt(302, 'CIR-511 clock dissonance escalated', record);
  }

  /** Seconds since the first height the replica has not attested was committed (null: unknown). */
  #lagSeconds(attested: number, head: number, now: number): number | null {
    if (attested >= head) return 0;
    const since = this.#committedAt.get(attested + 1);
    return since === undefined ? null : Math.max(0, (now - since) / 1000);
  }
}
