/*
 * Crash safety: the real node as a child process, killed with SIGKILL at random moments under
 * load, at least 20 times, then restarted.
 * ├── every acknowledged transaction (202) ends committed or rejected with a recorded reason
 * ├── `qfs verify` passes on the data directory
 * └── `qfs replay` twice gives the same head as the running node had
 */
import { expect } from 'chai';
import { loadKey } from '../../../runtime/node/data-dir';
import { actionBody, signTx, transferBody, type TxWire } from '../../../runtime/sdk/tx-builder';
import type { KeyPair } from '../../../runtime/crypto';
import { tempDir } from '../../support/node';
import { TEST_PASSPHRASE, exited, qfsSync, startNodeProcess } from '../../support/node-process';

const KILLS = Number(process.env.QFS_CRASH_KILLS ?? 20);
const TXS_PER_ACCOUNT = 40;

type Tx = { wire: TxWire; hash: string | null };

/** A deterministic pseudo-random sequence (no Math.random in tests that must replay). */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return s / 2 ** 32;
  };
}

async function post(
  url: string,
  wire: TxWire,
): Promise<{ status: number; body: { txHash?: string } }> {
  const response = await fetch(`${url}/v1/tx`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(wire),
  });
  return { status: response.status, body: (await response.json()) as { txHash?: string } };
}

describe('crash safety: SIGKILL under load', function () {
  this.timeout(30 * 60_000);

  it(`loses no acknowledged transaction across ${KILLS} kills, and the ledger verifies and replays`, async () => {
    const dir = tempDir('qfs-crash-');
    expect(qfsSync(['init', '--dir', dir, '--kdf-log-n', '14']).status).to.equal(0);
    const accounts: KeyPair[] = ['alice', 'bob', 'carol'].map((n) =>
      loadKey(dir, n, TEST_PASSPHRASE),
    );
    const chainId = 'qfs-devnet';
    const txs: Tx[] = [];
    for (let n = 1; n <= TXS_PER_ACCOUNT; n++) {
      accounts.forEach((key, i) => {
        const to = (accounts[(i + 1) % accounts.length] as KeyPair).address;
        const body =
          n % 3 === 0
            ? actionBody('compute', BigInt(n % 5) + 1n)
            : transferBody('CHR', to, `${n}.25`);
        txs.push({ wire: signTx(key, chainId, BigInt(n), body), hash: null });
      });
    }
    const random = prng(20261126);
    const acked = new Map<string, TxWire>();
    for (let round = 0; round < KILLS; round++) {
      const node = await startNodeProcess(dir);
      const pending = txs.filter((t) => t.hash === null || !acked.has(t.hash));
      if (round === 0) {
        const status = (await (await fetch(`${node.url}/v1/status`)).json()) as { halted: unknown };
        expect(status.halted, 'the node must start unhalted').to.equal(null);
      }
      // A kill cuts requests off mid-flight: those rejections are expected and ignored.
      const sends = pending.map((t) =>
        post(node.url, t.wire).then(
          (r) => {
            if (r.status === 202 || r.status === 200) {
              t.hash = r.body.txHash ?? null;
              if (t.hash !== null) acked.set(t.hash, t.wire);
            }
          },
          () => undefined,
        ),
      );
      await new Promise((r) => setTimeout(r, 50 + Math.floor(random() * 600)));
      node.child.kill('SIGKILL');
      await exited(node.child);
      await Promise.allSettled(sends);
    }
    const node = await startNodeProcess(dir);
    for (const t of txs.filter((x) => x.hash === null || !acked.has(x.hash))) {
      const r = await post(node.url, t.wire);
      if (r.status === 202 || r.status === 200) acked.set(r.body.txHash as string, t.wire);
    }
    const deadline = Date.now() + 300_000;
    const outcome = new Map<string, { status: string; code?: string; reason?: string }>();
    while (outcome.size < acked.size && Date.now() < deadline) {
      for (const hash of acked.keys()) {
        if (outcome.has(hash)) continue;
        const s = (await (await fetch(`${node.url}/v1/tx/${hash}`)).json()) as {
          status: string;
          code?: string;
          reason?: string;
        };
        if (s.status === 'committed' || s.status === 'rejected') outcome.set(hash, s);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(outcome.size, 'every acknowledged transaction ends committed or rejected').to.equal(
      acked.size,
    );
    for (const [hash, o] of outcome)
      if (o.status === 'rejected') expect(o.reason, hash).to.be.a('string').and.not.equal('');
    expect(acked.size).to.be.greaterThan(0);
    const status = (await (await fetch(`${node.url}/v1/status`)).json()) as {
      height: string;
      stateRoot: string;
      headHash: string;
    };
    node.child.kill('SIGTERM');
    expect(await exited(node.child)).to.equal(0);

    const verify = qfsSync(['verify', '--dir', dir, '--quiet']);
    expect(verify.status, verify.stdout + verify.stderr).to.equal(0);
    const replays = [0, 1].map(
      () =>
        JSON.parse(qfsSync(['replay', '--dir', dir, '--json']).stdout) as {
          height: number;
          stateRoot: string;
          headHash: string;
        },
    );
    expect(replays[0]).to.deep.include({ stateRoot: status.stateRoot, headHash: status.headHash });
    expect(replays[1]?.stateRoot).to.equal(replays[0]?.stateRoot);
    expect(replays[1]?.headHash).to.equal(replays[0]?.headHash);
  });
});
