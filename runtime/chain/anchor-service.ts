/**
 * The anchoring service: every complete epoch, it puts the epoch's CoherenceLedger seal hashes (one
 * batch transaction), its KeyLedger seals, its allocation root and its net balance changes (in
 * chunks under the per-transaction gas cap) on-chain. It reads the node only through the store's
 * typed epoch records and never blocks sequencing: it runs beside it and reports how far behind it is.
 *
 * Idempotent across restarts: every pass reads the contracts' heads first and sends only what is
 * missing, down to the balance chunk, so a node killed mid-epoch resumes with the next chunk. It does
 * not plan while a transaction of its key is still pending (after a crash one may be in flight), and
 * every call is estimated before it is sent, so a step already done is never sent twice. A reorg that
 * drops an anchor lowers the on-chain head and the next pass sends it again; each seal anchor also
 * names a recent block hash, so an anchor built on a block reorganised away reverts instead of
 * landing on the wrong fork. Failures (RPC down, key out of funds, a revert) are recorded and retried
 * with exponential backoff. issue 7, issue 20; DESIGN.md §4 Chain.
 * @module
 */
import type { ContractTransactionResponse, JsonRpcProvider } from 'ethers';
import type { AnchorStatus, ConfirmationSource, EpochSource, Logger } from '../node';
import type { AnchorContracts } from './connect';
import { planEpoch, remainingChunks, type EpochPlan } from './epochs';
import { ChainWrongNetworkError } from './errors';
import {
  anchoredEpochs,
  anchoredHeightOf,
  COHERENCE,
  KEY,
  readChainHeads,
  type ChainHeads,
} from './progress';

/** Largest batch the anchor contract accepts. */
const SEAL_BATCH_MAX = 1024;
/** EIP-7825 (Osaka): the most gas one transaction may use. */
const TX_GAS_CAP = 16_777_216n;
/** The first wait after a failure; it doubles up to `retryMaxMs`. */
const RETRY_MIN_MS = 1000;
/**
 * How long `stop` waits for a pass in flight: a stalled RPC must not hold up the node's shutdown. A
 * pass cut short sends nothing more (every send checks first), and the next start resumes it.
 */
const STOP_WAIT_MS = 5000;

export type AnchorServiceOptions = {
  /** The node's store (typed epoch records; the service reports into it). */
  readonly source: EpochSource & { coherence(height: number): { sealHash: string } | undefined };
  readonly contracts: AnchorContracts;
  readonly provider: JsonRpcProvider;
  /** The anchoring key's address (its pending transactions are waited for). */
  readonly account: string;
  readonly evmChainId: number;
  readonly epochLength: number;
  readonly confirmations: number;
  readonly balanceChunkSize: number;
  readonly pollIntervalMs: number;
  readonly retryMaxMs: number;
  readonly txTimeoutMs: number;
  readonly log: Logger;
  /** HolonetSync's certificates and evidence, anchored after the seals they confirm (optional). */
  readonly certificates?: ConfirmationSource;
};

export class AnchorService {
  readonly #o: AnchorServiceOptions;
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<void> | null = null;
  #stopped = false;
  #networkChecked = false;
  #status: AnchorStatus;
  /** Evidence hashes known to be on-chain (each is asked of the contract once per process). */
  readonly #evidenceOnChain = new Set<string>();

  constructor(options: AnchorServiceOptions) {
    this.#o = options;
    this.#status = {
      localHeight: options.source.headHeight(),
      anchoredHeight: null,
      anchoredEpochs: 0,
      lag: options.source.headHeight() + 1,
      epochLength: options.epochLength,
      onChain: null,
      lastError: null,
      lastErrorAtMs: null,
      consecutiveFailures: 0,
      lastAnchorAtMs: null,
      nextRetryAtMs: null,
    };
  }

  get status(): AnchorStatus {
    const localHeight = this.#o.source.headHeight();
    return { ...this.#status, localHeight, lag: localHeight - (this.#status.anchoredHeight ?? -1) };
  }

  start(): void {
    if (this.#timer !== null) return;
    this.#timer = setInterval(() => void this.tick(), this.#o.pollIntervalMs);
    this.#timer.unref();
    void this.tick();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
    const running = this.#running;
    if (running === null) return;
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, STOP_WAIT_MS);
      timer.unref();
    });
    await Promise.race([running, waited]);
    clearTimeout(timer);
  }

  /** One pass unless one is running or a retry is not due yet; failures are recorded, not thrown. */
  async tick(): Promise<void> {
    const retryAt = this.#status.nextRetryAtMs;
    if (this.#stopped || this.#running !== null) return;
    if (retryAt !== null && Date.now() < retryAt) return;
    this.#running = this.sync()
      .then(
        () => this.#succeeded(),
        (err: unknown) => this.#failed(err),
      )
      .finally(() => {
        this.#running = null;
      });
    await this.#running;
  }

  /** Anchors every complete epoch that is not on-chain yet. Throws on RPC or contract errors. */
  async sync(): Promise<void> {
    await this.#checkNetwork();
    if (await this.#ownTransactionsPending()) return;
    const complete = Math.floor((this.#o.source.headHeight() + 1) / this.#o.epochLength);
    while (!this.#stopped) {
      const heads = await readChainHeads(this.#o.contracts);
      this.#checkSameLedger(heads);
      const epoch = this.#observe(heads);
      if (epoch >= complete) break;
      const first = epoch * this.#o.epochLength;
      const plan = planEpoch(this.#o.source.epoch(first, first + this.#o.epochLength - 1), epoch);
      await this.#anchorEpoch(plan, heads);
      this.#status = { ...this.#status, lastAnchorAtMs: Date.now() };
      this.#report();
      this.#o.log.info(
        {
          epoch,
          heights: `${plan.firstHeight}..${plan.lastHeight}`,
          changes: plan.balanceChanges.length,
        },
        'epoch anchored',
      );
    }
    await this.#anchorConfirmations();
  }

  /**
   * HolonetSync's quorum certificates, one root per epoch whose heights are all certified and whose
   * seals are on-chain (from the first epoch that starts at or after the first certificate), and
   * the hashes of equivocation evidence not anchored yet. A height never certified stops the
   * certificates there: the status shows how far they reached.
   */
  async #anchorConfirmations(): Promise<void> {
    const source = this.#o.certificates;
    if (source === undefined || this.#stopped) return;
    const anchor = this.#o.contracts.anchor;
    const [head, sealed] = await Promise.all([
      anchor.certificateHead(),
      anchor.latestAnchor(COHERENCE),
    ]);
    if (!sealed.anchored) return;
    const length = this.#o.epochLength;
    let from = head.anchored ? Number(head.nextHeight) : firstEpochStart(source, length);
    if (from !== null && !head.anchored) from = Math.max(from, Number(sealed.firstHeight));
    while (from !== null && !this.#stopped) {
      const to = from + length - 1;
      const root = to > Number(sealed.latestHeight) ? null : source.certificateRoot(from, to);
      if (root === null) break;
      const first = from;
      await this.#send(() => anchor.anchorCertificates(first, to, `0x${root}`));
      this.#setCertificateHeight(to);
      from = to + 1;
    }
    for (const hash of source.evidenceHashes()) {
      if (this.#stopped || this.#evidenceOnChain.has(hash)) continue;
      if (!(await anchor.isEvidenceAnchored(`0x${hash}`))) {
        await this.#send(() => anchor.anchorEvidence(`0x${hash}`));
        this.#o.log.warn({ evidenceHash: hash }, 'equivocation evidence anchored');
      }
      this.#evidenceOnChain.add(hash);
    }
  }

  #setCertificateHeight(height: number): void {
    const onChain = this.#status.onChain;
    if (onChain === null) return;
    this.#status = { ...this.#status, onChain: { ...onChain, certificateHeight: height } };
  }

  /** Records what the contracts hold; returns the first epoch not entirely on-chain. */
  #observe(heads: ChainHeads): number {
    const epochs = anchoredEpochs(heads, this.#o.epochLength);
    this.#status = {
      ...this.#status,
      anchoredEpochs: epochs,
      anchoredHeight: anchoredHeightOf(epochs, this.#o.epochLength),
      onChain: {
        coherenceHeight: heads.coherenceNextHeight === 0 ? null : heads.coherenceNextHeight - 1,
        keySeals: heads.keyNextOrdinal,
        balanceEpochs: heads.tokenNextEpoch,
        balanceChunks: heads.tokenNextChunk,
        allocationEpochs: heads.registryNextEpoch,
        certificateHeight:
          heads.certificateNextHeight === null ? null : heads.certificateNextHeight - 1,
      },
    };
    return epochs;
  }

  async #anchorEpoch(plan: EpochPlan, heads: ChainHeads): Promise<void> {
    await this.#anchorSeals(plan, heads.coherenceNextHeight);
    for (const seal of plan.keySeals) {
      if (seal.ordinal < heads.keyNextOrdinal) continue;
      const guard = await this.#guardBlock();
      await this.#send(() =>
        this.#o.contracts.anchor.anchorSeal(
          KEY,
          seal.ordinal,
          seal.sealHash,
          seal.prevSealHash,
          guard.hash,
          guard.number,
        ),
      );
    }
    if (heads.registryNextEpoch === plan.epoch) {
      await this.#send(() =>
        this.#o.contracts.registry.anchorAllocationRoot(
          plan.epoch,
          plan.allocationRoot,
          plan.lastSealHash,
          plan.lastHeight,
        ),
      );
    }
    if (heads.tokenNextEpoch === plan.epoch) {
      const chunks = remainingChunks(
        plan.balanceChanges,
        heads.tokenChangesApplied,
        heads.tokenNextChunk,
        this.#o.balanceChunkSize,
      );
      const apply = this.#o.contracts.token.applyBalanceChunk;
      for (const chunk of chunks) {
        const args: ChunkArgs = [
          plan.epoch,
          chunk.index,
          chunk.last,
          plan.lastHeight,
          plan.lastSealHash,
          chunk.changes.map((c) => ({ account: c.account, tokenId: c.tokenId, delta: c.delta })),
        ];
        const gasLimit = await chunkGas(apply, args);
        await this.#send(() => apply(...args, { gasLimit }));
      }
    }
  }

  /** The epoch's CoherenceLedger seals from `nextHeight` on, in batches of at most 1024. */
  async #anchorSeals(plan: EpochPlan, nextHeight: number): Promise<void> {
    if (nextHeight > plan.lastHeight) return;
    const start = Math.max(nextHeight, plan.firstHeight);
    const hashes = plan.sealHashes.slice(start - plan.firstHeight);
    const prev =
      start === plan.firstHeight
        ? plan.prevSealHash
        : (plan.sealHashes[start - plan.firstHeight - 1] as string);
    for (let i = 0; i < hashes.length; i += SEAL_BATCH_MAX) {
      const chunk = hashes.slice(i, i + SEAL_BATCH_MAX);
      const chunkPrev = i === 0 ? prev : (hashes[i - 1] as string);
      const guard = await this.#guardBlock();
      const anchor = this.#o.contracts.anchor;
      await this.#send(() =>
        chunk.length === 1
          ? anchor.anchorSeal(
              COHERENCE,
              start + i,
              chunk[0] as string,
              chunkPrev,
              guard.hash,
              guard.number,
            )
          : anchor.anchorSealBatch(
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

  /** Once per service: the RPC must serve the configured chain. */
  async #checkNetwork(): Promise<void> {
    if (this.#networkChecked) return;
    const actual = Number(await this.#o.provider.send('eth_chainId', []));
    if (actual !== this.#o.evmChainId)
      throw new ChainWrongNetworkError('the RPC serves another chain', {
        expected: String(this.#o.evmChainId),
        actual: String(actual),
      });
    this.#networkChecked = true;
  }

  /** The contracts' latest CoherenceLedger seal must be this ledger's seal at that height. */
  #checkSameLedger(heads: ChainHeads): void {
    if (heads.coherenceLatestHash === null) return;
    const height = heads.coherenceNextHeight - 1;
    const local = this.#o.source.coherence(height)?.sealHash;
    if (local !== undefined && `0x${local}` === heads.coherenceLatestHash) return;
    throw new ChainWrongNetworkError(
      `the contracts hold another ledger's seal at height ${height}`,
      {
        expected: local === undefined ? 'a committed height' : `0x${local}`,
        actual: heads.coherenceLatestHash,
      },
    );
  }

  /** True while a transaction of the anchoring key waits to be mined (a pass would race it). */
  async #ownTransactionsPending(): Promise<boolean> {
    const [latest, pending] = await Promise.all([
      this.#o.provider.getTransactionCount(this.#o.account, 'latest'),
      this.#o.provider.getTransactionCount(this.#o.account, 'pending'),
    ]);
    if (pending > latest)
      this.#o.log.info({ pending: pending - latest }, 'waiting for pending anchoring transactions');
    return pending > latest;
  }

  /** The latest block (hash and number): seal anchors revert if it is not canonical when they land. */
  async #guardBlock(): Promise<{ hash: string; number: number }> {
    const block = await this.#o.provider.getBlock('latest');
    if (block === null || block.hash === null) throw new Error('the RPC returned no latest block');
    return { hash: block.hash, number: block.number };
  }

  /** Sends (after ethers' gas estimate, where a revert stops it) and waits for the confirmations. */
  async #send(call: () => Promise<ContractTransactionResponse>): Promise<void> {
    if (this.#stopped) throw new Error('anchoring stopped');
    const tx = await call();
    const receipt = await tx.wait(this.#o.confirmations, this.#o.txTimeoutMs);
    if (receipt === null || receipt.status !== 1)
      throw new Error(`anchor transaction ${tx.hash} failed`);
  }

  #succeeded(): void {
    const recovered = this.#status.consecutiveFailures > 0;
    this.#status = { ...this.#status, consecutiveFailures: 0, nextRetryAtMs: null };
    if (recovered) this.#o.log.info({}, 'anchoring recovered');
  }

  #failed(err: unknown): void {
    if (this.#stopped) return; // a pass cut short by stop(): nothing failed
    const message = describeError(err).slice(0, 500);
    const failures = this.#status.consecutiveFailures + 1;
    const waitMs = Math.min(this.#o.retryMaxMs, RETRY_MIN_MS * 2 ** Math.min(failures - 1, 20));
    const now = Date.now();
    this.#status = {
      ...this.#status,
      lastError: message,
      lastErrorAtMs: now,
      consecutiveFailures: failures,
      nextRetryAtMs: now + waitMs,
    };
    this.#report();
    this.#o.log.warn({ err: message, failures, retryInMs: waitMs }, 'anchoring failed; will retry');
  }

  /** Keeps the last error and anchor time in the store for `qfs anchor status`. */
  #report(): void {
    try {
      this.#o.source.setAnchorReport({
        lastError: this.#status.lastError,
        lastErrorAtMs: this.#status.lastErrorAtMs,
        lastAnchorAtMs: this.#status.lastAnchorAtMs,
      });
    } catch (err) {
      this.#o.log.warn({ err: String(err) }, 'could not record the anchoring report');
    }
  }
}

type ApplyChunk = AnchorContracts['token']['applyBalanceChunk'];
type ChunkArgs = [
  epoch: number,
  chunk: number,
  last: boolean,
  sealHeight: number,
  sealHash: string,
  changes: { account: string; tokenId: bigint; delta: bigint }[],
];

/**
 * Gas for one balance chunk: the node's estimate; when the node refuses to estimate because its
 * search went above EIP-7825's cap, the cap itself, once a call with that much gas has succeeded.
 * Hardhat 2.29's node does refuse: for a full chunk of new balances mixed with existing ones it
 * searches up to ~31M gas, even when told the cap, although the chunk uses ~10.5M (found by the
 * scale benchmark; docs/decisions.md). A chunk that truly reverts still fails here, with its reason.
 */
async function chunkGas(apply: ApplyChunk, args: ChunkArgs): Promise<bigint> {
  try {
    return await apply.estimateGas(...args);
  } catch (err) {
    if (!/greater than the cap/.test(describeError(err))) throw err;
    await apply.staticCall(...args, { gasLimit: TX_GAS_CAP });
    return TX_GAS_CAP;
  }
}

/**
 * An error as an operator reads it: ethers wraps what the RPC said (a node's own message, a decoded
 * custom error) in a generic one ("could not coalesce error", "execution reverted"); that inner
 * message comes first.
 */
export function describeError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const e = err as Error & {
    shortMessage?: string;
    revert?: { name?: string; args?: readonly unknown[] } | null;
    error?: { message?: unknown };
    info?: { error?: { message?: unknown } };
  };
  if (e.revert?.name !== undefined)
    return `reverted with ${e.revert.name}(${(e.revert.args ?? []).map(String).join(', ')})`;
  const inner = e.error?.message ?? e.info?.error?.message;
  if (typeof inner === 'string' && inner !== '')
    return `${inner} (${e.shortMessage ?? e.message.split(' (')[0]})`;
  return e.shortMessage ?? e.message;
}

/** The first epoch start at or after the first certified height (null before any certificate). */
function firstEpochStart(source: ConfirmationSource, epochLength: number): number | null {
  const first = source.firstCertifiedHeight();
  return first === null ? null : Math.ceil(first / epochLength) * epochLength;
}
