/*
 * allocateRewards
 * ├── splits each token by units, exactly: Σ allocations + toTreasury = reward
 * ├── leftover units go to the largest remainders, ties to the lower address (lowercase order)
 * ├── per-address cap: the cut goes to the treasury, recorded per token
 * ├── no recipients: the whole reward goes to the treasury
 * ├── zero amounts are omitted; order is address ascending, then token order
 * └── property: conservation, cap respected, each share within 1 ulp of the exact share
 * compareAddresses
 * └── orders by lowercase hex
 */
import { expect } from 'chai';
import fc from 'fast-check';
import {
  allocateRewards,
  compareAddresses,
  DEFAULT_PARAMS,
  TOKENS,
  ZERO_AMOUNTS,
  type TokenAmounts,
} from '../../../runtime/engine';
import { CertifiedMath, UD, type UD128x18 } from '../../../runtime/math';
import { numRuns } from '../../support/num-runs';

const newCm = () => new CertifiedMath({ pqcCid: 'allocator-test', quantumMetadata: {} });
const raw = (n: bigint) => n as UD128x18;
const LOW = '0xa000000000000000000000000000000000000001';
const HIGH = '0xB000000000000000000000000000000000000002';
const MID = '0xa800000000000000000000000000000000000003';

function only(token: 'CHR' | 'FLX' | 'PSI' | 'ATR' | 'RES', amount: UD128x18): TokenAmounts {
  return { ...ZERO_AMOUNTS, [token]: amount };
}

describe('allocateRewards', () => {
  describe('with equal weights and a reward that does not divide', () => {
    const weights = new Map([
      [HIGH, 1n],
      [LOW, 1n],
      [MID, 1n],
    ]);
    it('gives 100 raw units as 34, 33, 33, the extra unit to the lowest address', () => {
      const { allocations, toTreasury } = allocateRewards(
        newCm(),
        DEFAULT_PARAMS,
        only('CHR', raw(100n)),
        weights,
      );
      expect(allocations.map((a) => [a.address, a.token, a.amount])).to.deep.equal([
        [LOW, 'CHR', 34n],
        [MID, 'CHR', 33n],
        [HIGH, 'CHR', 33n],
      ]);
      expect(toTreasury).to.deep.equal(ZERO_AMOUNTS);
    });
    it('compares addresses by lowercase hex (0xa… before 0xB…)', () => {
      const two = new Map([
        [HIGH, 1n],
        [LOW, 1n],
      ]);
      const { allocations } = allocateRewards(newCm(), DEFAULT_PARAMS, only('FLX', raw(3n)), two);
      expect(allocations.map((a) => [a.address, a.amount])).to.deep.equal([
        [LOW, 2n],
        [HIGH, 1n],
      ]);
    });
    it('splits 10 CHR into 3.333333333333333334 + 3.333333333333333333 × 2 (no dust lost)', () => {
      const { allocations } = allocateRewards(
        newCm(),
        DEFAULT_PARAMS,
        only('CHR', UD.parse('10')),
        weights,
      );
      expect(allocations.map((a) => UD.format(a.amount))).to.deep.equal([
        '3.333333333333333334',
        '3.333333333333333333',
        '3.333333333333333333',
      ]);
    });
  });

  describe('with unequal weights', () => {
    it('gives leftovers to the largest remainders (10 by 1:2:4 → 1, 3, 6)', () => {
      // 10·1/7 = 1 r3, 10·2/7 = 2 r6, 10·4/7 = 5 r5: the 2 leftover units go to r6, then r5.
      const weights = new Map([
        [LOW, 1n],
        [MID, 2n],
        [HIGH, 4n],
      ]);
      const { allocations } = allocateRewards(
        newCm(),
        DEFAULT_PARAMS,
        only('PSI', raw(10n)),
        weights,
      );
      expect(allocations.map((a) => a.amount)).to.deep.equal([1n, 3n, 6n]);
    });
  });

  describe('with a per-address cap', () => {
    it('cuts each share to the cap and sends the cut to the treasury', () => {
      // 12 by 1:3 → 3 and 9; the cap 5 cuts 4 from the second.
      const params = { ...DEFAULT_PARAMS, rewardPerAddressMax: UD.parse('5') };
      const weights = new Map([
        [LOW, 1n],
        [HIGH, 3n],
      ]);
      const { allocations, toTreasury } = allocateRewards(
        newCm(),
        params,
        { ...ZERO_AMOUNTS, CHR: UD.parse('12'), RES: UD.parse('2') },
        weights,
      );
      expect(
        allocations.map((a) => [a.address, a.token, UD.formatTrimmed(a.amount)]),
      ).to.deep.equal([
        [LOW, 'CHR', '3'],
        [LOW, 'RES', '0.5'],
        [HIGH, 'CHR', '5'],
        [HIGH, 'RES', '1.5'],
      ]);
      expect(UD.formatTrimmed(toTreasury.CHR)).to.equal('4');
      expect(toTreasury.RES).to.equal(UD.ZERO);
    });
    it('sends everything to the treasury when the cap is 0', () => {
      const params = { ...DEFAULT_PARAMS, rewardPerAddressMax: UD.ZERO };
      const { allocations, toTreasury } = allocateRewards(
        newCm(),
        params,
        only('ATR', UD.parse('7')),
        new Map([[LOW, 1n]]),
      );
      expect(allocations).to.deep.equal([]);
      expect(UD.formatTrimmed(toTreasury.ATR)).to.equal('7');
    });
  });

  describe('without recipients', () => {
    it('sends the whole reward to the treasury', () => {
      const reward = { ...ZERO_AMOUNTS, CHR: UD.parse('1.5'), FLX: UD.parse('0.25') };
      const { allocations, toTreasury } = allocateRewards(
        newCm(),
        DEFAULT_PARAMS,
        reward,
        new Map(),
      );
      expect(allocations).to.deep.equal([]);
      expect(toTreasury).to.deep.equal(reward);
    });
  });

  it('omits zero shares (1 unit among 3 recipients)', () => {
    const weights = new Map([
      [LOW, 1n],
      [MID, 1n],
      [HIGH, 1n],
    ]);
    const { allocations } = allocateRewards(newCm(), DEFAULT_PARAMS, only('CHR', raw(1n)), weights);
    expect(allocations.map((a) => [a.address, a.amount])).to.deep.equal([[LOW, 1n]]);
  });

  it('conserves every token, respects the cap and stays within 1 ulp of the exact share (property)', () => {
    const address = fc
      .bigInt({ min: 0n, max: (1n << 160n) - 1n })
      .map((n) => `0x${n.toString(16).padStart(40, '0')}`);
    const amount = fc.bigInt({ min: 0n, max: 10n ** 30n }).map(raw);
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(address, fc.bigInt({ min: 1n, max: 1_000_000n })), {
          minLength: 0,
          maxLength: 12,
          selector: ([a]) => a,
        }),
        fc.tuple(amount, amount, amount, amount, amount),
        fc.bigInt({ min: 0n, max: 10n ** 30n }),
        (entries, [CHR, FLX, PSI, ATR, RES], cap) => {
          const reward: TokenAmounts = { CHR, FLX, PSI, ATR, RES };
          const params = { ...DEFAULT_PARAMS, rewardPerAddressMax: raw(cap) };
          const weights = new Map(entries);
          const result = allocateRewards(newCm(), params, reward, weights);
          let weightSum = 0n;
          for (const [, w] of entries) weightSum += w;
          for (const token of TOKENS) {
            const parts = result.allocations.filter((a) => a.token === token);
            let sum = result.toTreasury[token] as bigint;
            for (const part of parts) {
              sum += part.amount;
              expect(part.amount <= cap).to.equal(true);
              expect(part.amount > 0n).to.equal(true);
              const exact = (reward[token] * (weights.get(part.address) as bigint)) / weightSum;
              expect(
                part.amount === (exact < cap ? exact : raw(cap)) || part.amount === exact + 1n,
              ).to.equal(true);
            }
            expect(sum).to.equal(reward[token]);
          }
          const order = result.allocations.map((a) => a.address);
          expect(order).to.deep.equal([...order].sort(compareAddresses));
        },
      ),
      { numRuns },
    );
  });
});

describe('compareAddresses', () => {
  it('orders by lowercase hex, ignoring the EIP-55 letter case', () => {
    expect(compareAddresses(LOW, HIGH)).to.equal(-1);
    expect(compareAddresses(HIGH, LOW)).to.equal(1);
    expect(compareAddresses(LOW.toUpperCase().replace('0X', '0x'), LOW)).to.equal(0);
  });
});
