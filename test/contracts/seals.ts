/**
 * Seal hashes and a SealAnchor holding them, for the suites of the contracts that accept only anchored seals.
 * @module
 */
import { ethers } from 'hardhat';
import type { HardhatEthersSigner } from '@nomicfoundation/hardhat-ethers/signers';
import { SealAnchor__factory, type SealAnchor } from '../../typechain-types';

export const COHERENCE = 0n;
export const KEY = 1n;
export const NO_L1 = [ethers.ZeroHash, 0n] as const;
/** The admin delay the suites deploy with (seconds). */
export const ADMIN_DELAY = 3600n;

/** The seal hash of `height` on `chain` in these tests (any distinct non-zero values will do). */
export function seal(height: bigint, chain = COHERENCE): string {
  return ethers.id(`${chain === COHERENCE ? 'coherence' : 'key'} seal ${height}`);
}

export function seals(first: bigint, count: number, chain = COHERENCE): string[] {
  return Array.from({ length: count }, (_, i) => seal(first + BigInt(i), chain));
}

/**
 * A SealAnchor whose CoherenceLedger chain holds `first` singly, then `first + 1 .. first + batch` as one batch,
 * then `first + batch + 1` singly: `sealHashAt` answers for `first`, `first + batch` and `first + batch + 1` only.
 */
export async function deployAnchorHolding(
  admin: HardhatEthersSigner,
  sequencer: HardhatEthersSigner,
  first: bigint,
  batch: number,
): Promise<SealAnchor> {
  const anchor = (
    await new SealAnchor__factory(admin).deploy(ADMIN_DELAY, admin, sequencer)
  ).connect(sequencer);
  await anchor.anchorSeal(COHERENCE, first, seal(first), ethers.ZeroHash, ...NO_L1);
  await anchor.anchorSealBatch(
    COHERENCE,
    first + 1n,
    seal(first),
    seals(first + 1n, batch),
    ...NO_L1,
  );
  const after = first + BigInt(batch) + 1n;
  await anchor.anchorSeal(COHERENCE, after, seal(after), seal(after - 1n), ...NO_L1);
  return anchor;
}

/** The message a promise rejects with (fails the test if it resolves). */
export async function rejectionOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
  throw new Error('expected a rejection');
}
