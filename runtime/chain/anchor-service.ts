/**
 * The anchoring service: every complete epoch, it puts the epoch's CoherenceLedger seal hashes (one
 * batch transaction), its KeyLedger seals, its allocation root and its net balance changes on-chain.
 * Idempotent across restarts: it reads the on-chain heads first and sends only what is missing. A
 * reorg that drops an anchor lowers the on-chain head, so the next pass sends it again; each anchor
 * also names a recent L1 block hash, so an anchor built on a block that was reorganised away
 * reverts instead of landing on the wrong fork. RPC errors are retried with exponential backoff.
 * issue 7; DESIGN.md §4 Chain.
 * @module
 */
import type { ContractTransactionResponse, Provider } from 'ethers';
import type { AllocationRegistry, QfsToken, SealAnchor } from '../../typechain-types';
import type { Logger } from '../node/sequencer';
import type { NodeStore } from '../node/store';
import { planEpoch, type EpochPlan } from './epochs';

/** The anchor contract's chains (enum SealChain). */
const COHERENCE = 0;
const KEY = 1;
/** Largest batch the anchor contract accepts. */
const SEAL_BATCH_MAX = 1024;

/** What the contracts have already: the next height, ordinal and epochs each expects. */
type ChainHeads = {
  readonly coherenceNextHeight: number;
  readonly coherenceNextEpoch: number;
  readonly keyNextOrdinal: number;
  readonly tokenNext: number;
  readonly registryNext: number;
};

export type AnchorContracts = {
  readonly token: QfsToken;
  readonly anchor: SealAnchor;
  readonly registry: AllocationRegistry;
};

export type AnchorStatus = {
  readonly localHeight: number;
  readonly anchoredHeight: number | null;
  readonly anchoredEpochs: number;
  readonly lag: number;
  readonly lastError: string | null;
  readonly lastAnchorAtMs: number | null;
};

export class AnchorService {
  readonly #store: NodeStore;
  readonly #c: AnchorContracts;
  readonly #provider: Provider;
  readonly #epochLength: number;
  readonly #confirmations: number;
  readonly #pollMs: number;
  readonly #log: Logger;
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<void> | null = null;
  #status: AnchorStatus = {
    localHeight: -1,
    anchoredHeight: null,
    anchoredEpochs: 0,
    lag: 0,
    lastError: null,
    lastAnchorAtMs: null,
  };
  #backoffMs = 0;
  #nextTryMs = 0;

  constructor(options: {
    store: NodeStore;
    contracts: AnchorContracts;
    provider: Provider;
    epochLength: number;
    confirmations: number;
    pollIntervalMs: number;
    log: Logger;
  }) {
    this.#store = options.store;
    this.#c = options.contracts;
    this.#provider = options.provider;
    this.#epochLength = options.epochLength;
    this.#confirmations = options.confirmations;
    this.#pollMs = options.pollIntervalMs;
    this.#log = options.log;
  }

  get status(): AnchorStatus {
    return this.#status;
  }

  start(): void {
    if (this.#timer !== null) return;
    this.#timer = setInterval(() => void this.tick(), this.#pollMs);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
    await this.#running;
  }

  /** One pass unless one is running or a backoff is pending; errors are recorded, not thrown. */
  async tick(): Promise<void> {
    if (this.#running !== null || Date.now() < this.#nextTryMs) return;
    this.#running = this.sync()
      .then(() => {
        this.#backoffMs = 0;
      })
      .catch((err: unknown) => {
        const message = err instanceof Error ? err.message : String(err);
        this.#backoffMs = Math.min(30_000, Math.max(1000, this.#backoffMs * 2));
        this.#nextTryMs = Date.now() + this.#backoffMs;
        this.#status = { ...this.#status, lastError: message };
        this.#log.warn(
          { err: message, retryInMs: this.#backoffMs },
          'anchoring failed; will retry',
        );
      })
      .finally(() => {
        this.#running = null;
      });
    await this.#running;
  }

  /** Anchors every complete epoch that is not on-chain yet. Throws on RPC or contract errors. */
  async sync(): Promise<void> {
    const local = this.#store.headHeight();
    const complete = Math.floor((local + 1) / this.#epochLength);
    for (;;) {
      const heads = await this.#heads();
      const epoch = Math.min(heads.tokenNext, heads.registryNext, heads.coherenceNextEpoch);
      this.#updateStatus(local, epoch);
      if (epoch >= complete) return;
      const plan = planEpoch(this.#store, epoch, this.#epochLength);
      await this.#anchorEpoch(plan, heads);
      this.#status = { ...this.#status, lastAnchorAtMs: Date.now(), lastError: null };
      this.#log.info(
        {
          epoch,
          heights: `${plan.firstHeight}..${plan.lastHeight}`,
          changes: plan.balanceChanges.length,
        },
        'epoch anchored',
      );
    }
  }

  async #heads(): Promise<ChainHeads> {
    const [coherence, key, token, registryNext] = await Promise.all([
      this.#c.anchor.latestAnchor(COHERENCE),
      this.#c.anchor.latestAnchor(KEY),
      this.#c.token.balanceHead(),
      this.#c.registry.nextEpoch(),
    ]);
    const coherenceNextHeight = coherence.anchored ? Number(coherence.latestHeight) + 1 : 0;
    return {
      coherenceNextHeight,
      coherenceNextEpoch: Math.floor(coherenceNextHeight / this.#epochLength),
      keyNextOrdinal: key.anchored ? Number(key.latestHeight) + 1 : 0,
      tokenNext: Number(token.nextEpoch),
      registryNext: Number(registryNext),
    };
  }

  /** The anchored height is the last height of the last epoch whose every part is on-chain. */
  #updateStatus(local: number, epochsDone: number): void {
    const anchoredHeight = epochsDone === 0 ? null : epochsDone * this.#epochLength - 1;
    this.#status = {
      ...this.#status,
      localHeight: local,
      anchoredHeight,
      anchoredEpochs: epochsDone,
      lag: local - (anchoredHeight ?? -1),
    };
  }

  async #anchorEpoch(plan: EpochPlan, heads: ChainHeads): Promise<void> {
    if (heads.coherenceNextHeight <= plan.lastHeight) {
      const start = Math.max(heads.coherenceNextHeight, plan.firstHeight);
      const hashes = plan.sealHashes.slice(start - plan.firstHeight);
      const prev =
        start === plan.firstHeight
          ? plan.prevSealHash
          : (plan.sealHashes[start - plan.firstHeight - 1] as string);
      for (let i = 0; i < hashes.length; i += SEAL_BATCH_MAX) {
        const chunk = hashes.slice(i, i + SEAL_BATCH_MAX);
        const chunkPrev = i === 0 ? prev : (hashes[i - 1] as string);
        const guard = await this.#guardBlock();
        await this.#send(
          chunk.length === 1
            ? this.#c.anchor.anchorSeal(
                COHERENCE,
                start + i,
                chunk[0] as string,
                chunkPrev,
                guard.hash,
                guard.number,
              )
            : this.#c.anchor.anchorSealBatch(
                COHERENCE,
                start + i,
                chunkPrev,
                chunk,
                guard.hash,
                guard.number,
              ),
        );
      }
    }
    for (const seal of plan.keySeals) {
      if (seal.ordinal < heads.keyNextOrdinal) continue;
      const guard = await this.#guardBlock();
      await this.#send(
        this.#c.anchor.anchorSeal(
          KEY,
          seal.ordinal,
          seal.sealHash,
          seal.prevSealHash,
          guard.hash,
          guard.number,
        ),
      );
    }
    if (heads.registryNext === plan.epoch) {
      await this.#send(
        this.#c.registry.anchorAllocationRoot(
          plan.epoch,
          plan.allocationRoot,
          plan.lastSealHash,
          plan.lastHeight,
        ),
      );
    }
    if (heads.tokenNext === plan.epoch) {
      const changes = plan.balanceChanges.map((c) => ({
        account: c.account,
        tokenId: c.tokenId,
        delta: c.delta,
      }));
      await this.#send(
        this.#c.token.applyBalanceBatch(plan.epoch, plan.lastHeight, plan.lastSealHash, changes),
      );
    }
  }

  /** The latest block (hash and number): anchors revert if it is not canonical when they land. */
  async #guardBlock(): Promise<{ hash: string; number: number }> {
    const block = await this.#provider.getBlock('latest');
    if (block === null || block.hash === null) throw new Error('the RPC returned no latest block');
    return { hash: block.hash, number: block.number };
  }

  async #send(pending: Promise<ContractTransactionResponse>): Promise<void> {
    const tx = await pending;
    const receipt = await tx.wait(this.#confirmations);
    if (receipt === null || receipt.status !== 1)
      throw new Error(`anchor transaction ${tx.hash} failed`);
  }
}
