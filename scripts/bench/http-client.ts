/**
 * The benchmark's HTTP load generator, in its own process: POSTs the workload's transactions to
 * /v1/tx on loopback with a fixed number of requests in flight (keep-alive), retrying refusals
 * that are backpressure (mempool full, nonce window), and reports its CPU time on exit.
 * argv: URL WORKLOAD_FILE COUNT CONCURRENCY
 */
import fs from 'node:fs';
import http from 'node:http';

const [url = '', file = '', countText = '0', concurrencyText = '64'] = process.argv.slice(2);
const workload = JSON.parse(fs.readFileSync(file, 'utf8')) as { txs: unknown[] };
const bodies = workload.txs.slice(0, Number(countText)).map((t) => JSON.stringify(t));
const agent = new http.Agent({
  keepAlive: true,
  noDelay: true,
  maxSockets: Number(concurrencyText),
});
const target = new URL('/v1/tx', url);

function post(body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function main(): Promise<void> {
  let next = 0;
  let refused = 0;
  const ackMs: number[] = [];
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= bodies.length) return;
      for (let attempt = 0; ; attempt++) {
        const sent = performance.now();
        const status = await post(bodies[i] as string);
        ackMs.push(performance.now() - sent);
        if (status === 202 || status === 200) break;
        refused += 1;
        if (attempt > 200) throw new Error(`transaction ${i} refused with HTTP ${status}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    }
  };
  await Promise.all(Array.from({ length: Number(concurrencyText) }, worker));
  ackMs.sort((a, b) => a - b);
  const cpu = process.cpuUsage();
  process.stdout.write(
    `${JSON.stringify({
      sent: bodies.length,
      refused,
      cpuMs: (cpu.user + cpu.system) / 1000,
      ackP50ms: Math.round((ackMs[Math.floor(ackMs.length / 2)] ?? 0) * 10) / 10,
      ackP99ms: Math.round((ackMs[Math.floor(ackMs.length * 0.99)] ?? 0) * 10) / 10,
    })}\n`,
  );
  agent.destroy();
}

main().catch((err: unknown) => {
  process.stderr.write(`${String(err)}\n`);
  process.exitCode = 1;
});
