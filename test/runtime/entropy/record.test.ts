/*
 * The packet's entropy record and its offline check.
 *
 * verifyPacketEntropy
 * ├── accepts a fresh packet (verdict: source, round, 0 stale rounds) and the next packet of the
 * │   same round; a real quicknet round under the quicknet policy
 * ├── a stale round: accepted when marked stale with OS randomness, counted, CIR-511 from the
 * │   policy's count; DRV_ENTROPY_ROUND_STALE when not marked; SOURCE_MISMATCH when a fresh round
 * │   is marked stale
 * ├── each changed field is caught by the check named for it:
 * │   source, unknown beacon, round from the future, round regressed, beacon signature, QRNG hash,
 * │   anchor, VDF T, VDF input, VDF output, VDF proof, seed, malformed fields
 * getQuantumEnhancedSeed: depends on output, height, anchor and (stale) OS randomness
 * verifyEntropyAnchor: the anchor must name the stored seal
 * parseEntropyPolicy: defaults and the field named on errors
 */
import { expect } from 'chai';
import {
  entropyRecordJson,
  getQuantumEnhancedSeed,
  parseEntropyPolicy,
  QUICKNET,
  roundTimeMs,
  signBeaconRound,
  verifyEntropyAnchor,
  verifyPacketEntropy,
  type EntropyPacket,
  type EntropyPolicy,
  type RoundEntropy,
} from '../../../runtime/entropy';
import {
  DRAND_FIXTURE,
  qrngRecord,
  TEST_BEACON,
  testPacket,
  testPolicy,
  testRound,
  testRoundMs,
} from '../../support/entropy';

const policy = testPolicy();
const OS_RANDOM = '7e'.repeat(32);

function expectCode(run: () => unknown, code: string, field?: string): void {
  let thrown: unknown;
  try {
    run();
  } catch (err) {
    thrown = err;
  }
  expect(thrown, `expected ${code}`).to.have.property('code', code);
  if (field !== undefined)
    expect((thrown as { details: { field: string } }).details.field).to.equal(field);
}

/** A record with one field replaced (the packet keeps its seed). */
function withRecord(packet: EntropyPacket, edit: (r: Record<string, any>) => void): EntropyPacket {
  const entropy = JSON.parse(JSON.stringify(packet.entropy)) as Record<string, any>;
  edit(entropy);
  return { ...packet, entropy };
}

describe('verifyPacketEntropy', () => {
  const anchor = { height: 4n, sealHash: 'a1'.repeat(32) };
  const r100 = testRound({
    round: 100n,
    anchor,
    qrng: qrngRecord('2f2497d207a39d67dd537fa2b1c4c6b2'),
  });
  const r101 = testRound({ round: 101n, anchor: { height: 6n, sealHash: 'b2'.repeat(32) } });
  const p7 = testPacket(r100, 7n, testRoundMs(100n) + 400n);
  const p8 = testPacket(r100, 8n, testRoundMs(100n) + 900n);

  describe('when the round is fresh', () => {
    it('accepts the packet and reports its round', () => {
      expect(verifyPacketEntropy(policy, p7, null)).to.deep.equal({
        source: 'beacon-vdf',
        chainHash: TEST_BEACON.chain.chainHash,
        round: 100n,
        staleRounds: 0n,
        cir511: false,
      });
    });
    it('accepts the next packet of the same round (its seed differs by height)', () => {
      expect(verifyPacketEntropy(policy, p8, p7).round).to.equal(100n);
      expect(p8.seed).to.not.equal(p7.seed);
    });
    it('accepts a newer round after an older one', () => {
      const p9 = testPacket(r101, 9n, testRoundMs(101n) + 100n);
      expect(verifyPacketEntropy(policy, p9, p8).round).to.equal(101n);
    });
    it('accepts a real quicknet round under a policy trusting quicknet', () => {
      const real = DRAND_FIXTURE.quicknet.rounds.find((r) => r.round === 30662982);
      const round = testRound({
        round: 30662982n,
        beacon: { chain: QUICKNET, signature: () => (real as { signature: string }).signature },
      });
      const packet = testPacket(round, 0n, roundTimeMs(QUICKNET, 30662982n) + 2500n);
      const verdict = verifyPacketEntropy(
        testPolicy({ roundAgeMaxMs: '6000' }, [QUICKNET]),
        packet,
        null,
      );
      expect(verdict.round).to.equal(30662982n);
      expect(verdict.chainHash).to.equal(QUICKNET.chainHash);
    });
  });

  describe('when the round is older than the policy allows', () => {
    const ts = testRoundMs(100n) + 7500n; // 7.5 rounds later, bound 3 s
    it('accepts it marked stale with OS randomness, and counts the stale rounds', () => {
      const packet = testPacket(r100, 7n, ts, OS_RANDOM);
      expect(packet.entropy.source).to.equal('beacon-vdf-stale+os');
      const verdict = verifyPacketEntropy(policy, packet, null);
      expect(verdict.staleRounds).to.equal(7n);
      expect(verdict.cir511).to.equal(true); // 7 ≥ 5
    });
    it('is no CIR-511 below the count', () => {
      const packet = testPacket(r100, 7n, testRoundMs(100n) + 4200n, OS_RANDOM);
      expect(verifyPacketEntropy(policy, packet, null)).to.include({
        staleRounds: 4n,
        cir511: false,
      });
    });
    it('throws DRV_ENTROPY_ROUND_STALE when it is not marked stale', () => {
      expectCode(
        () => verifyPacketEntropy(policy, testPacket(r100, 7n, ts), null),
        'DRV_ENTROPY_ROUND_STALE',
      );
    });
    it('throws DRV_ENTROPY_SOURCE_MISMATCH when a fresh round is marked stale', () => {
      const packet = testPacket(r100, 7n, testRoundMs(100n) + 100n, OS_RANDOM);
      expectCode(() => verifyPacketEntropy(policy, packet, null), 'DRV_ENTROPY_SOURCE_MISMATCH');
    });
  });

  describe('when a field was changed, the check named for it fails', () => {
    const cases: [string, () => unknown, string][] = [
      [
        'a sequencer-chosen source (os-csprng)',
        () =>
          verifyPacketEntropy(
            policy,
            { ...p7, entropy: { source: 'os-csprng', random: '00' } },
            null,
          ),
        'DRV_ENTROPY_SOURCE_MISMATCH',
      ],
      [
        'a beacon chain the genesis does not trust',
        () => verifyPacketEntropy(testPolicy({ roundAgeMaxMs: '6000' }, [QUICKNET]), p7, null),
        'DRV_ENTROPY_UNKNOWN_BEACON',
      ],
      [
        'a round published after the packet',
        () => verifyPacketEntropy(policy, { ...p7, ttsTimestamp: testRoundMs(100n) - 1001n }, null),
        'DRV_ENTROPY_ROUND_FROM_FUTURE',
      ],
      [
        "a round older than the previous packet's",
        () =>
          verifyPacketEntropy(
            policy,
            testPacket(r100, 9n, testRoundMs(101n) + 500n),
            testPacket(r101, 8n, testRoundMs(101n) + 100n),
          ),
        'DRV_ENTROPY_ROUND_REGRESSED',
      ],
      [
        'the beacon signature (another round signed)',
        () =>
          verifyPacketEntropy(
            policy,
            withRecord(
              p7,
              (r) => (r.beacon.signature = signBeaconRound(TEST_BEACON.secretKey, 99n)),
            ),
            null,
          ),
        'DRV_ENTROPY_BEACON_SIGNATURE',
      ],
      [
        'the round number',
        () =>
          verifyPacketEntropy(
            policy,
            withRecord(p7, (r) => (r.beacon.round = '99')),
            null,
          ),
        'DRV_ENTROPY_BEACON_SIGNATURE',
      ],
      [
        'a QRNG byte',
        () =>
          verifyPacketEntropy(
            policy,
            withRecord(p7, (r) => (r.qrng.bytes = `30${r.qrng.bytes.slice(2)}`)),
            null,
          ),
        'DRV_ENTROPY_QRNG_HASH',
      ],
      [
        'the QRNG bytes with a matching hash',
        () =>
          verifyPacketEntropy(
            policy,
            withRecord(p7, (r) => (r.qrng = { ...qrngRecord('00'.repeat(16)) })),
            null,
          ),
        'DRV_ENTROPY_VDF_INPUT',
      ],
      [
        'an anchor at the packet’s own height',
        () =>
          verifyPacketEntropy(
            policy,
            testPacket(
              testRound({ round: 100n, anchor: { height: 7n, sealHash: 'a1'.repeat(32) } }),
              7n,
              testRoundMs(100n) + 10n,
            ),
            null,
          ),
        'DRV_ENTROPY_ANCHOR',
      ],
      [
        "an anchor behind the previous packet's",
        () =>
          verifyPacketEntropy(
            policy,
            testPacket(
              testRound({ round: 101n, anchor: { height: 3n, sealHash: 'c3'.repeat(32) } }),
              8n,
              testRoundMs(101n) + 10n,
            ),
            p7,
          ),
        'DRV_ENTROPY_ANCHOR',
      ],
      [
        'the anchor seal hash',
        () =>
          verifyPacketEntropy(
            policy,
            withRecord(p7, (r) => (r.anchor.sealHash = 'ff'.repeat(32))),
            null,
          ),
        'DRV_ENTROPY_VDF_INPUT',
      ],
      [
        'the VDF delay T',
        () =>
          verifyPacketEntropy(
            policy,
            testPacket(testRound({ round: 100n, anchor, t: 255n }), 7n, testRoundMs(100n) + 10n),
            null,
          ),
        'DRV_ENTROPY_VDF_PARAMS',
      ],
      [
        'the VDF input',
        () =>
          verifyPacketEntropy(
            policy,
            withRecord(p7, (r) => (r.vdf.input = '00'.repeat(32))),
            null,
          ),
        'DRV_ENTROPY_VDF_INPUT',
      ],
      [
        'the VDF output',
        () =>
          verifyPacketEntropy(
            policy,
            withRecord(p7, (r) => (r.vdf.output = `${r.vdf.output.slice(0, 510)}01`)),
            null,
          ),
        'DRV_ENTROPY_VDF_PROOF',
      ],
      [
        'the VDF proof',
        () =>
          verifyPacketEntropy(
            policy,
            withRecord(p7, (r) => (r.vdf.proof = `${r.vdf.proof.slice(0, 510)}01`)),
            null,
          ),
        'DRV_ENTROPY_VDF_PROOF',
      ],
      [
        'the seed (a sequencer substituting its own)',
        () => verifyPacketEntropy(policy, { ...p7, seed: 'ab'.repeat(32) }, null),
        'DRV_ENTROPY_SEED_MISMATCH',
      ],
      [
        "another packet's seed of the same round",
        () => verifyPacketEntropy(policy, { ...p8, seed: p7.seed }, p7),
        'DRV_ENTROPY_SEED_MISMATCH',
      ],
    ];
    for (const [what, run, code] of cases) it(`${code} for ${what}`, () => expectCode(run, code));

    it('checks the round part again when only one packet of a round was changed', () => {
      const changed = withRecord(p8, (r) => (r.vdf.proof = `${r.vdf.proof.slice(0, 510)}01`));
      expectCode(() => verifyPacketEntropy(policy, changed, p7), 'DRV_ENTROPY_VDF_PROOF');
    });
  });

  describe('when the record is malformed', () => {
    const malformed: [string, (r: Record<string, any>) => void, string][] = [
      ['a missing field', (r) => delete r.vdf, 'record'],
      ['an extra field', (r) => (r.note = 'x'), 'record'],
      ['osRandom on a fresh record', (r) => (r.osRandom = OS_RANDOM), 'record'],
      ['a round that is a number', (r) => (r.beacon.round = 100), 'beacon.round'],
      ['a short signature', (r) => (r.beacon.signature = 'ab'), 'beacon.signature'],
      ['a short VDF output', (r) => (r.vdf.output = 'ab'), 'vdf.output'],
      ['another modulus', (r) => (r.vdf.modulus = 'rsa-4096'), 'vdf.modulus'],
      ['QRNG bytes over 64', (r) => (r.qrng.bytes = '00'.repeat(65)), 'qrng.bytes'],
      ['an anchor height that is not decimal', (r) => (r.anchor.height = '-1'), 'anchor.height'],
    ];
    for (const [what, edit, field] of malformed)
      it(`throws DRV_ENTROPY_MALFORMED naming ${field} for ${what}`, () =>
        expectCode(
          () => verifyPacketEntropy(policy, withRecord(p7, edit), null),
          'DRV_ENTROPY_MALFORMED',
          field,
        ));
  });
});

describe('getQuantumEnhancedSeed', () => {
  const base = {
    vdfOutput: '11'.repeat(256),
    height: 5n,
    anchorSealHash: '22'.repeat(32),
    osRandom: null,
  };
  it('changes with every input', () => {
    const seeds = new Set([
      getQuantumEnhancedSeed(base),
      getQuantumEnhancedSeed({ ...base, vdfOutput: `${'11'.repeat(255)}12` }),
      getQuantumEnhancedSeed({ ...base, height: 6n }),
      getQuantumEnhancedSeed({ ...base, anchorSealHash: '23'.repeat(32) }),
      getQuantumEnhancedSeed({ ...base, osRandom: OS_RANDOM }),
    ]);
    expect(seeds.size).to.equal(5);
    expect(getQuantumEnhancedSeed(base)).to.match(/^[0-9a-f]{64}$/);
  });
  it('is hashDomain(QFS/entropy/seed/v1, canonical JSON of its inputs)', () => {
    const { createHash } = require('node:crypto') as typeof import('node:crypto');
    const tag = Buffer.from('QFS/entropy/seed/v1');
    const body = `{"anchorSealHash":"${base.anchorSealHash}","height":"5","osRandom":null,"vdfOutput":"${base.vdfOutput}"}`;
    const framed = Buffer.concat([Buffer.from([tag.length]), tag, Buffer.from(body)]);
    expect(getQuantumEnhancedSeed(base)).to.equal(
      createHash('sha256').update(framed).digest('hex'),
    );
  });
});

describe('verifyEntropyAnchor', () => {
  const round: RoundEntropy = testRound({
    round: 100n,
    anchor: { height: 2n, sealHash: 'a1'.repeat(32) },
  });
  const packet = testPacket(round, 3n, testRoundMs(100n) + 10n);
  it('accepts the stored seal', () => {
    expect(() =>
      verifyEntropyAnchor(packet, (h) => (h === 2n ? 'a1'.repeat(32) : undefined)),
    ).to.not.throw();
  });
  it('throws DRV_ENTROPY_ANCHOR for another stored seal or none', () => {
    expectCode(() => verifyEntropyAnchor(packet, () => 'b2'.repeat(32)), 'DRV_ENTROPY_ANCHOR');
    expectCode(() => verifyEntropyAnchor(packet, () => undefined), 'DRV_ENTROPY_ANCHOR');
  });
  it('accepts a record without an anchor (before the first seal)', () => {
    const first = testPacket(testRound({ round: 100n }), 0n, testRoundMs(100n) + 10n);
    expect(() => verifyEntropyAnchor(first, () => undefined)).to.not.throw();
    expect(entropyRecordJson(testRound({ round: 100n }), null).anchor).to.equal(null);
  });
});

describe('parseEntropyPolicy', () => {
  const beacons = [
    {
      name: 'quicknet',
      scheme: QUICKNET.scheme,
      publicKey: QUICKNET.publicKey,
      chainHash: QUICKNET.chainHash,
      genesisTime: '1692803367',
      periodSeconds: '3',
      groupHash: QUICKNET.groupHash,
      beaconId: 'quicknet',
    },
  ];
  it('fills in the defaults', () => {
    const p: EntropyPolicy = parseEntropyPolicy({ beacons });
    expect(p).to.include({
      vdfT: 65536n,
      roundAgeMaxMs: 12000n,
      clockSkewMaxMs: 2000n,
      staleRoundsCir511: 10n,
    });
  });
  const bad: [string, Record<string, unknown>, string][] = [
    ['no beacons', { beacons: [] }, 'entropy.beacons'],
    ['a chain listed twice', { beacons: [...beacons, ...beacons] }, 'entropy.beacons'],
    ['T = 0', { beacons, vdf: { modulus: 'rsa-2048', t: '0' } }, 'entropy.vdf.t'],
    ['another modulus', { beacons, vdf: { modulus: 'rsa-1024', t: '10' } }, 'entropy.vdf.modulus'],
    ['a round age below 1 s', { beacons, roundAgeMaxMs: '999' }, 'entropy.roundAgeMaxMs'],
    ['a round age below two periods', { beacons, roundAgeMaxMs: '5999' }, 'entropy.roundAgeMaxMs'],
    ['an unknown field', { beacons, extra: '1' }, 'entropy.extra'],
  ];
  for (const [what, json, field] of bad)
    it(`throws ENTROPY_POLICY_INVALID naming ${field} for ${what}`, () =>
      expectCode(() => parseEntropyPolicy(json), 'ENTROPY_POLICY_INVALID', field));
});
