/*
 * quorumSize / membershipOf
 * ├── majority by default: ⌊n/2⌋ + 1; none without replicas
 * ├── a fixed k: k while at least k replicas are active, else no quorum
 * └── the members are the active keys holding `replica`, sorted, as key events grant and withdraw
 *     the capability (applied by the engine, so replayable)
 */
import { expect } from 'chai';
import { keyLedgerView } from '../../../../runtime/ledger';
import { membershipOf, memberOf, quorumSize } from '../../../../runtime/sync/protocol';
import { keys, runBundle, tx } from '../../../support/engine';
import { capabilityBody } from '../../../../runtime/sdk/tx-builder';
import { replicaKey, syncState } from '../../../support/sync';

describe('quorumSize', () => {
  const table: [bigint, bigint, bigint | null][] = [
    [0n, 0n, null],
    [1n, 0n, 1n],
    [2n, 0n, 2n],
    [3n, 0n, 2n],
    [4n, 0n, 3n],
    [5n, 0n, 3n],
    [64n, 0n, 33n],
    [3n, 1n, 1n],
    [3n, 3n, 3n],
    [3n, 4n, null],
    [0n, 1n, null],
  ];
  for (const [active, parameter, expected] of table)
    it(`is ${expected} with ${active} active replicas and replicaQuorum ${parameter}`, () => {
      expect(quorumSize(active, parameter)).to.equal(expected);
    });
});

describe('membershipOf', () => {
  it('lists the active replica keys, sorted, with the genesis quorum parameter', () => {
    const state = syncState(3);
    const m = membershipOf(keyLedgerView(state.keys), state.params.replicaQuorum);
    const expected = [0, 1, 2].map((i) => replicaKey(i).address);
    expect(m.replicas.map((r) => r.address)).to.deep.equal(
      [...expected].sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1)),
    );
    expect(m.quorum).to.equal(2n);
    expect(memberOf(m, replicaKey(1).address.toLowerCase())?.address).to.equal(
      replicaKey(1).address,
    );
    expect(memberOf(m, keys.sequencer.address)).to.equal(undefined);
  });

  it('takes the quorum from the genesis parameter', () => {
    const state = syncState(3, { replicaQuorum: '3' });
    expect(membershipOf(keyLedgerView(state.keys), state.params.replicaQuorum).quorum).to.equal(3n);
  });

  it('follows grant and withdraw key events, as the engine applies them', () => {
    let state = syncState(3);
    const admin = keys.admin;
    const event = (type: 'grant' | 'withdraw', who: string, nonce: bigint) =>
      tx(admin, nonce, capabilityBody(state.chainId, type, who, 'replica', admin));
    const withdrawn = runBundle(state, [event('withdraw', replicaKey(2).address, 1n)]);
    expect(withdrawn.receipts[0]?.status).to.equal('ok');
    state = withdrawn.state;
    let m = membershipOf(keyLedgerView(state.keys), 0n);
    expect(m.replicas.map((r) => r.address)).not.to.include(replicaKey(2).address);
    expect(m.quorum).to.equal(2n);
    const granted = runBundle(state, [
      event('grant', keys.user(0).address, 2n),
      event('grant', keys.user(1).address, 3n),
    ]);
    m = membershipOf(keyLedgerView(granted.state.keys), 0n);
    expect(m.replicas).to.have.length(4);
    expect(m.quorum).to.equal(3n);
  });

  it('has no quorum without replicas', () => {
    const state = syncState(0);
    const m = membershipOf(keyLedgerView(state.keys), 0n);
    expect(m.replicas).to.deep.equal([]);
    expect(m.quorum).to.equal(null);
  });
});
