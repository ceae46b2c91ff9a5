/**
 * Membership: which keys are replicas at a height and how many cosignatures confirm it. The set is
 * read from the KeyLedger (keys active with the `replica` capability), so it is signed, ordered and
 * replayable like everything else on the ledger; the quorum comes from the genesis parameter
 * `replicaQuorum`. docs/sync.md, Membership.
 * @module
 */
import type { KeyLedgerView } from '../../ledger';

/** A replica as the KeyLedger names it. */
export type ReplicaMember = { readonly address: string; readonly publicKey: string };

/** The replica set of one height and the cosignatures that confirm a bundle there. */
export type Membership = {
  /** Active `replica` keys, sorted by lowercase address. */
  readonly replicas: readonly ReplicaMember[];
  /** Distinct cosignatures needed; null when the set cannot confirm anything (too few replicas). */
  readonly quorum: bigint | null;
};

/**
 * The cosignatures needed with `active` replicas under the `replicaQuorum` parameter: 0 means a
 * majority (⌊n/2⌋ + 1), so that two different seals can never both be confirmed while honest
 * replicas sign one seal per height; k > 0 means k. Null when no quorum is reachable (no replicas,
 * or fewer than k).
 * @param active - replicas active at the height
 * @param parameter - the genesis `replicaQuorum` (0 = majority)
 */
export function quorumSize(active: bigint, parameter: bigint): bigint | null {
  if (active <= 0n) return null;
  if (parameter === 0n) return active / 2n + 1n;
  return parameter <= active ? parameter : null;
}

/**
 * The membership in force for a bundle: the KeyLedger state after the bundle (the one its
 * CoherenceLedger entry commits to as `keyLedgerHead`), so a replica revoked by a bundle does not
 * count for it and one granted by it does.
 * @param view - the KeyLedger after the bundle
 * @param parameter - the genesis `replicaQuorum`
 */
export function membershipOf(view: KeyLedgerView, parameter: bigint): Membership {
  const replicas = view
    .listKeys()
    .filter((k) => k.status === 'active' && k.capabilities.includes('replica'))
    .map((k) => Object.freeze({ address: k.keyId, publicKey: k.publicKey }));
  return Object.freeze({
    replicas: Object.freeze(replicas),
    quorum: quorumSize(BigInt(replicas.length), parameter),
  });
}

/** The member with this address (any letter case), or undefined. */
export function memberOf(membership: Membership, address: string): ReplicaMember | undefined {
  const lower = address.toLowerCase();
  return membership.replicas.find((r) => r.address.toLowerCase() === lower);
}
