/**
 * Admission: what a transaction must satisfy before it takes a slot in the mempool, decided from
 * the committed state and what is pending, before its signature is checked (the signature is
 * verified next, under the key this returns). The checks are ordered so that a transaction that
 * could never be valid is refused before it can occupy anything (DESIGN.md §6a):
 *
 *   chain → signer key (`signerKeyOf`, the engine's rule) → nonce window → slot free →
 *   gap limit per sender → pending limit per sender → capacity (a bundleable transaction may
 *   evict a gap transaction of another sender).
 * @module
 */
import { getAccount, signerKeyOf, type EngineState, type SignedTx } from '../engine';
import { MempoolFullError, TxRefusedError } from './errors';
import type { Mempool, MempoolEntry } from './mempool';
import { txRowOf } from './bundle-commit';
import type { AckRow } from './store';

/** The admission limits (a subset of the node's limits). */
export type AdmissionLimits = {
  readonly mempoolCapacity: number;
  /** Pending transactions per sender (also the nonce window ahead of the committed nonce). */
  readonly mempoolPerSenderMax: number;
  /** Pending transactions per sender behind a nonce gap. */
  readonly mempoolGapPerSenderMax: number;
};

/**
 * Slots held by admissions in flight (their signatures are being verified): they count against
 * every limit as if they were pending already, so that one request's transactions cannot pass a
 * limit together.
 */
export class Reservations {
  readonly #bySender = new Map<string, Set<bigint>>();
  #size = 0;

  get size(): number {
    return this.#size;
  }

  has(sender: string, nonce: bigint): boolean {
    return this.#bySender.get(sender.toLowerCase())?.has(nonce) === true;
  }

  /** The reserved nonces of `sender`. */
  of(sender: string): ReadonlySet<bigint> {
    return this.#bySender.get(sender.toLowerCase()) ?? EMPTY;
  }

  add(sender: string, nonce: bigint): void {
    const key = sender.toLowerCase();
    let nonces = this.#bySender.get(key);
    if (nonces === undefined) this.#bySender.set(key, (nonces = new Set()));
    if (!nonces.has(nonce)) this.#size += 1;
    nonces.add(nonce);
  }

  delete(sender: string, nonce: bigint): void {
    const key = sender.toLowerCase();
    const nonces = this.#bySender.get(key);
    if (nonces?.delete(nonce) !== true) return;
    this.#size -= 1;
    if (nonces.size === 0) this.#bySender.delete(key);
  }
}

const EMPTY: ReadonlySet<bigint> = new Set();

/** What admission sees: committed state, the pool, and admissions still verifying signatures. */
export type AdmissionView = {
  readonly state: EngineState;
  readonly mempool: Mempool;
  readonly reserved: Reservations;
  /** Evictions promised to admissions in flight. */
  readonly evictionsClaimed: number;
  readonly limits: AdmissionLimits;
};

export type AdmissionPlan = {
  /** The public key (hex) the signature must verify under. */
  readonly publicKey: string;
  /** The pool is full: admitting this transaction evicts a gap transaction. */
  readonly evicts: boolean;
};

/** The nonce a sender's next transaction must carry for the engine (committed nonce + 1). */
export function nextNonceOf(state: EngineState, sender: string): bigint {
  return (getAccount(state.accounts, sender)?.nonce ?? 0n) + 1n;
}

/**
 * Decides whether `tx` may take a slot, and under which key its signature is checked.
 * @throws {TxRefusedError} wrong chain, no key to write under `from`, nonce outside the window or taken
 * @throws {MempoolFullError} a per-sender limit or the capacity (with nothing to evict) is reached
 */
export function planAdmission(view: AdmissionView, tx: SignedTx): AdmissionPlan {
  const { state, limits } = view;
  if (tx.chainId !== state.chainId)
    throw new TxRefusedError('TX_WRONG_CHAIN', 'transaction for another chain', {
      expected: state.chainId,
      actual: tx.chainId,
    });
  const signer = signerKeyOf(state.keys, tx);
  if (!signer.ok) throw new TxRefusedError(signer.code, signer.reason, { from: tx.from });
  checkNonce(view, tx);
  const reserved = view.reserved.of(tx.from);
  const runEnd = view.mempool.runEnd(tx.from, nextNonceOf(state, tx.from), (n) => reserved.has(n));
  const bundleable = tx.nonce === runEnd + 1n;
  if (!bundleable) {
    const gaps =
      view.mempool.gapEntries(tx.from, runEnd + 1n).length +
      [...reserved].filter((n) => n > runEnd).length;
    if (gaps >= limits.mempoolGapPerSenderMax)
      throw new MempoolFullError({
        from: tx.from,
        nonce: tx.nonce,
        expectedNonce: runEnd + 1n,
        gapPerSenderMax: limits.mempoolGapPerSenderMax,
      });
  }
  if (view.mempool.senderCount(tx.from) + reserved.size >= limits.mempoolPerSenderMax)
    throw new MempoolFullError({ from: tx.from, perSenderMax: limits.mempoolPerSenderMax });
  if (view.mempool.size + view.reserved.size < limits.mempoolCapacity)
    return { publicKey: signer.publicKey, evicts: false };
  if (bundleable && evictable(view) > view.evictionsClaimed)
    return { publicKey: signer.publicKey, evicts: true };
  throw new MempoolFullError({ capacity: limits.mempoolCapacity });
}

/**
 * The nonce window: after the committed nonce, at most `mempoolPerSenderMax` ahead; a
 * registration only at the next nonce (until it commits, an unregistered key can fill no other
 * slot); and no slot twice.
 */
function checkNonce(view: AdmissionView, tx: SignedTx): void {
  const committed = nextNonceOf(view.state, tx.from) - 1n;
  const register = tx.body.type === 'key' && tx.body.event.type === 'register';
  const windowMax = committed + (register ? 1n : BigInt(view.limits.mempoolPerSenderMax));
  if (tx.nonce <= committed || tx.nonce > windowMax) {
    throw new TxRefusedError(
      'TX_BAD_NONCE',
      `nonce must lie in [${committed + 1n}, ${windowMax}]`,
      {
        from: tx.from,
        nonce: tx.nonce,
        committed,
      },
    );
  }
  if (
    view.mempool.bySenderNonce(tx.from, tx.nonce) !== undefined ||
    view.reserved.has(tx.from, tx.nonce)
  ) {
    throw new TxRefusedError('TX_BAD_NONCE', 'another pending transaction has this nonce', {
      from: tx.from,
      nonce: tx.nonce,
    });
  }
}

/** How many gap transactions the pool holds (computed only when it is full). */
function evictable(view: AdmissionView): number {
  return view.mempool.gapTotal(
    (sender) => nextNonceOf(view.state, sender),
    (sender, nonce) => view.reserved.has(sender, nonce),
  );
}

/** Rejections after acknowledgement that say nothing against the transaction itself. */
export function isResendable(code: string): boolean {
  return code === 'TX_EXPIRED' || code === 'TX_EVICTED';
}

/** The row that acknowledges a transaction: its wire form as JSON text, its signature as bytes. */
export function ackRow(e: MempoolEntry, signature: Uint8Array): AckRow {
  return txRowOf(e.tx, signature, e.seq, e.receivedMs);
}
