/*
 * buildCertificate / certificateIssue / parseCertificate
 * ├── below the quorum: no certificate; at the quorum: one, attestations sorted by replica
 * ├── only counts members, the same seal, valid signatures, and each replica once
 * ├── a certificate checks against the membership of its height and its seal
 * └── a changed certificate (quorum, members, order, a non-member, too few, another seal) does not
 */
import { expect } from 'chai';
import { keyLedgerView } from '../../../../runtime/ledger';
import {
  buildCertificate,
  certificateHash,
  certificateIssue,
  certificateJson,
  membershipOf,
  parseCertificate,
  signAttestation,
  type CertifiedSeal,
} from '../../../../runtime/sync/protocol';
import { keys, tx } from '../../../support/engine';
import { replicaKey, sealNext, syncState } from '../../../support/sync';
import { transferBody } from '../../../../runtime/sdk/tx-builder';
import { coherenceSealHash } from '../../../../runtime/ledger';

describe('quorum certificates', () => {
  const state = syncState(3);
  const membership = membershipOf(keyLedgerView(state.keys), 0n);
  const sealed = sealNext(state, null, [
    tx(keys.user(0), 1n, transferBody('CHR', keys.user(1).address, '1')),
  ]);
  const target: CertifiedSeal = {
    chainId: state.chainId,
    height: 0n,
    sealHash: coherenceSealHash(sealed.seal),
    entryHash: sealed.entry.entryHash,
    bundleHash: sealed.result.bundleHash,
  };
  const attest = (i: number, over: Partial<CertifiedSeal> = {}, timeMs = 1000n) =>
    signAttestation(
      {
        chainId: target.chainId,
        height: target.height,
        sealHash: over.sealHash ?? target.sealHash,
        entryHash: over.entryHash ?? target.entryHash,
        replicaTimeMs: timeMs,
      },
      replicaKey(i),
    );

  it('needs the quorum, and then holds the attestations sorted by replica', () => {
    expect(buildCertificate(target, [attest(0)], membership)).to.equal(null);
    const c = buildCertificate(target, [attest(2), attest(0)], membership);
    expect(c).not.to.equal(null);
    const replicas = c?.attestations.map((a) => a.replica.toLowerCase()) ?? [];
    expect(replicas).to.deep.equal([...replicas].sort());
    expect(c?.quorum).to.equal(2n);
    expect(c?.members).to.equal(3n);
    expect(certificateIssue(c as never, membership, sealed.seal)).to.equal(null);
  });

  it('counts a replica once, and neither non-members, other seals nor bad signatures', () => {
    const other = signAttestation(
      {
        chainId: target.chainId,
        height: 0n,
        sealHash: target.sealHash,
        entryHash: target.entryHash,
        replicaTimeMs: 1n,
      },
      keys.user(0),
    );
    const forged = { ...attest(1), signature: attest(2).signature };
    const candidates = [
      attest(0, {}, 1n),
      attest(0, {}, 2n),
      other,
      attest(1, { sealHash: 'ee'.repeat(32) }),
      forged,
    ];
    expect(buildCertificate(target, candidates, membership)).to.equal(null);
    const c = buildCertificate(target, [...candidates, attest(2)], membership);
    expect(c?.attestations.map((a) => a.replica).sort()).to.deep.equal(
      [replicaKey(0).address, replicaKey(2).address].sort(),
    );
    expect(
      c?.attestations.find((a) => a.replica === replicaKey(0).address)?.replicaTimeMs,
    ).to.equal(1n);
  });

  describe('certificateIssue', () => {
    const c = buildCertificate(target, [attest(0), attest(1), attest(2)], membership);
    if (c === null) throw new Error('no certificate');
    const cases: [string, unknown, RegExp][] = [
      ['a lower quorum', { ...c, quorum: 1n }, /^quorum 1, expected 2$/],
      ['other members', { ...c, members: 2n }, /^members 2/],
      [
        'too few attestations',
        { ...c, attestations: c.attestations.slice(0, 1) },
        /^1 attestations, quorum 2$/,
      ],
      [
        'unsorted attestations',
        { ...c, attestations: [...c.attestations].reverse() },
        /not strictly ascending/,
      ],
      [
        'a repeated replica',
        { ...c, attestations: [c.attestations[0], c.attestations[0]] },
        /not strictly ascending/,
      ],
      ['another seal', { ...c, sealHash: 'ee'.repeat(32) }, /sealHash is not the seal’s hash/],
    ];
    for (const [what, changed, expected] of cases)
      it(`finds ${what}`, () => {
        expect(certificateIssue(changed as never, membership, sealed.seal)).to.match(expected);
      });
    it('finds a certificate made under a membership that no longer holds', () => {
      const fewer = membershipOf(keyLedgerView(syncState(2).keys), 0n);
      expect(certificateIssue(c, fewer)).to.match(/^members 3, expected 2$/);
    });
    it('reads back its JSON form, with a stable hash', () => {
      const back = parseCertificate(JSON.parse(JSON.stringify(certificateJson(c))));
      expect(back).to.deep.equal(c);
      expect(certificateHash(back)).to.equal(certificateHash(c));
      expect(certificateHash(back)).to.match(/^[0-9a-f]{64}$/);
    });
  });
});
