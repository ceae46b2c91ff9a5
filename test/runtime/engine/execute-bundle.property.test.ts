/*
 * executeBundle properties (random workloads of transfers, actions, guidance, key events, bad
 * nonces and unknown senders over 1–3 bundles; every transaction pre-verified unless noted)
 * ├── every bundle: a receipt per transaction, in order; Σ balances = supply for every token;
 * │   supply grows by exactly the granted reward; Σ allocations + treasury share = granted;
 * │   no balance is ever negative; a failed receipt names a code
 * ├── replaying the same inputs gives identical bytes (stateRoot, opLogHash, bundleHash)
 * ├── changing any single input field changes the output: a transaction field, the packet seed
 * │   or timestamp, a genesis parameter or balance
 * ├── arbitrary key-event transactions never make the bundle throw (they fail with a code)
 * └── a pool of really signed transactions, verified by the engine, gives exactly the bytes of
 *     the pre-verified run
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { parseAddress } from '../../../runtime/codec';
import {
  executeBundle,
  guidanceToJson,
  listAccounts,
  loadGenesis,
  TOKENS,
  type BundleResult,
  type EngineState,
  type SignedTx,
} from '../../../runtime/engine';
import type { DrvPacket } from '../../../runtime/ledger';
import { UD } from '../../../runtime/math';
import type { KeyPair } from '../../../runtime/crypto';
import { actionBody, signTx, transferBody } from '../../../runtime/sdk/tx-builder';
import {
  CHAIN_ID,
  guidanceWith,
  keys,
  packetFor,
  preverify,
  testGenesis,
  unsignedTx,
  ZERO_SIGNATURE,
} from '../../support/engine';
import { numRuns, scaledRuns } from '../../support/num-runs';
import { parseTx, TxMalformedError } from '../../../runtime/engine';

const USERS = [0, 1, 2, 3].map((i) => keys.user(i)) as KeyPair[];
const STRANGER = '0x1111111111111111111111111111111111111111';
const FRESH = [1, 2, 3].map((i) => parseAddress(`0x${'0'.repeat(39)}${i}`));
const KINDS = ['compute', 'storage', 'relay'] as const;

type Op =
  | {
      kind: 'transfer';
      from: number;
      to: number;
      token: number;
      amount: bigint;
      nonceShift: number;
    }
  | { kind: 'action'; from: number; actionKind: number; units: bigint; nonceShift: number }
  | { kind: 'guidance'; sequenceShift: number; sChr: bigint; lag: number }
  | { kind: 'stranger' };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('transfer' as const),
      from: fc.nat(3),
      to: fc.nat(USERS.length + FRESH.length - 1),
      token: fc.nat(4),
      amount: fc.oneof(
        fc.bigInt({ min: 1n, max: 10n ** 21n }),
        fc.bigInt({ min: 1n, max: 10n ** 15n }),
        fc.constant(2000n * 10n ** 18n),
      ),
      nonceShift: fc.oneof(
        { weight: 9, arbitrary: fc.constant(0) },
        { weight: 1, arbitrary: fc.constantFrom(-1, 1, 2) },
      ),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('action' as const),
      from: fc.nat(3),
      actionKind: fc.nat(2),
      units: fc.oneof(fc.bigInt({ min: 1n, max: 1000n }), fc.bigInt({ min: 1n, max: 1_000_000n })),
      nonceShift: fc.oneof(
        { weight: 9, arbitrary: fc.constant(0) },
        { weight: 1, arbitrary: fc.constantFrom(-1, 1) },
      ),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('guidance' as const),
      sequenceShift: fc.constantFrom(0, 1, 1, 2),
      sChr: fc.bigInt({ min: 6n * 10n ** 17n, max: 10n ** 18n }),
      lag: fc.constantFrom(0, 0, 1, 5),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'stranger' as const }) },
);

const workloadArb = fc.array(fc.array(opArb, { maxLength: 8 }), { minLength: 1, maxLength: 3 });

const GENESIS = testGenesis(4);
const S0 = loadGenesis(GENESIS).state;

function nonceOf(state: EngineState, address: string, pending: Map<string, bigint>): bigint {
  const base = pending.get(address);
  if (base !== undefined) return base;
  const account = listAccounts(state.accounts).find((a) => a.address === address);
  return account?.account.nonce ?? 0n;
}

/** Turns ops into transactions for the bundle that follows `state`. */
function buildTxs(state: EngineState, ops: readonly Op[]): SignedTx[] {
  const pending = new Map<string, bigint>();
  const next = (address: string, shift: number) => {
    const n = nonceOf(state, address, pending) + 1n;
    if (shift === 0) pending.set(address, n);
    const shifted = n + BigInt(shift);
    return shifted < 1n ? 1n : shifted;
  };
  let guidanceSequence = state.guidance.sequence;
  return ops.map((op) => {
    switch (op.kind) {
      case 'transfer': {
        const from = (USERS[op.from] as KeyPair).address;
        const to =
          op.to < USERS.length
            ? (USERS[op.to] as KeyPair).address
            : (FRESH[op.to - USERS.length] as string);
        const body = transferBody(TOKENS[op.token] as 'CHR', to, op.amount as never);
        return unsignedTx(from, next(from, op.nonceShift), body);
      }
      case 'action': {
        const from = (USERS[op.from] as KeyPair).address;
        const body = actionBody(KINDS[op.actionKind] as string, op.units);
        return unsignedTx(from, next(from, op.nonceShift), body);
      }
      case 'guidance': {
        const sequence = guidanceSequence + BigInt(op.sequenceShift);
        if (op.sequenceShift > 0) guidanceSequence = sequence;
        const forPacket = state.height + 1n - BigInt(op.lag);
        const g = guidanceWith({
          sequence: sequence.toString(),
          forPacket: (forPacket < 0n ? 0n : forPacket).toString(),
          sChr: (op.sChr === 10n ** 18n
            ? '1'
            : `0.${op.sChr.toString().padStart(18, '0')}`
          ).replace(/0+$/, ''),
        });
        const oracle = keys.oracle.address;
        return unsignedTx(oracle, next(oracle, 0), {
          type: 'guidance',
          guidance: guidanceToJson(g),
        });
      }
      case 'stranger':
        return unsignedTx(STRANGER, 1n, transferBody('CHR', STRANGER, '1'));
    }
  });
}

type Run = { results: BundleResult[]; packets: DrvPacket[]; txs: SignedTx[][] };

/** Runs the workload from `start`; packets are created (signed) unless given. */
function runWorkload(start: EngineState, workload: readonly (readonly Op[])[], given?: Run): Run {
  const out: Run = { results: [], packets: [], txs: [] };
  let state = start;
  workload.forEach((ops, i) => {
    const txs = given?.txs[i] ?? buildTxs(state, ops);
    const packet = given?.packets[i] ?? packetFor(state, txs);
    const result = executeBundle(state, { packet, txs }, { preverified: preverify(txs) });
    out.results.push(result);
    out.packets.push(packet);
    out.txs.push(txs);
    state = result.state;
  });
  return out;
}

function checkInvariants(before: EngineState, txs: readonly SignedTx[], r: BundleResult): void {
  expect(r.receipts.map((x) => [x.index, x.txHash])).to.deep.equal(txs.map((t, i) => [i, t.hash]));
  for (const receipt of r.receipts) {
    if (receipt.status === 'failed') expect(receipt.code).to.match(/^[A-Z][A-Z0-9_]+$/);
  }
  const accounts = listAccounts(r.state.accounts);
  for (const token of TOKENS) {
    let sum = 0n;
    for (const { account } of accounts) {
      expect(account.balances[token] >= 0n, 'no negative balance').to.equal(true);
      sum += account.balances[token];
    }
    expect(sum, `Σ ${token} balances = supply`).to.equal(r.state.supply[token]);
    expect(r.state.supply[token]).to.equal(before.supply[token] + r.rewards.granted[token]);
    let allocated = r.toTreasury[token] as bigint;
    for (const a of r.allocations) if (a.token === token) allocated += a.amount;
    expect(allocated, `Σ ${token} allocations = granted`).to.equal(r.rewards.granted[token]);
  }
}

describe('executeBundle (properties)', function () {
  // Each run signs one DRV packet per bundle (ML-DSA-87, ~15 ms) and verifies it.
  this.timeout(300_000);
  it('conserves every token, never goes negative and answers every transaction', () => {
    fc.assert(
      fc.property(workloadArb, (workload) => {
        const run = runWorkload(S0, workload);
        let before = S0;
        run.results.forEach((r, i) => {
          checkInvariants(before, run.txs[i] as SignedTx[], r);
          before = r.state;
        });
      }),
      { numRuns },
    );
  });

  it('gives identical bytes when the same inputs are replayed', () => {
    fc.assert(
      fc.property(workloadArb, (workload) => {
        const first = runWorkload(S0, workload);
        const again = runWorkload(loadGenesis(GENESIS).state, workload, first);
        const bytes = (r: BundleResult) => [
          r.stateRoot,
          r.opLogHash,
          r.bundleHash,
          r.opLogEntryCount,
        ];
        expect(again.results.map(bytes)).to.deep.equal(first.results.map(bytes));
      }),
      { numRuns: scaledRuns(0.5) },
    );
  });

  describe('changing any single input field changes the output', () => {
    const workload = fc.array(opArb, { minLength: 1, maxLength: 6 });

    function outputs(state: EngineState, packet: DrvPacket, txs: SignedTx[]) {
      const r = executeBundle(state, { packet, txs }, { preverified: preverify(txs) });
      return { stateRoot: r.stateRoot, bundleHash: r.bundleHash, opLogHash: r.opLogHash };
    }

    it('a field of one transaction (nonce, amount, recipient, token, units, kind, ref, chain, sender)', () => {
      fc.assert(
        fc.property(workload, fc.nat(), fc.nat(8), (ops, pick, field) => {
          const txs = buildTxs(S0, ops);
          const index = pick % txs.length;
          const original = txs[index] as SignedTx;
          const wire = {
            chainId: original.chainId,
            from: original.from,
            nonce: original.nonce.toString(),
            body: { ...original.wireBody } as Record<string, unknown>,
            signature: ZERO_SIGNATURE,
          };
          const body = wire.body;
          if (field === 0) wire.nonce = (original.nonce + 1n).toString();
          else if (field === 1) wire.chainId = `${CHAIN_ID}-other`;
          else if (field === 2)
            wire.from = (
              USERS[
                (USERS.findIndex((k) => k.address === original.from) + 1) % USERS.length
              ] as KeyPair
            ).address;
          else if (body.type === 'transfer') {
            if (field === 3)
              body.amount = UD.formatTrimmed((UD.parse(body.amount as string) + 1n) as never);
            else if (field === 4) body.token = body.token === 'CHR' ? 'FLX' : 'CHR';
            else body.to = body.to === STRANGER ? (USERS[0] as KeyPair).address : STRANGER;
          } else if (body.type === 'action') {
            if (field === 3) body.units = (BigInt(body.units as string) + 1n).toString();
            else if (field === 4) body.kind = body.kind === 'relay' ? 'compute' : 'relay';
            else body.ref = `${body.ref as string}x`;
          } else wire.nonce = (original.nonce + 1n).toString();
          const mutated = [...txs];
          mutated[index] = parseTx(wire);
          expect(mutated[index]?.hash).to.not.equal(original.hash);
          const a = outputs(S0, packetFor(S0, txs), txs);
          const b = outputs(S0, packetFor(S0, mutated), mutated);
          expect(b.stateRoot).to.not.equal(a.stateRoot);
          expect(b.bundleHash).to.not.equal(a.bundleHash);
          expect(b.opLogHash).to.not.equal(a.opLogHash);
        }),
        { numRuns: scaledRuns(0.5) },
      );
    });

    it('the packet seed or timestamp', () => {
      fc.assert(
        fc.property(
          workload,
          fc.integer({ min: 8, max: 255 }),
          fc.bigInt({ min: 1n, max: 10n ** 9n }),
          (ops, seed, step) => {
            const txs = buildTxs(S0, ops);
            const a = outputs(S0, packetFor(S0, txs, 1000n, 7), txs);
            const bySeed = outputs(S0, packetFor(S0, txs, 1000n, seed), txs);
            const byTime = outputs(S0, packetFor(S0, txs, 1000n + step, 7), txs);
            for (const b of [bySeed, byTime]) {
              expect(b.stateRoot).to.not.equal(a.stateRoot);
              expect(b.bundleHash).to.not.equal(a.bundleHash);
              expect(b.opLogHash).to.not.equal(a.opLogHash);
            }
          },
        ),
        { numRuns: scaledRuns(0.3) },
      );
    });

    it('a genesis parameter or an initial balance', () => {
      const changes: ((doc: Record<string, unknown>) => void)[] = [
        (d) => (d.params = { feeRate: '0.010000000000000001' }),
        (d) => (d.params = { beta: '4.000000000000000001' }),
        (d) => (d.params = { lambda1: '1.6' }),
        (d) => (d.params = { cCrit: '0.4' }),
        (d) => (d.params = { rewardRates: { ATR: '0.06' } }),
        (d) => (d.params = { dailyEmissionCaps: { RES: '999' } }),
        (d) => (d.params = { guidanceAgeMaxPackets: '999' }),
        (d) => (d.params = { dayLengthMs: '3600000' }),
        (d) =>
          ((d.accounts as { balances: Record<string, string> }[])[0]!.balances.RES =
            '1000.000000000000000001'),
        (d) => (d.genesisTime = '1767225600001'),
      ];
      fc.assert(
        fc.property(workload, fc.nat(changes.length - 1), (ops, which) => {
          const doc = JSON.parse(JSON.stringify(GENESIS)) as Record<string, unknown>;
          (changes[which] as (d: Record<string, unknown>) => void)(doc);
          const changed = loadGenesis(doc).state;
          const txs = buildTxs(S0, ops);
          const a = outputs(S0, packetFor(S0, txs), txs);
          const b = outputs(changed, packetFor(changed, txs), txs);
          expect(b.stateRoot).to.not.equal(a.stateRoot);
          expect(b.bundleHash).to.not.equal(a.bundleHash);
        }),
        { numRuns: scaledRuns(0.3) },
      );
    });
  });

  it('never throws for arbitrary key-event transactions; each fails or succeeds with a receipt', () => {
    const addresses = [...USERS.map((k) => k.address), keys.admin.address, STRANGER];
    const value = fc.oneof(
      fc.constantFrom(
        ...addresses,
        'admin',
        'oracle',
        'root',
        '',
        'x'.repeat(300),
        'ab'.repeat(2592),
      ),
      fc.string({ maxLength: 12 }),
    );
    const keyTx = fc.record({
      from: fc.nat(USERS.length),
      type: fc.constantFrom('register', 'rotate', 'revoke', 'grant', 'withdraw'),
      data: fc.dictionary(
        fc.constantFrom('keyId', 'newKeyId', 'newPublicKey', 'publicKey', 'capability', 'reason'),
        value,
        { maxKeys: 4 },
      ),
      signers: fc.array(fc.constantFrom(...addresses), { maxLength: 2 }),
    });
    fc.assert(
      fc.property(fc.array(keyTx, { minLength: 1, maxLength: 6 }), (specs) => {
        const nonces = new Map<string, bigint>();
        const txs: SignedTx[] = [];
        for (const spec of specs) {
          const from =
            spec.from < USERS.length ? (USERS[spec.from] as KeyPair).address : keys.admin.address;
          const nonce = (nonces.get(from) ?? 0n) + 1n;
          const body = {
            type: 'key',
            event: { type: spec.type, data: spec.data },
            signatures: spec.signers.map((signer) => ({ signer, signature: ZERO_SIGNATURE })),
          };
          try {
            txs.push(unsignedTx(from, nonce, body));
            nonces.set(from, nonce);
          } catch (err) {
            // Parsing rejects some shapes (limits, lengths): such a transaction never reaches a bundle.
            if (!(err instanceof TxMalformedError)) throw err;
          }
        }
        const r = executeBundle(
          S0,
          { packet: packetFor(S0, txs), txs },
          { preverified: preverify(txs) },
        );
        expect(r.receipts).to.have.length(txs.length);
        checkInvariants(S0, txs, r);
      }),
      { numRuns: scaledRuns(0.5) },
    );
  });

  describe('with real signatures', () => {
    // A pool signed once: nonces 1–3 of three bodies for each of four users (36 signatures).
    const bodies = [
      transferBody('CHR', FRESH[0] as string, '1.5'),
      actionBody('compute', 7n),
      transferBody('FLX', (USERS[0] as KeyPair).address, '0.25'),
    ];
    const pool = new Map<string, SignedTx>();
    const signed = (user: number, nonce: bigint, body: number): SignedTx => {
      const key = `${user}/${nonce}/${body}`;
      let t = pool.get(key);
      if (t === undefined) {
        const wire = signTx(
          USERS[user] as KeyPair,
          CHAIN_ID,
          nonce,
          bodies[body] as Record<string, unknown>,
        );
        t = parseTx(JSON.parse(JSON.stringify(wire)));
        pool.set(key, t);
      }
      return t;
    };

    it('verifies them in the engine and gives exactly the bytes of the pre-verified run', () => {
      fc.assert(
        fc.property(
          fc.array(fc.tuple(fc.nat(3), fc.nat(2)), { minLength: 1, maxLength: 6 }),
          (picks) => {
            const counts = new Map<number, bigint>();
            const txs = picks.map(([user, body]) => {
              const nonce = (counts.get(user) ?? 0n) + 1n;
              counts.set(user, nonce > 3n ? 3n : nonce);
              return signed(user, nonce > 3n ? 3n : nonce, body);
            });
            const packet = packetFor(S0, txs);
            const verified = executeBundle(S0, { packet, txs });
            const trusted = executeBundle(S0, { packet, txs }, { preverified: preverify(txs) });
            expect(verified.bundleHash).to.equal(trusted.bundleHash);
            expect(verified.receipts.every((x) => x.code !== 'TX_BAD_SIGNATURE')).to.equal(true);
            checkInvariants(S0, txs, verified);
          },
        ),
        { numRuns: scaledRuns(0.2) },
      );
    });
  });
});
