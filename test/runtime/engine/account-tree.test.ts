/*
 * account tree
 * ├── accountLeafText equals canonicalString of the same object
 * ├── the root matches an independent recomputation of the documented tree (node:crypto)
 * ├── the root changes with any field of any account (each balance, the nonce, the address)
 * ├── updateAccounts is persistent: the input tree is unchanged and keeps its root
 * ├── O(touched): updating 2 accounts hashes 2 leaves, 2 buckets and their ancestors only,
 * │   shares every other bucket, and changes exactly the nodes on the two paths
 * │   (directly, and through executeBundle for a transfer between two users)
 * ├── getAccount ignores letter case; listAccounts is in address order; size counts accounts
 * └── EMPTY_ACCOUNT_TREE has a fixed root
 */
import { createHash } from 'node:crypto';
import { expect } from 'chai';
import * as digest from '../../../runtime/codec/digest';
import { canonicalString } from '../../../runtime/codec';
import {
  accountLeafText,
  accountsRoot,
  EMPTY_ACCOUNT,
  EMPTY_ACCOUNT_TREE,
  getAccount,
  listAccounts,
  TOKENS,
  updateAccounts,
  type Account,
  type AccountTree,
} from '../../../runtime/engine';
import { UD } from '../../../runtime/math';
import { transferBody } from '../../../runtime/sdk/tx-builder';
import { genesisState, keys, preverify, runBundle, unsignedTx } from '../../support/engine';

const A = '0x0205A1473A0534Dfc11FEB4d6E520F0A063fd27C';
const B = '0x765Abf844CBe131D36EDD97F0135F86eC41d4aa2';
const C = '0x000000000000000000000000000000000000dEaD';

function account(chr: string, nonce = 0n): Account {
  return { balances: { ...EMPTY_ACCOUNT.balances, CHR: UD.parse(chr) }, nonce };
}

const sha = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

/** The documented tree, computed from scratch: 4,096 buckets by the first 3 hex digits. */
function referenceRoot(entries: readonly { address: string; account: Account }[]): string {
  const buckets: string[][] = Array.from({ length: 4096 }, () => []);
  const sorted = [...entries].sort((x, y) =>
    x.address.toLowerCase() < y.address.toLowerCase() ? -1 : 1,
  );
  for (const { address, account: a } of sorted) {
    const balances: Record<string, string> = {};
    for (const token of TOKENS) balances[token] = UD.format(a.balances[token]);
    const text = canonicalString({ address, balances, nonce: a.nonce.toString() });
    buckets[Number.parseInt(address.slice(2, 5), 16)]?.push(sha(`QFS/account/v1\n${text}`));
  }
  let level = buckets.map((leaves) => sha(`QFS/bucket/v1\n${leaves.join('')}`));
  while (level.length > 1) {
    const next: string[] = [];
    for (let i = 0; i < level.length; i += 2)
      next.push(sha(`QFS/node/v1\n${level[i]}${level[i + 1]}`));
    level = next;
  }
  return level[0] as string;
}

function withHashCount<T>(fn: () => T): { result: T; hashes: number } {
  const original = digest.sha256HexUtf8;
  let hashes = 0;
  (digest as { sha256HexUtf8: (s: string) => string }).sha256HexUtf8 = (s: string) => {
    hashes += 1;
    return original(s);
  };
  try {
    return { result: fn(), hashes };
  } finally {
    (digest as { sha256HexUtf8: (s: string) => string }).sha256HexUtf8 = original;
  }
}

/** Node indices on the path from bucket `b` to the root. */
function path(b: number): number[] {
  const out: number[] = [];
  for (let i = 4096 + b; i >= 1; i >>= 1) out.push(i);
  return out;
}

function changedNodes(before: AccountTree, after: AccountTree): number[] {
  const out: number[] = [];
  for (let i = 1; i < 8192; i++) if (before.nodes[i] !== after.nodes[i]) out.push(i);
  return out;
}

describe('accountLeafText', () => {
  it('equals canonicalString of {address, balances, nonce} with 18-decimal strings', () => {
    const a: Account = {
      balances: {
        CHR: UD.parse('1.5'),
        FLX: UD.parse('0.000000000000000001'),
        PSI: UD.ZERO,
        ATR: UD.parse('123456789'),
        RES: UD.MAX,
      },
      nonce: 42n,
    };
    const balances: Record<string, string> = {};
    for (const token of TOKENS) balances[token] = UD.format(a.balances[token]);
    expect(accountLeafText(A, a)).to.equal(canonicalString({ nonce: '42', balances, address: A }));
  });
});

describe('updateAccounts', () => {
  const entries = [
    { address: A, account: account('10', 1n) },
    { address: B, account: account('20') },
    { address: C, account: account('0.5', 3n) },
  ];
  const tree = updateAccounts(
    EMPTY_ACCOUNT_TREE,
    new Map(entries.map((e) => [e.address, e.account])),
  );

  it('gives the root of the documented tree (independent recomputation)', () => {
    expect(accountsRoot(tree)).to.equal(referenceRoot(entries));
    expect(accountsRoot(EMPTY_ACCOUNT_TREE)).to.equal(referenceRoot([]));
  });

  it('changes the root when any field of an account changes', () => {
    const base = getAccount(tree, B) as Account;
    const roots = new Set([accountsRoot(tree)]);
    for (const token of TOKENS) {
      const changed = {
        ...base,
        balances: { ...base.balances, [token]: base.balances[token] + 1n },
      };
      roots.add(accountsRoot(updateAccounts(tree, new Map([[B, changed as Account]]))));
    }
    roots.add(accountsRoot(updateAccounts(tree, new Map([[B, { ...base, nonce: 1n }]]))));
    expect(roots.size).to.equal(TOKENS.length + 2);
  });

  it('changes the root when the same account moves to another address', () => {
    const other = '0x765ABf844CBe131D36EDD97F0135F86eC41d4aa3';
    const moved = updateAccounts(
      EMPTY_ACCOUNT_TREE,
      new Map([
        [A, account('10', 1n)],
        [other, account('20')],
        [C, account('0.5', 3n)],
      ]),
    );
    expect(accountsRoot(moved)).to.not.equal(accountsRoot(tree));
  });

  it('leaves the input tree unchanged (persistent)', () => {
    const rootBefore = accountsRoot(tree);
    const next = updateAccounts(tree, new Map([[A, account('99', 2n)]]));
    expect(accountsRoot(tree)).to.equal(rootBefore);
    expect(UD.formatTrimmed((getAccount(tree, A) as Account).balances.CHR)).to.equal('10');
    expect(UD.formatTrimmed((getAccount(next, A) as Account).balances.CHR)).to.equal('99');
    expect(next.size).to.equal(3);
  });

  it('returns the same tree for no updates', () => {
    expect(updateAccounts(tree, new Map())).to.equal(tree);
  });

  describe('cost (O(accounts touched))', () => {
    // 3,000 accounts spread over the buckets, then 2 updated.
    const many = new Map<string, Account>();
    for (let i = 0; i < 3000; i++) {
      const address = `0x${createHash('sha256').update(`acct-${i}`).digest('hex').slice(0, 40)}`;
      many.set(address, account(String(i)));
    }
    const big = updateAccounts(EMPTY_ACCOUNT_TREE, many);
    // The lowest and the highest address: two different buckets, paths joining only at the root.
    const sorted = [...many.keys()].sort();
    const [first, second] = [sorted[0], sorted[sorted.length - 1]];
    const touched = new Map([
      [first as string, account('1', 5n)],
      [second as string, account('2', 5n)],
    ]);
    const bucketOf = (address: string) => Number.parseInt(address.slice(2, 5), 16);

    it('hashes 2 leaves, 2 buckets and the inner nodes on their two paths, nothing else', () => {
      const { result: next, hashes } = withHashCount(() => updateAccounts(big, touched));
      const inner = new Set([
        ...path(bucketOf(first as string)),
        ...path(bucketOf(second as string)),
      ]);
      const innerCount = [...inner].filter((i) => i < 4096).length;
      expect(hashes).to.equal(2 + 2 + innerCount);
      expect(accountsRoot(next)).to.not.equal(accountsRoot(big));
    });

    it('shares every untouched bucket and changes exactly the nodes on the two paths', () => {
      const next = updateAccounts(big, touched);
      const buckets = new Set([bucketOf(first as string), bucketOf(second as string)]);
      for (let b = 0; b < 4096; b++) {
        expect(next.buckets[b] === big.buckets[b]).to.equal(!buckets.has(b));
      }
      const expected = [...new Set([...buckets].flatMap(path))].sort((x, y) => x - y);
      expect(changedNodes(big, next)).to.deep.equal(expected);
    });
  });
});

describe('executeBundle commitment cost', () => {
  it('a transfer between two users re-hashes only their two buckets and ancestors', () => {
    const state = genesisState(3);
    const [a, b] = [keys.user(0), keys.user(1)];
    const t = [unsignedTx(a.address, 1n, transferBody('CHR', b.address, '1'))];
    const result = runBundle(state, t, { preverified: preverify(t) });
    const bucketOf = (address: string) => Number.parseInt(address.slice(2, 5), 16);
    const buckets = [...new Set([bucketOf(a.address), bucketOf(b.address)])];
    const expected = [...new Set(buckets.flatMap(path))].sort((x, y) => x - y);
    expect(changedNodes(state.accounts, result.state.accounts)).to.deep.equal(expected);
  });
});

describe('getAccount', () => {
  const tree = updateAccounts(EMPTY_ACCOUNT_TREE, new Map([[A, account('1')]]));
  it('finds an account by its address in any letter case', () => {
    expect(getAccount(tree, A.toLowerCase())).to.equal(getAccount(tree, A));
    expect(getAccount(tree, A)).to.not.equal(undefined);
  });
  it('returns undefined for an address never touched', () => {
    expect(getAccount(tree, B)).to.equal(undefined);
  });
});

describe('listAccounts', () => {
  it('lists every account in address order with its EIP-55 address', () => {
    const tree = updateAccounts(
      EMPTY_ACCOUNT_TREE,
      new Map([
        [B, account('2')],
        [C, account('3')],
        [A, account('1')],
      ]),
    );
    expect(listAccounts(tree).map((e) => e.address)).to.deep.equal([C, A, B]);
    expect(tree.size).to.equal(3);
  });
});

describe('EMPTY_ACCOUNT_TREE', () => {
  it('has no accounts and the root of 4,096 empty buckets', () => {
    expect(EMPTY_ACCOUNT_TREE.size).to.equal(0);
    expect(listAccounts(EMPTY_ACCOUNT_TREE)).to.deep.equal([]);
    expect(accountsRoot(EMPTY_ACCOUNT_TREE)).to.equal(referenceRoot([]));
  });
});
