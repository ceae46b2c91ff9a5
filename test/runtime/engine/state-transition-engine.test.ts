/*
 * applyStateTransition
 * ├── mints the allocations to their recipients and the rest to the treasury
 * ├── supply after = supply before + granted; the day's emission adds up (new day: restarts)
 * ├── commits every touched account (fees and transfers included) into a new tree; the input
 * │   tree is unchanged
 * └── when an invariant breaks it throws CIR302_HALT and returns no state:
 *     ├── allocations + treasury share ≠ granted
 *     ├── Σ balance changes ≠ granted (value created or destroyed by a bug)
 *     └── a negative balance
 */
import { expect } from 'chai';
import {
  accountsRoot,
  amountsJson,
  EMPTY_ACCOUNT,
  EMPTY_ACCOUNT_TREE,
  getAccount,
  updateAccounts,
  ZERO_AMOUNTS,
  type Account,
  type TokenAmounts,
} from '../../../runtime/engine';
import { applyStateTransition } from '../../../runtime/engine/state-transition-engine';
import { WorkingSet } from '../../../runtime/engine/working-set';
import { Cir302Halt } from '../../../runtime/guard';
import { CertifiedMath, UD, type UD128x18 } from '../../../runtime/math';
import { caught } from '../../support/keys';

const u = UD.parse;
const A = '0x0205A1473A0534Dfc11FEB4d6E520F0A063fd27C';
const B = '0x765Abf844CBe131D36EDD97F0135F86eC41d4aa2';
const TREASURY = '0x000000000000000000000000000000000000dEaD';
const newCm = () => new CertifiedMath({ pqcCid: 'ste-test', quantumMetadata: {} });

function acct(values: Partial<Record<'CHR' | 'FLX', string>>, nonce = 0n): Account {
  return {
    balances: {
      ...EMPTY_ACCOUNT.balances,
      ...(values.CHR === undefined ? {} : { CHR: u(values.CHR) }),
      ...(values.FLX === undefined ? {} : { FLX: u(values.FLX) }),
    },
    nonce,
  };
}

const tree = updateAccounts(
  EMPTY_ACCOUNT_TREE,
  new Map([
    [A, acct({ CHR: '100', FLX: '10' })],
    [B, acct({ CHR: '50' })],
  ]),
);
const supply: TokenAmounts = { ...ZERO_AMOUNTS, CHR: u('150'), FLX: u('10') };
const granted: TokenAmounts = { ...ZERO_AMOUNTS, CHR: u('3'), FLX: u('0.3') };

function input(working: WorkingSet, overrides: Record<string, unknown> = {}) {
  return {
    accounts: tree,
    working,
    supply,
    emission: { day: 7n, minted: { ...ZERO_AMOUNTS, CHR: u('1') } },
    day: 7n,
    treasury: TREASURY,
    granted,
    allocations: [
      { address: A, token: 'CHR' as const, amount: u('2') },
      { address: B, token: 'CHR' as const, amount: u('0.5') },
      { address: B, token: 'FLX' as const, amount: u('0.3') },
    ],
    toTreasury: { ...ZERO_AMOUNTS, CHR: u('0.5') },
    ...overrides,
  };
}

/** A bundle's effects: A sends B 10 CHR and pays a 1 FLX fee to the treasury. */
function workingAfterTxs(): WorkingSet {
  const w = new WorkingSet(tree);
  const a = w.get(A);
  w.set(A, { balances: { ...a.balances, CHR: u('90'), FLX: u('9') }, nonce: 1n });
  const b = w.get(B);
  w.set(B, { ...b, balances: { ...b.balances, CHR: u('60') } });
  w.set(TREASURY, { ...EMPTY_ACCOUNT, balances: { ...EMPTY_ACCOUNT.balances, FLX: u('1') } });
  return w;
}

const chr = (t: typeof tree, address: string) =>
  UD.formatTrimmed((getAccount(t, address) as Account).balances.CHR);

describe('applyStateTransition', () => {
  describe('when the inputs are consistent', () => {
    const out = applyStateTransition(newCm(), input(workingAfterTxs()));

    it('credits allocations and the treasury share on top of the bundle effects', () => {
      expect(chr(out.accounts, A)).to.equal('92');
      expect(chr(out.accounts, B)).to.equal('60.5');
      expect(chr(out.accounts, TREASURY)).to.equal('0.5');
      const b = getAccount(out.accounts, B) as Account;
      expect(UD.formatTrimmed(b.balances.FLX)).to.equal('0.3');
      expect((getAccount(out.accounts, A) as Account).nonce).to.equal(1n);
    });
    it('raises the supply by exactly the granted reward', () => {
      expect(amountsJson(out.supply)).to.deep.equal(
        amountsJson({ ...ZERO_AMOUNTS, CHR: u('153'), FLX: u('10.3') }),
      );
    });
    it('adds the granted reward to the day’s emission', () => {
      expect(out.emission.day).to.equal(7n);
      expect(UD.formatTrimmed(out.emission.minted.CHR)).to.equal('4');
      expect(UD.formatTrimmed(out.emission.minted.FLX)).to.equal('0.3');
    });
    it('keeps Σ balances = supply for every token', () => {
      let chrSum = 0n;
      let flxSum = 0n;
      for (const address of [A, B, TREASURY]) {
        const a = getAccount(out.accounts, address) as Account;
        chrSum += a.balances.CHR;
        flxSum += a.balances.FLX;
      }
      expect(chrSum).to.equal(out.supply.CHR);
      expect(flxSum).to.equal(out.supply.FLX);
    });
    it('leaves the input tree unchanged', () => {
      expect(chr(tree, A)).to.equal('100');
      expect(getAccount(tree, TREASURY)).to.equal(undefined);
    });
  });

  describe('when the day has rolled over', () => {
    it('restarts the day’s emission at the granted reward', () => {
      const out = applyStateTransition(newCm(), input(workingAfterTxs(), { day: 8n }));
      expect(out.emission.day).to.equal(8n);
      expect(UD.formatTrimmed(out.emission.minted.CHR)).to.equal('3');
    });
  });

  describe('when an invariant breaks', () => {
    const rootBefore = accountsRoot(tree);

    it('throws CIR302_HALT when allocations and treasury share do not sum to the grant', () => {
      let out: unknown;
      const err = caught(() => {
        out = applyStateTransition(
          newCm(),
          input(workingAfterTxs(), { toTreasury: { ...ZERO_AMOUNTS, CHR: u('0.4') } }),
        );
      });
      expect(out).to.equal(undefined);
      expect(err).to.be.instanceOf(Cir302Halt);
      expect(err).to.have.property('code', 'CIR302_HALT');
      expect(err).to.have.nested.property('evidence.token', 'CHR');
      expect(accountsRoot(tree)).to.equal(rootBefore);
    });

    it('throws CIR302_HALT when the balance changes do not add up to the grant', () => {
      const w = workingAfterTxs();
      const b = w.get(B);
      // A bug credits 1 CHR out of nowhere.
      w.set(B, { ...b, balances: { ...b.balances, CHR: (b.balances.CHR + UD.UNIT) as UD128x18 } });
      let out: unknown;
      const err = caught(() => {
        out = applyStateTransition(newCm(), input(w));
      });
      expect(out).to.equal(undefined);
      expect(err).to.be.instanceOf(Cir302Halt);
      expect((err as Cir302Halt).reason).to.equal('conservation violated');
      expect((err as Cir302Halt).evidence).to.deep.include({
        token: 'CHR',
        expectedDelta: u('3').toString(),
        actualDelta: u('4').toString(),
      });
    });

    it('throws CIR302_HALT when a balance is negative', () => {
      const w = workingAfterTxs();
      const a = w.get(A);
      const b = w.get(B);
      // A bug moves 200 CHR from A (which holds 90): Σ is conserved, but A goes below zero.
      w.set(A, { ...a, balances: { ...a.balances, CHR: -110n * UD.UNIT } as never });
      w.set(B, { ...b, balances: { ...b.balances, CHR: u('260') } });
      const err = caught(() => applyStateTransition(newCm(), input(w)));
      expect(err).to.be.instanceOf(Cir302Halt);
      expect((err as Cir302Halt).reason).to.equal('negative balance');
      expect((err as Cir302Halt).evidence).to.deep.include({ address: A, token: 'CHR' });
    });
  });
});
