/*
 * `qfs chain deploy` and `qfs anchor status` refusals that need no chain (the path that deploys is
 * test/runtime/chain/operator-path.test.ts)
 * ├── no deployer key (neither QFS_DEPLOYER_KEY nor --deployer-key-file): usage error, exit 2
 * ├── bad numbers: usage error naming the option, exit 2
 * ├── a deployer key file that cannot be read: CHAIN_DEPLOY, exit 1
 * ├── an RPC that does not answer: CHAIN_DEPLOY, exit 1, nothing written
 * ├── qfs anchor status without a chain: says so, exit 1
 * └── qfs start with a chain.json whose anchoring key is missing: CHAIN_CONFIG, the node does not start
 */
import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import { freePort, HARDHAT_ACCOUNT_0_KEY } from '../../../runtime/chain/local-chain';
import { tempDir } from '../../support/node';
import { qfsSync } from '../../support/node-process';

describe('qfs chain deploy / anchor status refusals', function () {
  this.timeout(120_000);

  it('asks for a deployer key and checks its numbers before touching the chain', () => {
    const dir = tempDir();
    const noKey = qfsSync(['chain', 'deploy', '--dir', dir, '--rpc', 'http://127.0.0.1:1'], {
      QFS_DEPLOYER_KEY: '',
    });
    expect([noKey.status, noKey.stderr]).to.deep.equal([
      2,
      'error: give --deployer-key-file or set QFS_DEPLOYER_KEY\n',
    ]);
    const badChunk = qfsSync(
      ['chain', 'deploy', '--dir', dir, '--rpc', 'http://127.0.0.1:1', '--balance-chunk', '900'],
      { QFS_DEPLOYER_KEY: HARDHAT_ACCOUNT_0_KEY },
    );
    expect([badChunk.status, badChunk.stderr]).to.deep.equal([
      2,
      'error: --balance-chunk must be an integer in [1, 500]\n',
    ]);
  });

  it('fails with CHAIN_DEPLOY when the deployer key file cannot be read', () => {
    const dir = tempDir();
    const missing = path.join(dir, 'deployer.json');
    const args = ['chain', 'deploy', '--dir', dir, '--rpc', 'http://127.0.0.1:1'];
    const run = qfsSync([...args, '--deployer-key-file', missing]);
    expect(run.status).to.equal(1);
    expect(run.stderr).to.match(
      /^error: CHAIN_DEPLOY: deployment: cannot read the deployer key file/,
    );
  });

  it('fails with CHAIN_DEPLOY when the RPC does not answer, writing nothing', async () => {
    const dir = tempDir();
    const rpc = `http://127.0.0.1:${await freePort()}`;
    const run = qfsSync(['chain', 'deploy', '--dir', dir, '--rpc', rpc], {
      QFS_DEPLOYER_KEY: HARDHAT_ACCOUNT_0_KEY,
    });
    expect(run.status).to.equal(1);
    expect(run.stderr).to.match(/^error: CHAIN_DEPLOY: deployment: cannot reach the RPC/);
    expect(fs.readdirSync(dir)).to.deep.equal([]);
  });

  it('says when no chain is configured', () => {
    const run = qfsSync(['anchor', 'status', '--dir', tempDir(), '--json'], { QFS_RPC_URL: '' });
    expect([run.status, run.stdout]).to.deep.equal([
      1,
      'no chain configured (D/chain.json or QFS_RPC_URL)\n',
    ]);
  });

  it('stops qfs start on a chain.json whose anchoring key is missing', () => {
    const dir = tempDir();
    expect(qfsSync(['init', '--dir', dir, '--kdf-log-n', '14']).status).to.equal(0);
    fs.writeFileSync(
      path.join(dir, 'chain.json'),
      JSON.stringify({
        rpcUrl: 'http://127.0.0.1:1',
        evmChainId: 31337,
        contracts: {
          token: `0x${'1'.repeat(40)}`,
          anchor: `0x${'2'.repeat(40)}`,
          registry: `0x${'3'.repeat(40)}`,
        },
      }),
    );
    const run = qfsSync(['start', '--dir', dir, '--port', '0']);
    expect(run.status).to.equal(1);
    expect(run.stderr).to.match(/error: CHAIN_CONFIG: .*anchor\.json: keyFile: no such file/);
  });
});
