/*
 * The VDF pool evaluates on a worker thread and gives the bytes evaluateVdf gives inline.
 */
import { expect } from 'chai';
import { evaluateVdf } from '../../../runtime/entropy';
import { VdfPool } from '../../../runtime/entropy/vdf-pool';

describe('VdfPool', () => {
  it('evaluates on its worker the same bytes as inline, and refuses work once closed', async () => {
    const pool = new VdfPool();
    try {
      const [a, b] = await Promise.all([
        pool.evaluate('ab'.repeat(32), 500n),
        pool.evaluate('01', 3n),
      ]);
      expect(a).to.deep.equal(evaluateVdf('ab'.repeat(32), 500n));
      expect(b).to.deep.equal(evaluateVdf('01', 3n));
    } finally {
      await pool.close();
    }
    await pool.evaluate('01', 3n).then(
      () => expect.fail('a closed pool evaluated'),
      (err: Error) => expect(err.message).to.match(/closed/),
    );
  });
});
