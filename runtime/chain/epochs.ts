/**
 * What one anchoring epoch puts on-chain, computed from the store: the CoherenceLedger seal hashes
 * of its bundles, the KeyLedger seals committed with them, the Merkle root of its reward
 * allocations (OpenZeppelin StandardMerkleTree of (address, tokenId, amount)), and the net balance
 * change of every account it touched (epoch 0 also carries the genesis balances, since the token
 * contract starts empty). Epoch e covers bundle heights [e·L, (e+1)·L − 1].
 * @module
 */
import { StandardMerkleTree } from '@openzeppelin/merkle-tree';
import {
  loadGenesis,
  TOKEN_IDS,
  TOKENS,
  getAccount,
  listAccounts,
  type Account,
  type EngineState,
  type Token,
} from '../engine';
import { parseAccount } from '../node/records';
import { storedGenesis } from '../node/state-loader';
import type { NodeStore } from '../node/store';
import { ZERO_BYTES32 } from './hex32';

export type BalanceChange = {
  readonly account: string;
  readonly tokenId: bigint;
  readonly delta: bigint;
};

export type EpochPlan = {
  readonly epoch: number;
  readonly firstHeight: number;
  readonly lastHeight: number;
  /** Coherence seal hashes for heights first…last, 0x-prefixed. */
  readonly sealHashes: readonly string[];
  readonly prevSealHash: string;
  readonly lastSealHash: string;
  /** Key seals committed in the epoch: their ordinal on the anchor's Key chain and hash. */
  readonly keySeals: readonly {
    readonly ordinal: number;
    readonly sealHash: string;
    readonly prevSealHash: string;
  }[];
  readonly allocationRoot: string;
  readonly allocationLeaves: readonly [string, string, string][];
  readonly balanceChanges: readonly BalanceChange[];
};

export const hex32 = (hex: string): string => `0x${hex}`;

/** The plan of epoch `epoch` (its bundles must all be committed). */
export function planEpoch(store: NodeStore, epoch: number, epochLength: number): EpochPlan {
  const firstHeight = epoch * epochLength;
  const lastHeight = firstHeight + epochLength - 1;
  const rows = store.coherenceRange(firstHeight, lastHeight);
  if (rows.length !== epochLength) throw new Error(`epoch ${epoch} is not complete`);
  const prev = firstHeight === 0 ? undefined : store.coherence(firstHeight - 1);
  const keySeals = planKeySeals(store, firstHeight, lastHeight);
  const { root, leaves } = allocationTree(store, firstHeight, lastHeight);
  return Object.freeze({
    epoch,
    firstHeight,
    lastHeight,
    sealHashes: rows.map((r) => hex32(r.sealHash)),
    prevSealHash: prev === undefined ? ZERO_BYTES32 : hex32(prev.sealHash),
    lastSealHash: hex32((rows[rows.length - 1] as { sealHash: string }).sealHash),
    keySeals,
    allocationRoot: root,
    allocationLeaves: leaves,
    balanceChanges: balanceChanges(store, epoch, firstHeight, lastHeight),
  });
}

function planKeySeals(store: NodeStore, first: number, last: number): EpochPlan['keySeals'] {
  const before = first === 0 ? 0 : store.keySealCountUpTo(first - 1);
  const all = store.keySealsIn(0, last);
  return store.keySealsIn(first, last).map((s, i) => {
    const ordinal = before + i;
    const previous = ordinal === 0 ? undefined : all[ordinal - 1];
    return {
      ordinal,
      sealHash: hex32(s.sealHash),
      prevSealHash: previous === undefined ? ZERO_BYTES32 : hex32(previous.sealHash),
    };
  });
}

function allocationTree(
  store: NodeStore,
  first: number,
  last: number,
): { root: string; leaves: [string, string, string][] } {
  const sums = new Map<string, bigint>();
  for (let h = first; h <= last; h++) {
    const summary = JSON.parse(store.bundle(h)?.summary ?? '{}') as {
      allocations?: { address: string; token: Token; amount: string }[];
    };
    for (const a of summary.allocations ?? []) {
      const key = `${a.address.toLowerCase()}|${TOKEN_IDS[a.token]}|${a.address}`;
      sums.set(key, (sums.get(key) ?? 0n) + rawOf(a.amount));
    }
  }
  const leaves = [...sums.keys()].sort().map((key) => {
    const [, tokenId, address] = key.split('|') as [string, string, string];
    return [address, tokenId, (sums.get(key) as bigint).toString()] as [string, string, string];
  });
  if (leaves.length === 0) return { root: ZERO_BYTES32, leaves };
  return { root: StandardMerkleTree.of(leaves, ['address', 'uint256', 'uint256']).root, leaves };
}

/** An 18-decimal string to its raw integer. */
function rawOf(decimal: string): bigint {
  const [whole = '0', fraction = ''] = decimal.split('.');
  return BigInt(whole) * 10n ** 18n + BigInt(fraction.padEnd(18, '0') || '0');
}

function balanceChanges(
  store: NodeStore,
  epoch: number,
  first: number,
  last: number,
): BalanceChange[] {
  const genesis = loadGenesis(storedGenesis(store)).state;
  const addresses = new Set(store.changedAddresses(first, last));
  if (epoch === 0) for (const { address } of listAccounts(genesis.accounts)) addresses.add(address);
  const changes: BalanceChange[] = [];
  for (const address of [...addresses].sort((a, b) => compareAddress(a, b))) {
    const before = epoch === 0 ? undefined : valueAt(store, genesis, address, first - 1);
    const after = valueAt(store, genesis, address, last);
    for (const token of TOKENS) {
      const delta = (after?.balances[token] ?? 0n) - (before?.balances[token] ?? 0n);
      if (delta !== 0n)
        changes.push({ account: address, tokenId: BigInt(TOKEN_IDS[token]), delta });
    }
  }
  return changes;
}

function valueAt(
  store: NodeStore,
  genesis: EngineState,
  address: string,
  height: number,
): Account | undefined {
  const text = height < 0 ? undefined : store.accountAt(address, height);
  return text === undefined ? getAccount(genesis.accounts, address) : parseAccount(text);
}

function compareAddress(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
}
