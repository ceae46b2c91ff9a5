/**
 * The benchmark's load generator (scripts/bench/http-client.ts), run as the benchmark runs it (a
 * child process) against a real HTTP server on loopback that records what reaches it.
 */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';

const CLIENT = path.join(__dirname, '..', '..', '..', 'scripts', 'bench', 'http-client.ts');

type Seen = { connection: number; method: string; url: string; body: string };

/** A server that answers like the node (length-framed JSON) and records every request in order. */
async function recordingServer(refuseOnce: ReadonlySet<string>) {
  const seen: Seen[] = [];
  const refused = new Set<string>();
  let connections = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      const connection = (req.socket as unknown as { id: number }).id;
      seen.push({ connection, method: req.method ?? '', url: req.url ?? '', body });
      const refuse = refuseOnce.has(body) && !refused.has(body);
      if (refuse) refused.add(body);
      const [status, answer] =
        req.url === '/v1/status' ? [200, '{"ok":true}'] : refuse ? [503, '{}'] : [202, '{}'];
      res
        .writeHead(status, {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(answer),
        })
        .end(answer);
    });
  });
  server.on('connection', (socket) => {
    (socket as unknown as { id: number }).id = connections++;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, seen, port: (server.address() as AddressInfo).port };
}

/** Runs the client to completion; resolves with its report line. */
function runClient(args: readonly string[]): Promise<{ sent: number; refused: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', CLIENT, ...args],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.once('exit', (code) =>
      code === 0
        ? resolve(JSON.parse(out) as { sent: number; refused: number })
        : reject(new Error(`client exited ${code}: ${err}`)),
    );
  });
}

describe('scripts/bench/http-client', function () {
  this.timeout(60_000);
  const txs = Array.from({ length: 40 }, (_, i) => ({ n: i, pad: 'x'.repeat(i) }));
  let file: string;

  before(() => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qfs-client-'));
    file = path.join(dir, 'workload.json');
    fs.writeFileSync(file, JSON.stringify({ txs }));
  });

  it('opens every connection with one answered status request before it sends a transaction', async () => {
    const { server, seen, port } = await recordingServer(new Set());
    try {
      const report = await runClient([`http://127.0.0.1:${port}`, file, '40', '8', '1', '1']);
      expect(report).to.include({ sent: 40, refused: 0 });
      const statuses = seen.filter((s) => s.url === '/v1/status');
      expect(statuses.map((s) => s.connection).sort()).to.deep.equal([0, 1, 2, 3, 4, 5, 6, 7]);
      const firstTx = seen.findIndex((s) => s.url === '/v1/tx');
      expect(firstTx, 'the first transaction comes after the last status request').to.equal(8);
      const posted = seen.filter((s) => s.method === 'POST').map((s) => s.body);
      expect(posted.sort()).to.deep.equal(txs.map((t) => JSON.stringify(t)).sort());
    } finally {
      server.close();
    }
  });

  it('sends refused transactions again over the same connections', async () => {
    const again = [JSON.stringify(txs[3]), JSON.stringify(txs[17])];
    const { server, seen, port } = await recordingServer(new Set(again));
    try {
      const report = await runClient([`http://127.0.0.1:${port}`, file, '40', '4', '1', '1']);
      expect(report).to.include({ sent: 40, refused: 2 });
      const posted = seen.filter((s) => s.method === 'POST').map((s) => s.body);
      expect(posted).to.have.length(42);
      for (const body of again) expect(posted.filter((b) => b === body)).to.have.length(2);
      expect(new Set(seen.map((s) => s.connection)).size, 'connections opened').to.equal(4);
    } finally {
      server.close();
    }
  });
});
