/**
 * The entropy service: the node's source of packet seeds on a chain with an entropy policy. It
 * fetches the newest beacon round (verified on arrival), mixes in the QRNG record when one is
 * configured, binds the round's VDF input to the newest seal, evaluates one VDF per round on the
 * VDF worker, and derives each packet's seed from the newest evaluated round
 * (getQuantumEnhancedSeed). Issue 22.
 *
 * When the beacon cannot be reached, packets keep using the last verified round and, once it is
 * older than the policy allows, mix in 32 bytes of OS randomness and say so
 * (`beacon-vdf-stale+os`); the engine counts how many rounds stale each packet is and marks a
 * CIR-511 entropy dissonance from the policy's count on. The service works only while there is
 * demand (a bundle to stamp within the last minute), so an idle node evaluates no VDFs.
 * @module
 */
import { randomBytes } from 'node:crypto';
import type { DrvPacket, EntropyRecord } from '../ledger';
import { roundTimeMs } from './beacon';
import { fetchBeaconRound, type BeaconFetchOptions } from './beacon-client';
import { isCodedError } from '../errors';
import type { EntropyPolicy } from './policy';
import { fetchQrng, type QrngOptions } from './qrng-client';
import {
  anchorSealHash,
  entropyRecordJson,
  getQuantumEnhancedSeed,
  parseEntropyRecord,
  vdfInputOf,
  type EntropyAnchor,
  type EntropyVerdict,
  type QrngRecord,
  type RoundEntropy,
} from './record';
import type { VdfEvaluator } from './vdf-pool';

type Logger = {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
};

/** What the sequencer asks for when it stamps a packet. */
export type SeedRequest = {
  readonly height: bigint;
  readonly ttsTimestamp: bigint;
  readonly previous: DrvPacket | null;
};

export type EntropyServiceOptions = {
  readonly chainId: string;
  readonly policy: EntropyPolicy;
  /** Where rounds come from: relay URLs and the chain (one of the policy's). */
  readonly beacon: BeaconFetchOptions;
  /** The QRNG provider and how often to ask it (its bytes are reused until the next answer). */
  readonly qrng: (QrngOptions & { readonly intervalMs: number }) | null;
  readonly vdf: VdfEvaluator;
  /** The wall clock (Unix ms). */
  readonly nowMs: () => bigint;
  /** The newest seal (height and hash), or null before the first: the round's anchor. */
  readonly anchor: () => EntropyAnchor | null;
  readonly log: Logger;
  /** 32 bytes of OS randomness as hex (default `crypto.randomBytes`). */
  readonly osRandom?: () => string;
  /** How long stamping waits for a fresh round's VDF before using a stale round (default 5 s). */
  readonly waitMs?: number;
  /** No fetching after this long without a packet to stamp (default 60 s). */
  readonly idleAfterMs?: number;
};

/** What /v1/status and /metrics show about entropy. */
export type EntropyStatus = {
  readonly mode: 'beacon-vdf';
  readonly beacon: { readonly name: string; readonly chainHash: string; readonly urls: string[] };
  readonly vdfT: string;
  /** The newest evaluated round, and how old it is now. */
  readonly round: {
    readonly number: string;
    readonly timeMs: string;
    readonly ageMs: string;
  } | null;
  readonly evaluating: boolean;
  readonly provider: {
    readonly reachable: boolean;
    readonly consecutiveFailures: number;
    readonly failures: number;
    readonly lastError: string | null;
  };
  readonly qrng: {
    readonly provider: string;
    readonly reachable: boolean;
    readonly lastRequestId: string | null;
    readonly failures: number;
    readonly lastError: string | null;
  } | null;
  /** What the last committed packet's entropy was (from the engine's verdict). */
  readonly lastPacket: {
    readonly source: string;
    readonly round: string;
    readonly staleRounds: string;
    readonly cir511: boolean;
  } | null;
  /** Bundles committed by this process whose packet was a CIR-511 entropy dissonance. */
  readonly cir511Bundles: number;
};

/** After a failed fetch, stamping does not wait for another one for this long. */
const RETRY_AFTER_MS = 1000n;
/** A round counts as fresh enough not to refresh while it has this much life left. */
const FRESH_MARGIN_MS = 1000n;

export class EntropyService {
  readonly #o: EntropyServiceOptions;
  #round: RoundEntropy | null = null;
  #roundMs = 0n;
  #inflight: Promise<void> | null = null;
  #timer: NodeJS.Timeout | null = null;
  #demandMs = 0n;
  #lastFailureMs: bigint | null = null;
  #consecutiveFailures = 0;
  #failures = 0;
  #lastError: string | null = null;
  #qrng: QrngRecord | null = null;
  #qrngAskedMs: bigint | null = null;
  #qrngFailures = 0;
  #qrngError: string | null = null;
  #qrngReachable = false;
  #lastVerdict: EntropyVerdict | null = null;
  #cir511Bundles = 0;
  #stopped = false;

  constructor(options: EntropyServiceOptions) {
    this.#o = options;
  }

  /**
   * Takes the last committed packet's round as the last verified round, so a node restarted while
   * the beacon is down keeps going on it (marked stale once it is too old).
   */
  resumeFrom(packet: DrvPacket | null): void {
    if (packet === null || this.#round !== null) return;
    try {
      const record = parseEntropyRecord(packet.entropy, packet.sequence);
      this.#setRound(record);
    } catch (err) {
      if (!isCodedError(err)) throw err;
    }
  }

  /**
   * Follows committed bundles: the engine's verdict on each packet, CIR-511 counting. Takes what
   * it reads of the engine's BundleResult (the engine imports entropy, not the other way round).
   */
  observe(result: { readonly height: bigint; readonly entropy: EntropyVerdict | null }): void {
    const verdict = result.entropy;
    if (verdict === null) return;
    this.#lastVerdict = verdict;
    if (!verdict.cir511) return;
    this.#cir511Bundles += 1;
    this.#o.log.warn(
      {
        cir: 511,
        height: result.height.toString(),
        round: verdict.round.toString(),
        staleRounds: verdict.staleRounds.toString(),
      },
      'CIR-511 entropy dissonance: the packet used a stale beacon round',
    );
  }

  /**
   * Waits (at most `waitMs`) until a seed can be derived: a fresh round's VDF when one can be
   * had, else the last verified round. Resolves false when no round was ever verified.
   */
  async prepare(): Promise<boolean> {
    const now = this.#o.nowMs();
    this.#demandMs = now;
    this.#schedule();
    const freshUntil = this.#roundMs + this.#o.policy.roundAgeMaxMs - FRESH_MARGIN_MS;
    if (this.#round !== null && now <= freshUntil) return true;
    const recentlyFailed =
      this.#lastFailureMs !== null && now - this.#lastFailureMs < RETRY_AFTER_MS;
    if (!recentlyFailed || this.#inflight !== null) await this.#boundedRefresh();
    return this.#round !== null;
  }

  /**
   * The seed and entropy record of the packet at `height` stamped `ttsTimestamp`, from the newest
   * evaluated round; null when there is none, or when it cannot be used (the clock is behind the
   * round, or the round is older than the previous packet's).
   */
  derive(request: SeedRequest): { seed: string; entropy: EntropyRecord } | null {
    const round = this.#round;
    if (round === null) return null;
    const { policy } = this.#o;
    if (this.#roundMs > request.ttsTimestamp + policy.clockSkewMaxMs) return null;
    if (request.previous !== null && !this.#notBehind(request.previous)) return null;
    const stale = request.ttsTimestamp - this.#roundMs > policy.roundAgeMaxMs;
    const osRandom = stale ? (this.#o.osRandom ?? defaultOsRandom)() : null;
    const seed = getQuantumEnhancedSeed({
      vdfOutput: round.vdf.output,
      height: request.height,
      anchorSealHash: anchorSealHash(round.anchor),
      osRandom,
    });
    return { seed, entropy: entropyRecordJson(round, osRandom) as EntropyRecord };
  }

  /** Status for /v1/status and /metrics. */
  status(): EntropyStatus {
    const now = this.#o.nowMs();
    const round = this.#round;
    const verdict = this.#lastVerdict;
    return {
      mode: 'beacon-vdf',
      beacon: {
        name: this.#o.beacon.chain.name,
        chainHash: this.#o.beacon.chain.chainHash,
        urls: [...this.#o.beacon.urls],
      },
      vdfT: this.#o.policy.vdfT.toString(),
      round:
        round === null
          ? null
          : {
              number: round.beacon.round.toString(),
              timeMs: this.#roundMs.toString(),
              ageMs: (now - this.#roundMs).toString(),
            },
      evaluating: this.#inflight !== null,
      provider: {
        reachable: this.#consecutiveFailures === 0 && round !== null,
        consecutiveFailures: this.#consecutiveFailures,
        failures: this.#failures,
        lastError: this.#lastError,
      },
      qrng:
        this.#o.qrng === null
          ? null
          : {
              provider: this.#o.qrng.provider,
              reachable: this.#qrngReachable,
              lastRequestId: this.#qrng?.requestId ?? null,
              failures: this.#qrngFailures,
              lastError: this.#qrngError,
            },
      lastPacket:
        verdict === null
          ? null
          : {
              source: verdict.source,
              round: verdict.round.toString(),
              staleRounds: verdict.staleRounds.toString(),
              cir511: verdict.cir511,
            },
      cir511Bundles: this.#cir511Bundles,
    };
  }

  /** Stops polling and waits for a running fetch or VDF to finish. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    await this.#inflight?.catch(() => undefined);
  }

  /**
   * One fetch + VDF at a time; every caller of a running one shares it. Never rejects: a failure
   * (a provider, the VDF worker) is recorded and the last verified round stays in use.
   */
  refresh(): Promise<void> {
    this.#inflight ??= this.#refreshOnce()
      .catch((err: unknown) => this.#failed(err, true))
      .finally(() => {
        this.#inflight = null;
      });
    return this.#inflight;
  }

  async #boundedRefresh(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, this.#o.waitMs ?? 5000);
    });
    await Promise.race([this.refresh(), waited]);
    clearTimeout(timer);
  }

  async #refreshOnce(): Promise<void> {
    if (this.#stopped) return;
    let latest;
    try {
      latest = await fetchBeaconRound(this.#o.beacon, 'latest');
    } catch (err) {
      this.#failed(err);
      return;
    }
    this.#consecutiveFailures = 0;
    this.#lastError = null;
    this.#lastFailureMs = null;
    if (this.#round !== null && latest.round <= this.#round.beacon.round) return;
    const qrng = await this.#currentQrng();
    const anchor = this.#o.anchor();
    const { chainHash } = this.#o.beacon.chain;
    const input = vdfInputOf({ chainId: this.#o.chainId, chainHash, ...latest, qrng, anchor });
    const evaluation = await this.#o.vdf.evaluate(input, this.#o.policy.vdfT);
    if (this.#stopped) return;
    this.#setRound({
      beacon: { chainHash, round: latest.round, signature: latest.signature },
      qrng,
      anchor,
      vdf: {
        modulus: evaluation.modulus,
        t: evaluation.t,
        input: evaluation.input,
        output: evaluation.output,
        proof: evaluation.proof,
      },
    });
  }

  /** The QRNG record to mix in: asked again every `intervalMs`; the last good one meanwhile. */
  async #currentQrng(): Promise<QrngRecord | null> {
    const q = this.#o.qrng;
    if (q === null) return null;
    const now = this.#o.nowMs();
    if (this.#qrngAskedMs !== null && now - this.#qrngAskedMs < BigInt(q.intervalMs))
      return this.#qrng;
    this.#qrngAskedMs = now;
    try {
      this.#qrng = await fetchQrng(q);
      this.#qrngReachable = true;
      this.#qrngError = null;
    } catch (err) {
      if (!isCodedError(err)) throw err;
      this.#qrngFailures += 1;
      this.#qrngReachable = false;
      this.#qrngError = err.message;
      this.#o.log.warn({ provider: q.provider, error: err.message }, 'QRNG provider failed');
    }
    return this.#qrng;
  }

  #setRound(round: RoundEntropy): void {
    const chain = this.#o.policy.beacons.find((b) => b.chainHash === round.beacon.chainHash);
    if (chain === undefined) return;
    this.#round = round;
    this.#roundMs = roundTimeMs(chain, round.beacon.round);
  }

  /** True when the newest round is not older than the previous packet's. */
  #notBehind(previous: DrvPacket): boolean {
    try {
      const record = parseEntropyRecord(previous.entropy, previous.sequence);
      const chain = this.#o.policy.beacons.find((b) => b.chainHash === record.beacon.chainHash);
      if (chain === undefined) return true;
      const previousMs = roundTimeMs(chain, record.beacon.round);
      const round = this.#round as RoundEntropy;
      const sameChain = record.beacon.chainHash === round.beacon.chainHash;
      return (
        this.#roundMs >= previousMs && (!sameChain || round.beacon.round >= record.beacon.round)
      );
    } catch (err) {
      if (!isCodedError(err)) throw err;
      return true;
    }
  }

  #failed(err: unknown, unexpected = false): void {
    if (!unexpected && !isCodedError(err)) throw err;
    this.#failures += 1;
    this.#consecutiveFailures += 1;
    this.#lastFailureMs = this.#o.nowMs();
    this.#lastError = err instanceof Error ? err.message : String(err);
    if (unexpected && !isCodedError(err))
      this.#o.log.error({ error: this.#lastError }, 'entropy refresh failed');
    if (this.#consecutiveFailures === 1 || this.#consecutiveFailures % 20 === 0)
      this.#o.log.warn(
        { failures: this.#consecutiveFailures, error: this.#lastError },
        'beacon unreachable; packets use the last verified round',
      );
  }

  /** Polls once per beacon period while there is demand; stops when idle. */
  #schedule(): void {
    if (this.#timer !== null || this.#stopped) return;
    const { periodSeconds, genesisTime } = this.#o.beacon.chain;
    const periodMs = periodSeconds * 1000n;
    const now = this.#o.nowMs();
    // Wake just after the next round is due (200 ms for it to reach the relays).
    const sinceGenesis = now - genesisTime * 1000n;
    const delay = periodMs - (((sinceGenesis % periodMs) + periodMs) % periodMs) + 200n;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      if (this.#o.nowMs() - this.#demandMs > BigInt(this.#o.idleAfterMs ?? 60_000)) return;
      void this.refresh();
      this.#schedule();
    }, Number(delay));
    this.#timer.unref();
  }
}

function defaultOsRandom(): string {
  return randomBytes(32).toString('hex');
}
