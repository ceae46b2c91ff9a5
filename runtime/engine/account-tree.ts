/**
 * The account store and its commitment: a persistent (copy-on-write) tree of 4,096 buckets keyed by
 * the first three hex digits of the address, each bucket sorted by address, under a binary SHA-256
 * Merkle tree of bucket hashes. Updating k accounts copies the touched buckets and re-hashes their
 * leaves, their buckets and at most 12 ancestors each, so a bundle's state commitment costs
 * O(accounts touched), not O(all accounts), and the previous tree stays valid (DESIGN.md §3: the
 * engine is a pure function of its input state).
 *
 * leaf   = SHA-256("QFS/account/v1\n" ‖ canonical({address, balances, nonce}))
 * bucket = SHA-256("QFS/bucket/v1\n" ‖ leaf₀ ‖ leaf₁ ‖ …)   (hex digests, address order)
 * node   = SHA-256("QFS/node/v1\n" ‖ left ‖ right)
 * root   = node 1 of the heap-ordered tree over the 4,096 bucket hashes.
 * @module
 */
import { invariant } from '../assert';
import { sha256HexUtf8 } from '../codec';
import { UD } from '../math';
import { ZERO_AMOUNTS, type TokenAmounts } from './tokens';

/** One account: its five balances and the number of transactions it has sent. */
export type Account = { readonly balances: TokenAmounts; readonly nonce: bigint };

type Leaf = {
  readonly address: string;
  readonly key: string;
  readonly account: Account;
  readonly hash: string;
};

export type AccountTree = {
  /** 4,096 buckets, each sorted by lowercase address. */
  readonly buckets: readonly (readonly Leaf[])[];
  /** Heap-ordered node hashes: [1] is the root, [4096 + i] the hash of bucket i. */
  readonly nodes: readonly string[];
  readonly size: number;
};

const BUCKET_BITS = 12;
const BUCKETS = 1 << BUCKET_BITS;

/** An account that has never been touched. */
export const EMPTY_ACCOUNT: Account = Object.freeze({ balances: ZERO_AMOUNTS, nonce: 0n });

/** The hash of a bucket without accounts. */
export const EMPTY_BUCKET_HASH = sha256HexUtf8('QFS/bucket/v1\n');

/** The tree with no accounts. */
export const EMPTY_ACCOUNT_TREE: AccountTree = buildEmptyTree();

function buildEmptyTree(): AccountTree {
  const nodes: string[] = new Array<string>(2 * BUCKETS).fill('');
  for (let i = BUCKETS; i < 2 * BUCKETS; i++) nodes[i] = EMPTY_BUCKET_HASH;
  for (let i = BUCKETS - 1; i >= 1; i--)
    nodes[i] = nodeHash(nodes[2 * i] as string, nodes[2 * i + 1] as string);
  const buckets = Object.freeze(new Array<readonly Leaf[]>(BUCKETS).fill(Object.freeze([])));
  return Object.freeze({ buckets, nodes: Object.freeze(nodes), size: 0 });
}

function nodeHash(left: string, right: string): string {
  return sha256HexUtf8(`QFS/node/v1\n${left}${right}`);
}

/**
 * RFC 8785 text of a leaf, written out: keys in sorted order, every value a decimal string or an
 * EIP-55 address (no characters JSON escapes). A test checks it against the generic encoder.
 */
export function accountLeafText(address: string, account: Account): string {
  const b = account.balances;
  return (
    `{"address":"${address}","balances":{"ATR":"${UD.format(b.ATR)}","CHR":"${UD.format(b.CHR)}",` +
    `"FLX":"${UD.format(b.FLX)}","PSI":"${UD.format(b.PSI)}","RES":"${UD.format(b.RES)}"},` +
    `"nonce":"${account.nonce}"}`
  );
}

function leafHash(address: string, account: Account): string {
  return sha256HexUtf8(`QFS/account/v1\n${accountLeafText(address, account)}`);
}

function bucketHash(leaves: readonly Leaf[]): string {
  if (leaves.length === 0) return EMPTY_BUCKET_HASH;
  let text = 'QFS/bucket/v1\n';
  for (const leaf of leaves) text += leaf.hash;
  return sha256HexUtf8(text);
}

function bucketIndex(key: string): number {
  return Number.parseInt(key.slice(2, 2 + BUCKET_BITS / 4), 16);
}

/** Position of `key` in a sorted bucket, or the insertion point as −(i + 1). */
function search(leaves: readonly Leaf[], key: string): number {
  let lo = 0;
  let hi = leaves.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const midKey = (leaves[mid] as Leaf).key;
    if (midKey === key) return mid;
    if (midKey < key) lo = mid + 1;
    else hi = mid - 1;
  }
  return -(lo + 1);
}

/** The account at `address` (any letter case), or undefined when it was never touched. */
export function getAccount(tree: AccountTree, address: string): Account | undefined {
  const key = address.toLowerCase();
  const leaves = tree.buckets[bucketIndex(key)] as readonly Leaf[];
  const at = search(leaves, key);
  return at >= 0 ? (leaves[at] as Leaf).account : undefined;
}

/** The commitment to every account. */
export function accountsRoot(tree: AccountTree): string {
  return tree.nodes[1] as string;
}

/**
 * A new tree with `updates` applied (address → new account; addresses as EIP-55). The input tree
 * is not changed.
 */
export function updateAccounts(
  tree: AccountTree,
  updates: ReadonlyMap<string, Account>,
): AccountTree {
  if (updates.size === 0) return tree;
  const byBucket = new Map<number, { address: string; key: string; account: Account }[]>();
  for (const address of [...updates.keys()].sort()) {
    const key = address.toLowerCase();
    invariant(/^0x[0-9a-f]{40}$/.test(key), 'account addresses are 20-byte hex');
    const index = bucketIndex(key);
    const list = byBucket.get(index) ?? [];
    list.push({ address, key, account: updates.get(address) as Account });
    byBucket.set(index, list);
  }
  const buckets = [...tree.buckets];
  const nodes = [...tree.nodes];
  let size = tree.size;
  const dirty = new Set<number>();
  for (const index of [...byBucket.keys()].sort((a, b) => a - b)) {
    const leaves = [...(buckets[index] as readonly Leaf[])];
    for (const { address, key, account } of byBucket.get(index) ?? []) {
      const leaf = Object.freeze({ address, key, account, hash: leafHash(address, account) });
      const at = search(leaves, key);
      if (at >= 0) leaves[at] = leaf;
      else {
        leaves.splice(-at - 1, 0, leaf);
        size += 1;
      }
    }
    buckets[index] = Object.freeze(leaves);
    nodes[BUCKETS + index] = bucketHash(leaves);
    dirty.add((BUCKETS + index) >> 1);
  }
  rehash(nodes, dirty);
  return Object.freeze({ buckets: Object.freeze(buckets), nodes: Object.freeze(nodes), size });
}

/** Recomputes the dirty inner nodes level by level up to the root. */
function rehash(nodes: string[], dirty: Set<number>): void {
  let level = [...dirty].sort((a, b) => a - b);
  while (level.length > 0) {
    const parents = new Set<number>();
    for (const i of level) {
      nodes[i] = nodeHash(nodes[2 * i] as string, nodes[2 * i + 1] as string);
      if (i > 1) parents.add(i >> 1);
    }
    level = [...parents].sort((a, b) => a - b);
  }
}

/** Every account in address order (for export and tests; O(all accounts)). */
export function listAccounts(tree: AccountTree): { address: string; account: Account }[] {
  const out: { address: string; account: Account }[] = [];
  for (const leaves of tree.buckets)
    for (const leaf of leaves) out.push({ address: leaf.address, account: leaf.account });
  return out;
}
