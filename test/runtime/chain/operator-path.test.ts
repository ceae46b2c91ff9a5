/*
 * The operator's path to a real chain, every part a real process: `npx hardhat node` on a free
 * loopback port, `qfs init`, `qfs chain deploy` (Hardhat Ignition; run twice: the second reuses),
 * `qfs start`, signed transactions over HTTP, `qfs anchor status --json` reaching
 * anchoredHeight == localHeight, balances read through ethers from the token contract equal to
 * the node's.
 * ├── SIGKILL of the node while an epoch's balance chunks are on their way: restarted, it resumes
 * │   with the next chunk; no transaction on the chain ever reverted, every epoch applied once
 * ├── the chain stopped (SIGSTOP: `hardhat node` keeps no state across a restart, so stopping the
 * │   process is how it "goes away" and comes back with its state): the node keeps committing, its
 * │   status and metrics say how far behind anchoring is and why, and after SIGCONT it catches up
 * └── `qfs chain deploy` again with another epoch length: refused, chain.json unchanged
 */
import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import { JsonRpcProvider } from 'ethers';
import { chainProvider, contractsAt, type AnchorContracts } from '../../../runtime/chain/connect';
import {
  HARDHAT_ACCOUNT_0_KEY,
  startLocalChain,
  type LocalChain,
} from '../../../runtime/chain/local-chain';
import { TOKEN_IDS, TOKENS } from '../../../runtime/engine';
import { UD } from '../../../runtime/math';
import { DEMO_ACCOUNTS, loadKey } from '../../../runtime/node';
import { QfsClient } from '../../../runtime/sdk/client';
import { tempDir } from '../../support/node';
import {
  TEST_PASSPHRASE,
  exited,
  qfsSync,
  startNodeProcess,
  type NodeProcess,
} from '../../support/node-process';

type AnchorStatusJson = {
  localHeight: number;
  anchoredHeight: number | null;
  lag: number | null;
  lastError: string | null;
  chainError: string | null;
};

/** Polls `probe` every `everyMs` until it returns a value, for at most `timeoutMs`. */
async function until<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 60_000,
  everyMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

describe('operator path: qfs chain deploy, qfs start anchoring, crash and chain outage', function () {
  this.timeout(10 * 60_000);
  const dir = tempDir('qfs-operator-');
  const deployerEnv = { QFS_DEPLOYER_KEY: HARDHAT_ACCOUNT_0_KEY };
  let chain: LocalChain;
  let provider: JsonRpcProvider;
  let contracts: AnchorContracts;
  let node: NodeProcess | null = null;
  const keys = () => DEMO_ACCOUNTS.map((name) => loadKey(dir, name, TEST_PASSPHRASE));

  before(async () => {
    chain = await startLocalChain(0);
    provider = chainProvider(chain.rpcUrl, 31337, 10_000);
  });
  after(async () => {
    if (node !== null && node.child.exitCode === null) node.child.kill('SIGKILL');
    provider?.destroy();
    await chain?.stop();
  });

  async function startNode(): Promise<QfsClient> {
    node = await startNodeProcess(dir);
    return new QfsClient(node.url);
  }

  async function killNode(): Promise<void> {
    const child = (node as NodeProcess).child;
    child.kill('SIGKILL');
    expect(await exited(child)).to.equal('SIGKILL');
  }

  /** Sends a round of transfers and actions from the demo accounts over HTTP; returns their hashes. */
  async function sendRound(client: QfsClient, round: number): Promise<string[]> {
    const [alice, bob, carol] = keys() as [
      ReturnType<typeof loadKey>,
      ReturnType<typeof loadKey>,
      ReturnType<typeof loadKey>,
    ];
    const sent = [
      await client.transfer(alice, bob.address, 'CHR', `${round + 1}.25`),
      await client.action(bob, 'compute', BigInt(round + 2), `round-${round}`),
      await client.transfer(carol, alice.address, 'FLX', '0.5'),
    ];
    return sent.map((s) => s.txHash);
  }

  async function anchorStatus(): Promise<AnchorStatusJson> {
    const run = qfsSync(['anchor', 'status', '--dir', dir, '--json']);
    expect(run.status, run.stderr + run.stdout).to.equal(0);
    return JSON.parse(run.stdout) as AnchorStatusJson;
  }

  /** Waits until the node reports every committed bundle anchored, then checks it with `qfs anchor status`. */
  async function expectCaughtUp(client: QfsClient): Promise<number> {
    const height = await until('anchoring to catch up', async () => {
      const s = await client.status();
      const a = s.anchoring;
      return a !== null &&
        s.height !== null &&
        a.anchoredHeight === s.height &&
        s.mempoolDepth === 0
        ? s.height
        : undefined;
    });
    const status = await anchorStatus();
    expect(status).to.deep.include({
      localHeight: height,
      anchoredHeight: height,
      lag: 0,
      chainError: null,
    });
    return height;
  }

  async function expectBalancesEqual(client: QfsClient): Promise<void> {
    const ids = TOKENS.map((t) => BigInt(TOKEN_IDS[t]));
    for (const key of keys()) {
      const view = await client.account(key.address);
      const onchain = await contracts.token.balanceOfBatch(
        ids.map(() => key.address),
        ids,
      );
      const formatted = Object.fromEntries(
        TOKENS.map((t, i) => [t, UD.format(UD.wrap(onchain[i] as bigint))]),
      );
      expect(formatted, key.address).to.deep.equal(view.balances);
    }
  }

  /** No transaction on the chain reverted; every epoch was completed once, its chunks 0..n−1 once each. */
  async function expectNoRevertNoDoubleEpoch(): Promise<void> {
    const latest = await provider.getBlockNumber();
    let txs = 0;
    for (let n = 1; n <= latest; n++) {
      const block = await provider.getBlock(n);
      for (const hash of block?.transactions ?? []) {
        const receipt = await provider.getTransactionReceipt(hash);
        expect(receipt?.status, `transaction ${hash} in block ${n}`).to.equal(1);
        txs++;
      }
    }
    expect(txs).to.be.above(10);
    const epochs = await contracts.token.queryFilter(contracts.token.filters.BalanceEpochApplied());
    expect(epochs.map((e) => Number(e.args.epoch))).to.deep.equal(epochs.map((_, i) => i));
    const chunks = await contracts.token.queryFilter(contracts.token.filters.BalanceChunkApplied());
    const byEpoch = new Map<number, number[]>();
    for (const c of chunks)
      byEpoch.set(Number(c.args.epoch), [
        ...(byEpoch.get(Number(c.args.epoch)) ?? []),
        Number(c.args.chunk),
      ]);
    for (const [epoch, list] of byEpoch)
      expect(list, `epoch ${epoch}`).to.deep.equal(list.map((_, i) => i));
  }

  it('deploys with qfs chain deploy, and reuses the deployment when run again', () => {
    const init = qfsSync(['init', '--dir', dir, '--kdf-log-n', '14']);
    expect(init.status, init.stderr).to.equal(0);
    const args = ['chain', 'deploy', '--dir', dir, '--rpc', chain.rpcUrl, '--json'];
    const first = qfsSync(
      [
        ...args,
        '--confirmations',
        '1',
        '--epoch-length',
        '1',
        '--balance-chunk',
        '2',
        '--fund-anchor',
        '10',
      ],
      deployerEnv,
    );
    expect(first.status, first.stderr + first.stdout).to.equal(0);
    const deployed = JSON.parse(first.stdout) as {
      reused: boolean;
      contracts: Record<string, string>;
      anchorAccount: string;
      admin: string;
    };
    expect(deployed.reused).to.equal(false);
    expect(deployed.anchorAccount).to.not.equal(deployed.admin);
    const again = qfsSync(args, deployerEnv);
    expect(again.status, again.stderr).to.equal(0);
    const reused = JSON.parse(again.stdout) as typeof deployed;
    expect(reused.reused).to.equal(true);
    expect(reused.contracts).to.deep.equal(deployed.contracts);
    // Short waits, so that the outage below is noticed and left quickly (chain.json settings).
    const file = path.join(dir, 'chain.json');
    const config = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
    expect(config).to.deep.include({ epochLength: 1, balanceChunkSize: 2, confirmations: 1 });
    fs.writeFileSync(
      file,
      JSON.stringify({ ...config, rpcTimeoutMs: 1500, retryMaxMs: 1000, pollIntervalMs: 200 }),
    );
    contracts = contractsAt(
      deployed.contracts as { token: string; anchor: string; registry: string },
      provider,
    );
  });

  it('anchors with qfs start; a SIGKILL between balance chunks resumes without a revert or a double epoch', async () => {
    let client = await startNode();
    // Kill while an epoch's chunks are on their way: the token contract has an epoch open.
    let killedOpen = false;
    for (let round = 0; round < 6 && !killedOpen; round++) {
      await sendRound(client, round);
      const open = await until(
        'an epoch in progress or the node caught up',
        async () => {
          const head = await contracts.token.balanceHead();
          if (head.nextChunk > 0n) return true;
          const s = await client.status();
          return s.height !== null &&
            s.anchoring?.anchoredHeight === s.height &&
            s.mempoolDepth === 0
            ? false
            : undefined;
        },
        60_000,
        10,
      );
      if (!open) continue;
      await killNode();
      killedOpen = (await contracts.token.balanceHead()).nextChunk > 0n;
      client = await startNode();
    }
    expect(killedOpen, 'the node was killed with an epoch half applied').to.equal(true);
    await sendRound(client, 7);
    await expectCaughtUp(client);
    await expectBalancesEqual(client);
    await expectNoRevertNoDoubleEpoch();
  });

  it('keeps committing while the chain is stopped, says how far behind it is, and catches up', async () => {
    const client = new QfsClient((node as NodeProcess).url);
    const before = await expectCaughtUp(client);
    chain.process.kill('SIGSTOP');
    try {
      for (let round = 8; round < 10; round++) {
        const hashes = await sendRound(client, round);
        for (const hash of hashes)
          expect((await client.waitForTx(hash, { timeoutMs: 60_000 })).status).to.equal(
            'committed',
          );
      }
      const behind = await until('the outage to show', async () => {
        const s = await client.status();
        return s.anchoring !== null &&
          s.anchoring.consecutiveFailures > 0 &&
          s.anchoring.lastError !== null
          ? s
          : undefined;
      });
      expect(behind.height).to.be.above(before);
      expect(behind.anchoring?.lag).to.equal((behind.height as number) - before);
      const metrics = await (await fetch(`${(node as NodeProcess).url}/metrics`)).text();
      expect(metrics).to.match(/^qfs_anchor_lag_bundles [1-9]/m);
      expect(metrics).to.match(/^qfs_anchor_consecutive_failures [1-9]/m);
      expect(metrics).to.match(new RegExp(`^qfs_anchor_anchored_height ${before}$`, 'm'));
    } finally {
      chain.process.kill('SIGCONT');
    }
    const after = await expectCaughtUp(client);
    expect(after).to.be.above(before);
    await expectBalancesEqual(client);
    await expectNoRevertNoDoubleEpoch();
  });

  it('refuses to change the epoch length of a deployment that has anchored epochs', () => {
    const file = path.join(dir, 'chain.json');
    const before = fs.readFileSync(file, 'utf8');
    const args = ['chain', 'deploy', '--dir', dir, '--rpc', chain.rpcUrl, '--epoch-length', '2'];
    const run = qfsSync(args, deployerEnv);
    expect(run.status).to.equal(1);
    expect(run.stderr).to.match(/CHAIN_DEPLOY: .*anchored epochs of another length/);
    expect(fs.readFileSync(file, 'utf8')).to.equal(before);
  });
});
