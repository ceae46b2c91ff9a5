import { expect } from 'chai';
import { qfsSync } from '../../support/node-process';
import { tempDir } from '../../support/node';

describe('qfs demo (the npm start system, non-interactive)', function () {
  this.timeout(10 * 60_000);

  it('commits, confirms (two replicas) and anchors the demo workload; every on-chain balance equals the runtime balance', () => {
    const dir = tempDir('qfs-demo-');
    const run = qfsSync(['demo', '--txs', '9', '--json', '--dir', dir, '--replicas', '2']);
    expect(run.status, run.stderr).to.equal(0);
    const report = JSON.parse(run.stdout) as {
      dir: string;
      committedHeight: number;
      anchoredHeight: number;
      confirmedHeight: number;
      txs: number;
      accounts: Record<
        string,
        { runtime: Record<string, string>; onchain: Record<string, string> }
      >;
    };
    expect(report.dir).to.equal(dir);
    expect(report.txs).to.equal(10); // 9 transactions and one oracle guidance update
    expect(report.committedHeight).to.be.at.least(0);
    expect(report.anchoredHeight).to.equal(report.committedHeight);
    expect(report.confirmedHeight).to.equal(report.committedHeight);
    expect(Object.keys(report.accounts).sort()).to.deep.equal(['alice', 'bob', 'carol']);
    for (const [name, account] of Object.entries(report.accounts)) {
      expect(account.onchain, name).to.deep.equal(account.runtime);
    }
    expect(report.accounts.alice?.runtime.CHR).to.not.equal('10000.000000000000000000');
  });
});
