/*
 * parseSealedBundle
 * ├── reads what the node serves (stored JSON texts put together) into the same objects
 * ├── a transaction's own error becomes SYNC_MALFORMED naming it (txs.i) with its code
 * ├── more transactions than the limit: refused before any is parsed
 * └── heights that disagree (message, packet, seal): refused
 */
import { expect } from 'chai';
import { toText } from '../../../../runtime/node/store';
import { transferBody } from '../../../../runtime/sdk/tx-builder';
import { signTx } from '../../../../runtime/sdk/tx-builder';
import { parseSealedBundle } from '../../../../runtime/sync/protocol';
import { CHAIN_ID, keys, tx } from '../../../support/engine';
import { caught } from '../../../support/keys';
import { sealNext, syncState } from '../../../support/sync';

describe('parseSealedBundle', () => {
  const state = syncState(3);
  const wire = signTx(keys.user(0), CHAIN_ID, 1n, transferBody('CHR', keys.user(1).address, '5'));
  const s = sealNext(state, null, [
    tx(keys.user(0), 1n, transferBody('CHR', keys.user(1).address, '5')),
  ]);
  // As the node sends it: stored texts (toText) put together.
  const message = () =>
    JSON.parse(
      `{"height":"0","packet":${toText(s.bundle.packet)},"txs":[${JSON.stringify(wire)}],"seal":${toText(s.seal)},"keySeal":null}`,
    ) as Record<string, unknown>;

  it('reads the served form into the sealed objects', () => {
    const b = parseSealedBundle(message());
    expect(b.packet).to.deep.equal(s.bundle.packet);
    expect(b.seal).to.deep.equal(s.seal);
    expect(b.txs.map((t) => t.hash)).to.deep.equal(s.bundle.txs.map((t) => t.hash));
  });

  it('names a malformed transaction and its code', () => {
    const m = message();
    m.txs = [{ ...wire, nonce: '01' }];
    const err = caught(() => parseSealedBundle(m)) as {
      code: string;
      details: { field: string; reason: string };
    };
    expect(err.code).to.equal('SYNC_MALFORMED');
    expect(err.details.field).to.equal('txs.0');
    expect(err.details.reason).to.match(/^TX_MALFORMED/);
  });

  it('refuses more transactions than the limit', () => {
    const m = message();
    m.txs = [wire, wire, wire];
    const err = caught(() => parseSealedBundle(m, 2)) as {
      details: { field: string; reason: string };
    };
    expect(err.details).to.deep.include({ field: 'txs', reason: 'more than 2 items' });
  });

  it('refuses heights that disagree', () => {
    const err = caught(() => parseSealedBundle({ ...message(), height: '1' })) as {
      details: { field: string };
    };
    expect(err.details.field).to.equal('height');
  });
});
