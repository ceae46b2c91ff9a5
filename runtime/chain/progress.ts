/**
 * How far the contracts are: their heads, and from them the epochs whose every part is on-chain.
 * The anchoring service and `qfs anchor status` both read progress here, so they report the same
 * anchored height.
 * @module
 */
import type { AnchorContracts } from './connect';

/** The anchor contract's chains (enum SealChain). */
export const COHERENCE = 0;
export const KEY = 1;

/** What the contracts hold: the next height, ordinal, epoch and chunk each expects. */
export type ChainHeads = {
  readonly coherenceNextHeight: number;
  /** The seal hash at coherenceNextHeight − 1 (0x-prefixed), null before the first anchor. */
  readonly coherenceLatestHash: string | null;
  readonly keyNextOrdinal: number;
  readonly tokenNextEpoch: number;
  readonly tokenNextChunk: number;
  readonly tokenChangesApplied: number;
  readonly registryNextEpoch: number;
  /** The height after the last anchored HolonetSync certificate range (null before any). */
  readonly certificateNextHeight: number | null;
};

export async function readChainHeads(c: AnchorContracts): Promise<ChainHeads> {
  const [coherence, key, token, registryNext, certificates] = await Promise.all([
    c.anchor.latestAnchor(COHERENCE),
    c.anchor.latestAnchor(KEY),
    c.token.balanceHead(),
    c.registry.nextEpoch(),
    c.anchor.certificateHead(),
  ]);
  return {
    coherenceNextHeight: coherence.anchored ? Number(coherence.latestHeight) + 1 : 0,
    coherenceLatestHash: coherence.anchored ? coherence.latestSealHash : null,
    keyNextOrdinal: key.anchored ? Number(key.latestHeight) + 1 : 0,
    tokenNextEpoch: Number(token.nextEpoch),
    tokenNextChunk: Number(token.nextChunk),
    tokenChangesApplied: Number(token.changesApplied),
    registryNextEpoch: Number(registryNext),
    certificateNextHeight: certificates.anchored ? Number(certificates.nextHeight) : null,
  };
}

/**
 * Epochs entirely on-chain: seals, allocation root and every balance chunk. (Key seals are anchored
 * before an epoch's root and balances, so those imply them.)
 */
export function anchoredEpochs(heads: ChainHeads, epochLength: number): number {
  return Math.min(
    heads.tokenNextEpoch,
    heads.registryNextEpoch,
    Math.floor(heads.coherenceNextHeight / epochLength),
  );
}

/** The last height of `epochs` complete epochs, null for none. */
export function anchoredHeightOf(epochs: number, epochLength: number): number | null {
  return epochs === 0 ? null : epochs * epochLength - 1;
}
