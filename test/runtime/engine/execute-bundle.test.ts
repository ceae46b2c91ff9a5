import { expect } from 'chai';
import { UD } from '../../../runtime/math';
import { getAccount } from '../../../runtime/engine';
import { actionBody, transferBody } from '../../../runtime/sdk/tx-builder';
import { genesisState, keys, runBundle, tx } from '../../support/engine';

describe('executeBundle', () => {
  it('executes transfers and actions, pays fees and rewards, and conserves supply', () => {
    const state = genesisState(3);
    const [a, b] = [keys.user(0), keys.user(1)];
    const signed = [
      tx(a, 1n, transferBody('CHR', b.address, '10')),
      tx(b, 1n, actionBody('compute', 5n)),
    ];
    const result = runBundle(state, signed);
    expect(result.receipts.map((r) => r.status)).to.deep.equal(['ok', 'ok']);
    const after = result.state;
    expect(UD.format(getAccount(after.accounts, a.address)!.balances.CHR)).to.equal(
      '990.000000000000000000',
    );
    expect(after.height).to.equal(1n);
  });
});
