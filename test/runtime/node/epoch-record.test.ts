/*
 * NodeStore.epoch: a range of committed bundles as one typed record, read from a real sequencer's store
 * ├── balance changes from zero before genesis (a range from 0 carries the genesis balances), net over
 * │   the range, zero changes left out, ordered by address as a number, then token
 * ├── allocations summed per (address, token) over the range's bundles
 * ├── seal hashes, the previous seal hash, KeyLedger seals numbered across the ledger with their
 * │   predecessors
 * └── a range that is not committed is a StoreError (NODE_STORE)
 */
import { expect } from 'chai';
import {
  getAccount,
  listAccounts,
  TOKENS,
  type BundleResult,
  type EngineState,
} from '../../../runtime/engine';
import { isCodedError } from '../../../runtime/errors';
import { UD } from '../../../runtime/math';
import type { Sequencer } from '../../../runtime/node';
import { compareAddresses } from '../../../runtime/node/epoch-record';
import { actionBody, registerBody, signTx, transferBody } from '../../../runtime/sdk/tx-builder';
import { CHAIN_ID, keys } from '../../support/engine';
import { testKey } from '../../support/keys';
import { initStore, openSequencer, tempDir } from '../../support/node';

/** Every non-zero balance change from `before` (undefined: all zero) to `after`, as the record orders them. */
function expectedChanges(before: EngineState | undefined, after: EngineState) {
  const addresses = new Set<string>();
  for (const state of [before, after])
    if (state !== undefined)
      for (const { address } of listAccounts(state.accounts)) addresses.add(address);
  const out: { address: string; token: string; delta: bigint }[] = [];
  for (const address of [...addresses].sort(compareAddresses))
    for (const token of TOKENS) {
      const from =
        before === undefined
          ? 0n
          : BigInt(getAccount(before.accounts, address)?.balances[token] ?? 0n);
      const delta = BigInt(getAccount(after.accounts, address)?.balances[token] ?? 0n) - from;
      if (delta !== 0n) out.push({ address, token, delta });
    }
  return out;
}

describe('NodeStore.epoch', () => {
  let seq: Sequencer;
  const states: EngineState[] = [];
  const results: BundleResult[] = [];
  const newcomer = testKey(303);

  before(async () => {
    seq = await openSequencer(initStore(tempDir()));
    const [a, b, c] = [keys.user(0), keys.user(1), keys.user(2)];
    const rounds = [
      [
        signTx(a, CHAIN_ID, 1n, transferBody('CHR', b.address, '12.5')),
        signTx(b, CHAIN_ID, 1n, actionBody('compute', 4n)),
        signTx(c, CHAIN_ID, 1n, actionBody('storage', 2n)),
      ],
      [signTx(newcomer, CHAIN_ID, 1n, registerBody(CHAIN_ID, newcomer))],
      [
        signTx(a, CHAIN_ID, 2n, actionBody('compute', 3n)),
        signTx(c, CHAIN_ID, 2n, transferBody('RES', newcomer.address, '1')),
      ],
    ];
    for (const txs of rounds) {
      for (const tx of txs) await seq.submit(tx);
      const result = await seq.produceBundle();
      expect(result).to.not.equal(null);
      results.push(result!);
      states.push(seq.state);
    }
  });
  after(async () => seq.stop());

  it('starts from zero before genesis: a range from 0 carries the genesis balances', () => {
    const record = seq.store.epoch(0, 0);
    expect(record.balanceChanges.map((c) => ({ ...c }))).to.deep.equal(
      expectedChanges(undefined, states[0]!),
    );
    expect(record.balanceChanges.length).to.be.above(15);
  });

  it('nets the changes over a range and leaves out what did not change', () => {
    const record = seq.store.epoch(1, 2);
    const expected = expectedChanges(states[0]!, states[2]!);
    expect(record.balanceChanges.map((c) => ({ ...c }))).to.deep.equal(expected);
    expect(expected.some((c) => c.address === newcomer.address && c.token === 'RES')).to.equal(
      true,
    );
    // user 1 acted in bundle 0 only (no reward or transfer after it): nothing to carry.
    const idle = keys.user(1).address;
    expect(getAccount(states[2]!.accounts, idle)).to.deep.equal(
      getAccount(states[0]!.accounts, idle),
    );
    expect(record.balanceChanges.some((c) => c.address === idle)).to.equal(false);
  });

  it('sums the allocations of the range per (address, token)', () => {
    const record = seq.store.epoch(0, 2);
    const sums = new Map<string, bigint>();
    for (const r of results)
      for (const a of r.allocations) {
        const key = `${a.address.toLowerCase()}|${TOKENS.indexOf(a.token)}`;
        sums.set(key, (sums.get(key) ?? 0n) + BigInt(a.amount));
      }
    expect(record.allocations.length).to.equal(sums.size).and.be.above(2);
    for (const a of record.allocations)
      expect(BigInt(a.amount), a.address).to.equal(
        sums.get(`${a.address.toLowerCase()}|${TOKENS.indexOf(a.token)}`),
      );
    const keysInOrder = record.allocations.map(
      (a) => `${a.address.toLowerCase()}|${TOKENS.indexOf(a.token)}`,
    );
    expect(keysInOrder).to.deep.equal([...keysInOrder].sort());
    expect(UD.format(record.allocations[0]!.amount)).to.match(/^\d+\.\d{18}$/);
  });

  it('gives the seal hashes, the previous seal and the KeyLedger seals with their ordinals', () => {
    const whole = seq.store.epoch(0, 2);
    expect(whole.sealHashes).to.deep.equal([0, 1, 2].map((h) => seq.store.coherence(h)!.sealHash));
    expect(whole.prevSealHash).to.equal(null);
    expect(seq.store.epoch(2, 2).prevSealHash).to.equal(seq.store.coherence(1)!.sealHash);
    const keySeals = seq.store.keySealsIn(0, 2);
    expect(keySeals.map((s) => s.height)).to.deep.equal([1]);
    expect(whole.keySeals).to.deep.equal([
      { ordinal: 0, height: 1, sealHash: keySeals[0]!.sealHash, prevSealHash: null },
    ]);
    expect(seq.store.epoch(2, 2).keySeals).to.deep.equal([]);
  });

  it('refuses a range that is not committed with NODE_STORE', () => {
    for (const [first, last] of [
      [2, 3],
      [5, 5],
      [-1, 0],
    ] as const) {
      let thrown: unknown;
      try {
        seq.store.epoch(first, last);
      } catch (err) {
        thrown = err;
      }
      expect(isCodedError(thrown, 'NODE_STORE'), `${first}..${last}`).to.equal(true);
    }
  });
});
