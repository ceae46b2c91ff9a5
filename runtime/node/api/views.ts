/**
 * What the API returns, built from the sequencer's live state and its store. Plain data shaped
 * like the response schemas in `schemas.ts` (which serialise it).
 * @module
 */
import type { AnchorStatus } from '../anchoring';
import { parseAddress } from '../../codec';
import { amountsJson, EMPTY_ACCOUNT, getAccount, type Receipt } from '../../engine';
import { keyLedgerView } from '../../ledger';
import { UD } from '../../math';
import { NotFoundError } from '../errors';
import type { LedgerNode } from '../ledger-node';
import type { TxStatus } from '../sequencer';

/**
 * A transaction's status: pending, committed (height, index, receipt) or rejected (code, reason).
 * With HolonetSync (`confirmation`), a committed one also says whether its bundle is confirmed by
 * a quorum certificate, and which.
 */
export function txView(
  status: TxStatus,
  confirmation?: (height: number) => string | null,
): Record<string, unknown> {
  switch (status.status) {
    case 'pending':
      return { txHash: status.txHash, status: 'pending' };
    case 'committed':
      return {
        txHash: status.txHash,
        status: 'committed',
        height: status.height,
        index: status.index,
        receipt: receiptView(status.receipt),
        ...(confirmation === undefined ? {} : confirmationView(confirmation(status.height))),
      };
    case 'rejected':
      return {
        txHash: status.txHash,
        status: 'rejected',
        code: status.code,
        reason: status.reason,
      };
  }
}

function confirmationView(certificateHash: string | null): Record<string, unknown> {
  return certificateHash === null ? { confirmed: false } : { confirmed: true, certificateHash };
}

function receiptView(r: Receipt): Record<string, unknown> {
  return {
    status: r.status,
    ...(r.code === undefined ? {} : { code: r.code }),
    ...(r.reason === undefined ? {} : { reason: r.reason }),
    ...(r.fee === undefined ? {} : { fee: UD.format(r.fee) }),
  };
}

/**
 * An account at the committed state: balances, nonce and KeyLedger record. An address nobody has
 * touched has zero balances, nonce 0 and no key.
 * @throws {CodecBadAddressError} when a mixed-case address has a wrong EIP-55 checksum
 */
export function accountView(seq: LedgerNode, input: string): Record<string, unknown> {
  const address = parseAddress(input);
  const state = seq.state;
  const account = getAccount(state.accounts, address) ?? EMPTY_ACCOUNT;
  const key = keyLedgerView(state.keys).getKey(address);
  return {
    address,
    height: Number(state.height),
    balances: amountsJson(account.balances),
    nonce: account.nonce.toString(),
    nextNonce: (seq.pendingNonce(address) + 1n).toString(),
    key:
      key === undefined
        ? null
        : {
            status: key.status,
            capabilities: [...key.capabilities],
            registeredAt: key.registeredAt.toString(),
            changedAt: key.changedAt.toString(),
            rotatedFrom: key.rotatedFrom,
            rotatedTo: key.rotatedTo,
          },
  };
}

/**
 * A committed bundle: hashes, the signed packet, its transaction hashes in order, the summary
 * (metrics, rewards, allocations, fees, dissonance), its CoherenceLedger entry and seal.
 * @throws {NotFoundError} when no bundle has this height
 */
export function bundleView(seq: LedgerNode, height: number): Record<string, unknown> {
  const row = seq.store.bundle(height);
  if (row === undefined) throw new NotFoundError('bundle', { height });
  const coherence = seq.store.coherence(height);
  if (coherence === undefined) throw new Error(`bundle ${height} has no coherence entry`);
  const summary = JSON.parse(row.summary) as Record<string, unknown>;
  return {
    height: row.height,
    packetHash: row.packetHash,
    bundleHash: row.bundleHash,
    opLogHash: row.opLogHash,
    stateRoot: row.stateRoot,
    txCount: row.txCount,
    packet: JSON.parse(row.packet),
    txHashes: seq.store.bundleTxHashes(height),
    metrics: summary.metrics,
    rewards: summary.rewards,
    allocations: summary.allocations,
    toTreasury: summary.toTreasury,
    fees: summary.fees,
    dissonance: summary.dissonance,
    entropy: summary.entropy ?? null,
    opLogEntryCount: summary.opLogEntryCount,
    coherenceEntry: JSON.parse(coherence.entry),
    seal: JSON.parse(coherence.seal),
    sealHash: coherence.sealHash,
  };
}

/**
 * The latest CoherenceLedger finality seal.
 * @throws {NotFoundError} before the first bundle
 */
export function latestSealView(seq: LedgerNode): Record<string, unknown> {
  const head = seq.store.headHeight();
  const row = head < 0 ? undefined : seq.store.coherence(head);
  if (row === undefined) throw new NotFoundError('coherence seal', { height: head });
  return {
    height: row.height,
    entryHash: row.entryHash,
    seal: JSON.parse(row.seal),
    sealHash: row.sealHash,
  };
}

/**
 * The latest KeyLedger finality seal (written by bundles that carry key events).
 * @throws {NotFoundError} before the first such bundle
 */
export function keySealView(seq: LedgerNode): Record<string, unknown> {
  const row = seq.store.latestKeySeal();
  if (row === undefined) throw new NotFoundError('KeyLedger seal', {});
  return { height: row.height, seal: JSON.parse(row.seal), sealHash: row.sealHash };
}

/** The node at a glance: chain, heights, head hashes, halt, mempool depth, anchoring. */
export function statusView(
  seq: LedgerNode,
  version: string,
  anchoring: AnchorStatus | null,
  entropy: unknown = null,
  sync: unknown = null,
): Record<string, unknown> {
  const state = seq.state;
  const head = seq.coherenceHead;
  const halt = seq.halted;
  return {
    chainId: state.chainId,
    version,
    height: state.height === 0n ? null : Number(state.height - 1n),
    nextHeight: Number(state.height),
    stateRoot: state.stateRoot,
    headHash: head === null ? null : head.entryHash,
    lastSealHash: head === null ? null : seq.lastSealHash,
    halted:
      halt === null
        ? null
        : {
            cir: halt.cir,
            reason: halt.reason,
            height: Number(halt.height),
            evidence: { ...halt.evidence },
          },
    mempoolDepth: seq.mempoolSize,
    anchoring,
    // Without an entropy service (a chain without an entropy policy), what the last packet says.
    entropy: plainJson(
      entropy ?? { mode: 'unverified', lastSource: state.lastPacket?.entropy.source ?? null },
    ),
    sync: plainJson(sync ?? null),
  };
}

/** A JSON-safe copy of a value reported by another component (bigints as decimal strings). */
function plainJson(value: unknown): unknown {
  return JSON.parse(
    JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) ??
      'null',
  );
}
