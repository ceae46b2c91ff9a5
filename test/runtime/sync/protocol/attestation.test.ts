/*
 * attestationIssue / signAttestation / parseAttestation
 * ├── a signed attestation verifies under its replica's key, and only there
 * ├── any changed field (height, seal, entry, time, replica) breaks the signature
 * ├── a signature made under another context does not verify as an attestation
 * └── parsing: JSON round trip; each malformed field is refused with SYNC_MALFORMED naming it
 */
import { expect } from 'chai';
import { bytesToHex, hexToBytes } from '../../../../runtime/codec';
import { sign, SignatureContext } from '../../../../runtime/crypto';
import {
  attestationIssue,
  attestationJson,
  attestationSigningBytes,
  parseAttestation,
  signAttestation,
} from '../../../../runtime/sync/protocol';
import { caught } from '../../../support/keys';
import { replicaKey } from '../../../support/sync';

const body = {
  chainId: 'qfs-test',
  height: 7n,
  sealHash: 'aa'.repeat(32),
  entryHash: 'bb'.repeat(32),
  replicaTimeMs: 1_767_225_601_000n,
};

describe('signAttestation and attestationIssue', () => {
  const a = signAttestation(body, replicaKey(0));

  it('verifies under the replica key, names the replica, and is deterministic', () => {
    expect(a.replica).to.equal(replicaKey(0).address);
    expect(attestationIssue(a, replicaKey(0).publicKey)).to.equal(null);
    expect(signAttestation(body, replicaKey(0)).signature).to.equal(a.signature);
  });

  it('does not verify under another key', () => {
    expect(attestationIssue(a, replicaKey(1).publicKey)).to.equal(
      'the public key is not the replica address',
    );
  });

  for (const [field, value] of [
    ['height', 8n],
    ['sealHash', 'ab'.repeat(32)],
    ['entryHash', 'cd'.repeat(32)],
    ['replicaTimeMs', 1n],
    ['chainId', 'qfs-other'],
  ] as const)
    it(`breaks when ${field} changes`, () => {
      expect(attestationIssue({ ...a, [field]: value }, replicaKey(0).publicKey)).to.equal(
        'the signature does not verify',
      );
    });

  it('does not take a signature made under another context', () => {
    const forged = {
      ...a,
      signature: bytesToHex(
        sign(replicaKey(0).secretKey, attestationSigningBytes(a), SignatureContext.COHERENCE_SEAL),
      ),
    };
    expect(attestationIssue(forged, replicaKey(0).publicKey)).to.equal(
      'the signature does not verify',
    );
    expect(hexToBytes(forged.signature)).to.have.length(4627);
  });
});

describe('parseAttestation', () => {
  const a = signAttestation(body, replicaKey(0));
  it('reads back its JSON form', () => {
    expect(parseAttestation(attestationJson(a))).to.deep.equal(a);
  });
  for (const [field, value] of [
    ['height', 7],
    ['height', '07'],
    ['sealHash', 'AA'.repeat(32)],
    ['replica', a.replica.toLowerCase()],
    ['signature', 'ab'],
    ['chainId', 'Not A Chain'],
  ] as const)
    it(`refuses ${field} = ${String(value).slice(0, 12)}`, () => {
      const err = caught(() => parseAttestation({ ...attestationJson(a), [field]: value })) as {
        code: string;
        details: { field: string };
      };
      expect(err.code).to.equal('SYNC_MALFORMED');
      expect(err.details.field).to.equal(field);
    });
  it('refuses unknown and missing fields', () => {
    const extra = caught(() => parseAttestation({ ...attestationJson(a), bundleHash: 'x' }));
    expect((extra as { code: string }).code).to.equal('SYNC_MALFORMED');
    const { signature: _s, ...missing } = attestationJson(a);
    expect((caught(() => parseAttestation(missing)) as { code: string }).code).to.equal(
      'SYNC_MALFORMED',
    );
  });
});
