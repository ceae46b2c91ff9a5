/*
 * sealEvidence / packetEvidence / evidenceIssue / parseEvidence
 * ├── two different seals (or packets) of one height, both signed by the sequencer: proof
 * ├── the same pair in either order is the same evidence (same hash)
 * ├── not proof: the same object twice, another signer, a public key that is not the signer's,
 * │   a broken signature, objects of two heights
 * └── JSON round trip
 */
import { signCoherenceSeal } from '../../../support/seal';
import { expect } from 'chai';
import { bytesToHex } from '../../../../runtime/codec';
import {
  evidenceHash,
  evidenceIssue,
  evidenceJson,
  packetEvidence,
  parseEvidence,
  sealEvidence,
  type EquivocationEvidence,
} from '../../../../runtime/sync/protocol';
import { keys, tx } from '../../../support/engine';
import { sealNext, syncState } from '../../../support/sync';
import { transferBody } from '../../../../runtime/sdk/tx-builder';

describe('equivocation evidence', () => {
  const state = syncState(3);
  const send = (amount: string) => [
    tx(keys.user(0), 1n, transferBody('CHR', keys.user(1).address, amount)),
  ];
  const a = sealNext(state, null, send('1'));
  const b = sealNext(state, null, send('2'));
  const pk = bytesToHex(keys.sequencer.publicKey);

  it('proves two seals of one height by one key, whatever the order', () => {
    const e = sealEvidence(a.seal, b.seal, pk);
    expect(evidenceIssue(e)).to.equal(null);
    expect(evidenceHash(sealEvidence(b.seal, a.seal, pk))).to.equal(evidenceHash(e));
    expect(Number(e.height)).to.equal(0);
    expect(e.signer).to.equal(keys.sequencer.address);
  });

  it('proves two packets of one sequence by one key', () => {
    const e = packetEvidence(a.bundle.packet, b.bundle.packet, pk);
    expect(evidenceIssue(e)).to.equal(null);
    expect(parseEvidence(JSON.parse(JSON.stringify(evidenceJson(e))))).to.deep.equal(e);
  });

  it('reads back its JSON form', () => {
    const e = sealEvidence(a.seal, b.seal, pk);
    const back = parseEvidence(JSON.parse(JSON.stringify(evidenceJson(e))));
    expect(back).to.deep.equal(e);
    expect(evidenceHash(back)).to.equal(evidenceHash(e));
  });

  describe('is not proof when', () => {
    const good = sealEvidence(a.seal, b.seal, pk) as Extract<
      EquivocationEvidence,
      { kind: 'seal' }
    >;
    const other = signCoherenceSeal(
      a.entry,
      { timestamp: a.seal.timestamp, quantumMetadata: a.seal.quantumMetadata },
      keys.admin,
    );
    const next = sealNext(a.result.state, a.entry, [
      tx(keys.user(0), 2n, transferBody('CHR', keys.user(1).address, '1')),
    ]);
    const cases: [string, EquivocationEvidence, RegExp][] = [
      ['the objects are the same', { ...good, second: good.first }, /the same/],
      ['they are out of order', { ...good, first: good.second, second: good.first }, /ascending/],
      [
        'the key is not the signer’s',
        { ...good, publicKey: bytesToHex(keys.admin.publicKey) },
        /not the signer/,
      ],
      [
        'a signature is broken',
        { ...good, second: { ...good.second, signature: good.first.signature } },
        /does not verify/,
      ],
      ['another key signed one', { ...good, second: other }, /signed by/],
      ['they are of two heights', { ...good, second: next.seal }, /other chain or height/],
    ];
    for (const [what, evidence, expected] of cases)
      it(what, () => expect(evidenceIssue(evidence)).to.match(expected));
  });
});
