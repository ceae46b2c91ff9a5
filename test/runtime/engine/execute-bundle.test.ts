/*
 * executeBundle
 * ├── worked example: a transfer and two actions → receipts, fees, HSMF metrics, rewards and
 * │   allocations, each cross-checked against a decimal.js emulation and an exact split by hand
 * ├── conserves supply and keeps Σ balances = supply; the input state is never changed
 * ├── is deterministic: the same inputs give the same bytes; a fork from the same state diverges
 * ├── rejects the bundle before anything runs:
 * │   ├── BUNDLE_REJECTED: more than BUNDLE_TXS_MAX transactions; a packet not after the genesis time
 * │   └── DRV_*: payload hash (other transactions, other order), signer not a sequencer,
 * │       replayed packet, timestamp not increasing
 * ├── halts with CIR302_HALT and returns no state:
 * │   ├── survival imperative (guidance with S_CHR = C_CRIT, accepted in the previous bundle)
 * │   ├── CIR-511 escalation (S_Ψ grows each bundle without fresh guidance, threshold 0.5)
 * │   └── arithmetic that cannot complete at bundle level (a RES supply at the top of the range)
 * └── more distinct action senders than one allocation can pay (1,024): the extra ones fail
 *     TX_RECIPIENTS_FULL without using their nonce, and the bundle commits
 */
import { expect } from 'chai';
import { addressFromPublicKey, bytesToHex } from '../../../runtime/codec';
import {
  BUNDLE_TXS_MAX,
  executeBundle,
  getAccount,
  guidanceToJson,
  listAccounts,
  loadGenesis,
  TOKENS,
  type BundleResult,
  type EngineState,
  type SignedTx,
} from '../../../runtime/engine';
import type { KeyPair } from '../../../runtime/crypto';
import { Cir302Halt } from '../../../runtime/guard';
import type { KeyRecord } from '../../../runtime/ledger';
import { UD } from '../../../runtime/math';
import { actionBody, transferBody } from '../../../runtime/sdk/tx-builder';
import {
  balancesOf,
  GENESIS_TIME,
  genesisState,
  guidanceWith,
  keys,
  packetFor,
  preverify,
  runBundle,
  testGenesis,
  tx,
  unsignedTx,
} from '../../support/engine';
import { caught } from '../../support/keys';
import { fromRaw, OracleDecimal, toRawTruncated } from '../../support/oracle';

const [A, B, C] = [0, 1, 2].map((i) => keys.user(i)) as [KeyPair, KeyPair, KeyPair];

function run(state: EngineState, list: readonly SignedTx[], stepMs = 1000n): BundleResult {
  return runBundle(state, list, { preverified: preverify(list), stepMs });
}

function totalBalances(state: EngineState): Record<string, bigint> {
  const sums: Record<string, bigint> = { CHR: 0n, FLX: 0n, PSI: 0n, ATR: 0n, RES: 0n };
  for (const { account } of listAccounts(state.accounts))
    for (const token of TOKENS) sums[token] = (sums[token] as bigint) + account.balances[token];
  return sums;
}

/** Exact largest-remainder split of `total` by `weights` (recipients already in address order). */
function splitByHand(total: bigint, weights: bigint[]): bigint[] {
  const sum = weights.reduce((x, y) => x + y, 0n);
  const parts = weights.map((w) => (total * w) / sum);
  const order = weights
    .map((w, i) => ({ i, r: (total * w) % sum }))
    .sort((x, y) => (x.r === y.r ? x.i - y.i : x.r > y.r ? -1 : 1));
  let left = total - parts.reduce((x, y) => x + y, 0n);
  for (const { i } of order) {
    if (left === 0n) break;
    parts[i] = (parts[i] as bigint) + 1n;
    left -= 1n;
  }
  return parts;
}

describe('executeBundle', function () {
  // Bundles sign and verify their DRV packets (and some transactions) with ML-DSA-87.
  this.timeout(60_000);
  const s0 = genesisState(3);

  describe('worked example: A sends B 10 CHR; B acts (compute, 5 units); A acts (storage, 7 units)', () => {
    const signed = [
      tx(A, 1n, transferBody('CHR', B.address, '10')),
      tx(B, 1n, actionBody('compute', 5n)),
      tx(A, 2n, actionBody('storage', 7n)),
    ];
    const result = runBundle(s0, signed);
    const D = OracleDecimal;
    const trunc = (x: InstanceType<typeof D>) => x.toDecimalPlaces(18, D.ROUND_DOWN);

    it('executes every transaction (signatures verified for real)', () => {
      expect(result.receipts.map((r) => r.status)).to.deep.equal(['ok', 'ok', 'ok']);
      expect(result.receipts.map((r) => r.index)).to.deep.equal([0, 1, 2]);
      expect(result.receipts.map((r) => r.txHash)).to.deep.equal(signed.map((t) => t.hash));
    });

    it('runs HSMF on the genesis guidance: S_RES 0.01, Action_Cost 0.06, C_holo 1/1.01', () => {
      const m = result.hsmf.metrics;
      expect(UD.format(m.sRes)).to.equal('0.010000000000000000');
      expect(UD.format(m.actionCost)).to.equal('0.060000000000000000');
      expect(UD.format(m.cHolo)).to.equal('0.990099009900990099');
      expect(result.hsmf.valid).to.equal(true);
    });

    it('charges fees units × (0.06 + penalty) × 0.01: 0.008 (compute 0.1) and 0.0077 (storage 0.05)', () => {
      expect(result.receipts.map((r) => r.fee && UD.formatTrimmed(r.fee))).to.deep.equal([
        undefined,
        '0.008',
        '0.0077',
      ]);
      expect(balancesOf(result.state, keys.treasury).FLX).to.equal('0.0157');
    });

    it('grants rewards for U = 12 that match the formulas (decimal.js, truncating each step)', () => {
      const cHolo = fromRaw(result.hsmf.metrics.cHolo);
      const m = new D(1).add(trunc(cHolo.div(10)));
      const base = trunc(trunc(new D(12).mul(cHolo)).mul(m));
      const chr = base; // rate 1
      const expected = {
        CHR: chr,
        FLX: trunc(trunc(new D('0.1').mul(chr)).mul(m)),
        PSI: trunc(new D('0.1').mul(base)),
        ATR: trunc(new D('0.05').mul(base)),
        RES: trunc(new D('0.02').mul(base)),
      };
      for (const token of TOKENS) {
        expect(result.rewards.granted[token]).to.equal(toRawTruncated(expected[token]));
      }
      expect(UD.format(result.rewards.granted.CHR)).to.equal('13.057543378100186245');
      expect(result.rewards.clips).to.deep.equal([]);
    });

    it('allocates each reward 7:5 between A and B, exactly (largest remainder)', () => {
      const [first, second] = [A.address, B.address].sort((x, y) =>
        x.toLowerCase() < y.toLowerCase() ? -1 : 1,
      );
      const weights = first === A.address ? [7n, 5n] : [5n, 7n];
      for (const token of TOKENS) {
        const parts = splitByHand(result.rewards.granted[token], weights);
        const got = result.allocations.filter((a) => a.token === token);
        expect(got.map((a) => [a.address, a.amount])).to.deep.equal([
          [first, parts[0]],
          [second, parts[1]],
        ]);
      }
      expect(result.toTreasury.CHR).to.equal(UD.ZERO);
    });

    it('commits balances: transfer, fees and rewards', () => {
      const rewardOf = (address: string, token: string) =>
        result.allocations.find((a) => a.address === address && a.token === token)?.amount ?? 0n;
      const a = getAccount(result.state.accounts, A.address);
      expect(a?.balances.CHR).to.equal(UD.parse('990') + rewardOf(A.address, 'CHR'));
      expect(a?.balances.FLX).to.equal(UD.parse('999.9923') + rewardOf(A.address, 'FLX'));
      expect(a?.nonce).to.equal(2n);
    });

    it('raises the supply by exactly the rewards, and Σ balances = supply', () => {
      for (const token of TOKENS) {
        expect(result.state.supply[token]).to.equal(
          s0.supply[token] + result.rewards.granted[token],
        );
      }
      expect(totalBalances(result.state)).to.deep.equal({ ...result.state.supply });
    });

    it('advances the height and links the packet; reports one op log for the bundle', () => {
      expect(result.height).to.equal(0n);
      expect(result.state.height).to.equal(1n);
      expect(result.state.lastPacketHash).to.equal(result.packetHash);
      expect(result.state.stateRoot).to.equal(result.stateRoot);
      expect(result.opLogEntryCount).to.be.greaterThan(50);
      expect(result.opLogHash).to.match(/^[0-9a-f]{64}$/);
      expect(result.bundleHash).to.match(/^[0-9a-f]{64}$/);
    });

    it('leaves the input state unchanged', () => {
      expect(balancesOf(s0, A.address).CHR).to.equal('1000');
      expect(s0.height).to.equal(0n);
      expect(s0.stateRoot).to.equal(genesisState(3).stateRoot);
    });
  });

  describe('determinism', () => {
    const list = [
      unsignedTx(A.address, 1n, transferBody('FLX', C.address, '2.5')),
      unsignedTx(C.address, 1n, actionBody('relay', 3n, 'ref')),
    ];
    it('gives identical bytes for identical inputs', () => {
      const packet = packetFor(s0, list);
      const one = executeBundle(s0, { packet, txs: list }, { preverified: preverify(list) });
      const two = executeBundle(s0, { packet, txs: list }, { preverified: preverify(list) });
      expect(two.stateRoot).to.equal(one.stateRoot);
      expect(two.opLogHash).to.equal(one.opLogHash);
      expect(two.bundleHash).to.equal(one.bundleHash);
      expect(two.receipts).to.deep.equal(one.receipts);
      expect(two.allocations).to.deep.equal(one.allocations);
    });
    it('gives another root for another bundle on the same state (forks are independent)', () => {
      const one = run(s0, list);
      const other = run(s0, [list[0] as SignedTx]);
      expect(other.stateRoot).to.not.equal(one.stateRoot);
      expect(run(s0, list).stateRoot).to.equal(one.stateRoot);
    });
  });

  describe('when the bundle is rejected before execution', () => {
    it(`BUNDLE_REJECTED: more than ${BUNDLE_TXS_MAX} transactions`, () => {
      const t = unsignedTx(A.address, 1n, transferBody('CHR', B.address, '1'));
      const many = Array<SignedTx>(BUNDLE_TXS_MAX + 1).fill(t);
      const err = caught(() => executeBundle(s0, { packet: packetFor(s0, []), txs: many }));
      expect(err).to.have.property('code', 'BUNDLE_REJECTED');
    });
    it('BUNDLE_REJECTED: a first packet at the genesis time', () => {
      const err = caught(() => runBundle(s0, [], { stepMs: 0n }));
      expect(err).to.have.property('code', 'BUNDLE_REJECTED');
      expect(err).to.have.nested.property('details.genesisTime', GENESIS_TIME);
    });
    it('DRV_PAYLOAD_HASH_MISMATCH: other transactions, or the same in another order', () => {
      const [t1, t2] = [
        unsignedTx(A.address, 1n, transferBody('CHR', B.address, '1')),
        unsignedTx(B.address, 1n, transferBody('CHR', A.address, '1')),
      ] as [SignedTx, SignedTx];
      const packet = packetFor(s0, [t1, t2]);
      for (const txs of [[t2, t1], [t1], []]) {
        expect(caught(() => executeBundle(s0, { packet, txs }))).to.have.property(
          'code',
          'DRV_PAYLOAD_HASH_MISMATCH',
        );
      }
    });
    it('DRV_SIGNER_UNAUTHORIZED: a packet signed by a key without the sequencer capability', () => {
      const packet = packetFor(s0, [], 1000n, 7, keys.oracle);
      expect(caught(() => executeBundle(s0, { packet, txs: [] }))).to.have.property(
        'code',
        'DRV_SIGNER_UNAUTHORIZED',
      );
    });
    it('DRV_BAD_SEQUENCE: the previous packet replayed on the next state', () => {
      const packet = packetFor(s0, []);
      const r = executeBundle(s0, { packet, txs: [] });
      expect(caught(() => executeBundle(r.state, { packet, txs: [] }))).to.have.property(
        'code',
        'DRV_BAD_SEQUENCE',
      );
    });
    it('DRV_TIMESTAMP_NOT_INCREASING: a packet at the previous packet’s time', () => {
      const r = run(s0, []);
      expect(caught(() => run(r.state, [], 0n))).to.have.property(
        'code',
        'DRV_TIMESTAMP_NOT_INCREASING',
      );
    });
  });

  describe('when the bundle must halt (CIR-302)', () => {
    it('halts on the survival imperative once guidance with S_CHR = C_CRIT is in force', () => {
      const g = guidanceToJson(guidanceWith({ sequence: '2', forPacket: '1', sChr: '0.5' }));
      const r1 = run(s0, [unsignedTx(keys.oracle.address, 1n, { type: 'guidance', guidance: g })]);
      expect(r1.receipts[0]?.status).to.equal('ok');
      let next: BundleResult | undefined;
      const err = caught(() => {
        next = run(r1.state, [unsignedTx(A.address, 1n, transferBody('CHR', B.address, '1'))]);
      });
      expect(next).to.equal(undefined);
      expect(err).to.be.instanceOf(Cir302Halt);
      expect((err as Cir302Halt).evidence).to.deep.include({
        sequence: '1',
        sChr: '0.500000000000000000',
        cCrit: '0.500000000000000000',
      });
    });

    it('halts when CIR-511 sees escalationCount dissonant bundles in a row', () => {
      const s = genesisState(1, { dissonanceThresholds: { sPsi: '0.5' } });
      const r0 = run(s, []); // packet 0: S_Ψ 0, nothing to compare with
      const r1 = run(r0.state, []); // S_Ψ 1: dissonant (1)
      expect(r1.dissonance.map((d) => d.metric)).to.include('sPsi');
      expect(r1.state.cir511.consecutive).to.equal(1n);
      const r2 = run(r1.state, []); // S_Ψ 2: dissonant (2)
      expect(r2.state.cir511.consecutive).to.equal(2n);
      const err = caught(() => run(r2.state, [])); // S_Ψ 3: the third in a row
      expect(err).to.be.instanceOf(Cir302Halt);
      expect((err as Cir302Halt).reason).to.equal('CIR-511 dissonance escalated');
    });

    it('halts (instead of throwing a math error) when the supply would leave the range', () => {
      const doc = testGenesis(1);
      const accounts = doc.accounts as { balances: Record<string, string> }[];
      (accounts[0] as { balances: Record<string, string> }).balances = {
        FLX: '1000',
        RES: '340282366920938463463',
      };
      const s = loadGenesis(doc).state;
      const err = caught(() => run(s, [unsignedTx(A.address, 1n, actionBody('relay', 100n))]));
      expect(err).to.be.instanceOf(Cir302Halt);
      expect((err as Cir302Halt).evidence).to.deep.include({ code: 'MATH_OVERFLOW' });
    });
  });

  describe('when more senders act than one allocation can pay', () => {
    it('fails the actions of the 1,025th and later senders with TX_RECIPIENTS_FULL', () => {
      // 1,030 registered keys without capabilities (public keys need not be real here: the
      // transactions are pre-verified), and a fee rate of 0 so that they need no FLX.
      const s = genesisState(0, { feeRate: '0' });
      const records = new Map(s.keys.keys);
      const senders: string[] = [];
      for (let i = 0; i < 1030; i++) {
        const publicKey = new Uint8Array(2592).fill(i % 251);
        publicKey[0] = i >> 8;
        publicKey[1] = i & 255;
        const keyId = addressFromPublicKey(publicKey);
        const record: KeyRecord = {
          keyId,
          publicKey: bytesToHex(publicKey),
          status: 'active',
          capabilities: [],
          registeredAt: 0n,
          changedAt: 0n,
          rotatedFrom: null,
          rotatedTo: null,
        };
        records.set(keyId.toLowerCase(), record);
        senders.push(keyId);
      }
      const state: EngineState = { ...s, keys: { ...s.keys, keys: records } };
      const list = senders.map((from) => unsignedTx(from, 1n, actionBody('relay', 1n)));
      list.push(unsignedTx(senders[0] as string, 2n, actionBody('relay', 1n)));
      const r = run(state, list);
      const failed = r.receipts.filter((x) => x.status === 'failed');
      expect(failed.map((x) => [x.index, x.code])).to.deep.equal(
        [1024, 1025, 1026, 1027, 1028, 1029].map((i) => [i, 'TX_RECIPIENTS_FULL']),
      );
      expect(r.receipts[1030]?.status).to.equal('ok'); // a sender already paid acts again
      expect(new Set(r.allocations.map((a) => a.address)).size).to.equal(1024);
      expect(getAccount(r.state.accounts, senders[1029] as string)).to.equal(undefined);
    });
  });
});
