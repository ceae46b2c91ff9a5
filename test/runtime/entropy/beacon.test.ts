/*
 * drand beacon verification against real rounds (test/fixtures/entropy/drand-rounds.json; each
 * round names where it was recorded: ChainSafe/forest's quicknet fixture, noislabs/drand-verify,
 * drand/drand-client's test suite, and issue 22's vector). Nothing here is invented: a round that
 * verifies under the chain key is the chain's.
 *
 * verifyBeaconSignature
 * ├── every recorded quicknet round verifies, and its randomness is SHA-256 of its signature
 * ├── a non-quicknet bls-unchained-g1-rfc9380 chain (drand-client's walkthrough) verifies too
 * └── false for another round, another round's signature, a flipped bit, another key, a non-point
 * chainHashOf: recomputes quicknet's and walkthrough's chain hashes from their /info
 * roundTimeMs / roundAtMs: round 1 at genesis, one round per period
 * parseBeaconChain / beaconChainFromDrandInfo: validation with the field named
 */
import { expect } from 'chai';
import {
  beaconChainFromDrandInfo,
  beaconChainJson,
  beaconMessage,
  beaconPublicKey,
  beaconRandomness,
  chainHashOf,
  parseBeaconChain,
  QUICKNET,
  roundAtMs,
  roundTimeMs,
  signBeaconRound,
  verifyBeaconSignature,
} from '../../../runtime/entropy';
import { createDevnetBeacon } from '../../../runtime/entropy/beacon-server';
import { DRAND_FIXTURE, type FixtureRound as Round } from '../../support/entropy';

const quicknetRounds = DRAND_FIXTURE.quicknet.rounds;
const walkthrough = beaconChainFromDrandInfo(DRAND_FIXTURE.walkthrough.info, 'walkthrough');

describe('verifyBeaconSignature', () => {
  for (const r of quicknetRounds) {
    it(`verifies quicknet round ${r.round}`, () => {
      expect(verifyBeaconSignature(QUICKNET, BigInt(r.round), r.signature)).to.equal(true);
      if (r.randomness !== undefined) expect(beaconRandomness(r.signature)).to.equal(r.randomness);
    });
  }

  it('verifies a round of another chain of the same scheme (drand-client walkthrough, round 38)', () => {
    const [r] = DRAND_FIXTURE.walkthrough.rounds as [Round];
    expect(verifyBeaconSignature(walkthrough, BigInt(r.round), r.signature)).to.equal(true);
    expect(beaconRandomness(r.signature)).to.equal(r.randomness);
  });

  describe('when anything differs', () => {
    const r1000 = quicknetRounds.find((r) => r.round === 1000) as Round;
    it('is false for the wrong round', () => {
      expect(verifyBeaconSignature(QUICKNET, 1001n, r1000.signature)).to.equal(false);
      expect(verifyBeaconSignature(QUICKNET, 999n, r1000.signature)).to.equal(false);
    });
    it("is false for another round's valid signature", () => {
      const r2 = quicknetRounds.find((r) => r.round === 2) as Round;
      expect(verifyBeaconSignature(QUICKNET, 1000n, r2.signature)).to.equal(false);
    });
    it('is false under another chain key', () => {
      expect(verifyBeaconSignature(walkthrough, 1000n, r1000.signature)).to.equal(false);
    });
    it('is false for a flipped bit anywhere in the signature (every 8th byte)', () => {
      for (let i = 0; i < 48; i += 8) {
        const bytes = Buffer.from(r1000.signature, 'hex');
        bytes[i] = (bytes[i] as number) ^ (i === 0 ? 0x01 : 0x80);
        expect(verifyBeaconSignature(QUICKNET, 1000n, bytes.toString('hex')), `byte ${i}`).to.equal(
          false,
        );
      }
    });
    it('is false for bytes that are not a curve point', () => {
      expect(verifyBeaconSignature(QUICKNET, 1000n, 'ff'.repeat(48))).to.equal(false);
      expect(verifyBeaconSignature(QUICKNET, 1000n, '00'.repeat(48))).to.equal(false);
    });
    it('throws ENTROPY_VDF_INPUT_INVALID for a signature of the wrong length or round 0', () => {
      expect(() => verifyBeaconSignature(QUICKNET, 1000n, 'ab'.repeat(47)))
        .to.throw()
        .with.property('code', 'ENTROPY_VDF_INPUT_INVALID');
      expect(() => verifyBeaconSignature(QUICKNET, 0n, r1000.signature))
        .to.throw()
        .with.property('code', 'ENTROPY_VDF_INPUT_INVALID');
    });
  });

  it('verifies what signBeaconRound signs with a devnet key, for that round only', () => {
    const beacon = createDevnetBeacon({ genesisTime: 1_700_000_000n, periodSeconds: 3n });
    const signature = signBeaconRound(beacon.secretKey, 42n);
    expect(verifyBeaconSignature(beacon.chain, 42n, signature)).to.equal(true);
    expect(verifyBeaconSignature(beacon.chain, 43n, signature)).to.equal(false);
    expect(verifyBeaconSignature(QUICKNET, 42n, signature)).to.equal(false);
    expect(beaconPublicKey(beacon.secretKey)).to.equal(beacon.chain.publicKey);
  });
});

describe('beaconMessage', () => {
  it('is SHA-256 of the round as a big-endian uint64', () => {
    expect(Buffer.from(beaconMessage(1000n)).toString('hex')).to.equal(
      // SHA-256 of 00 00 00 00 00 00 03 e8, as `printf '\x00\x00\x00\x00\x00\x00\x03\xe8' | sha256sum`
      require('node:crypto')
        .createHash('sha256')
        .update(Buffer.from('00000000000003e8', 'hex'))
        .digest('hex'),
    );
  });
});

describe('chainHashOf', () => {
  it("recomputes quicknet's chain hash from its /info", () => {
    expect(chainHashOf(QUICKNET)).to.equal(DRAND_FIXTURE.quicknet.info.hash);
    expect(beaconChainFromDrandInfo(DRAND_FIXTURE.quicknet.info, 'quicknet')).to.deep.equal(
      QUICKNET,
    );
  });
  it("recomputes the walkthrough chain's hash (beacon id in the hash)", () => {
    expect(walkthrough.chainHash).to.equal(DRAND_FIXTURE.walkthrough.info.hash);
  });
});

describe('roundTimeMs / roundAtMs', () => {
  it('puts round 1 at the genesis and one round per period', () => {
    expect(roundTimeMs(QUICKNET, 1n)).to.equal(1692803367000n);
    expect(roundTimeMs(QUICKNET, 1000n)).to.equal((1692803367n + 999n * 3n) * 1000n);
    expect(roundAtMs(QUICKNET, 1692803367000n)).to.equal(1n);
    expect(roundAtMs(QUICKNET, 1692803369999n)).to.equal(1n);
    expect(roundAtMs(QUICKNET, 1692803370000n)).to.equal(2n);
    expect(roundAtMs(QUICKNET, 1692803366999n)).to.equal(0n);
    expect(roundAtMs(QUICKNET, roundTimeMs(QUICKNET, 30662982n))).to.equal(30662982n);
  });
});

describe('parseBeaconChain', () => {
  const good = beaconChainJson(QUICKNET);
  it('round-trips a chain description', () => {
    expect(parseBeaconChain(good, 'b')).to.deep.equal(QUICKNET);
  });
  const bad: [string, Record<string, unknown>, string][] = [
    ['a chain hash that does not recompute', { chainHash: 'ab'.repeat(32) }, 'b.chainHash'],
    ['another period', { periodSeconds: '30' }, 'b.chainHash'],
    ['a public key that is not a G2 point', { publicKey: '00'.repeat(96) }, 'b.publicKey'],
    ['another scheme', { scheme: 'pedersen-bls-chained' }, 'b.scheme'],
    ['a period of 0', { periodSeconds: '0' }, 'b.periodSeconds'],
    ['a genesis that is not a decimal string', { genesisTime: 1692803367 }, 'b.genesisTime'],
    ['an unknown field', { extra: '1' }, 'b.'],
  ];
  for (const [what, change, field] of bad) {
    it(`throws ENTROPY_POLICY_INVALID naming ${field} for ${what}`, () => {
      expect(() => parseBeaconChain({ ...good, ...change }, 'b'))
        .to.throw()
        .that.satisfies(
          (err: { code: string; details: { field: string } }) =>
            err.code === 'ENTROPY_POLICY_INVALID' && err.details.field === field,
        );
    });
  }
});
