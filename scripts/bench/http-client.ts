/**
 * The benchmark's HTTP load generator, in its own process: sends the workload's transactions to
 * the node on loopback over keep-alive connections (undici), one per `POST /v1/tx` or BATCH per
 * `POST /v1/txs`, with CONCURRENCY requests in flight. Refusals that are backpressure (mempool
 * full, nonce window) are sent again. Reports its CPU time from the first request on (reading the
 * workload is setup), the refusals and the acknowledgement latency per request.
 * argv: URL WORKLOAD_FILE COUNT CONCURRENCY BATCH
 */
import fs from 'node:fs';
import { Pool } from 'undici';

const [url = '', file = '', countText = '0', concurrencyText = '64', batchText = '1'] =
  process.argv.slice(2);
const concurrency = Number(concurrencyText);
const batch = Number(batchText);
const bodies = (JSON.parse(fs.readFileSync(file, 'utf8')) as { txs: unknown[] }).txs
  .slice(0, Number(countText))
  .map((t) => JSON.stringify(t));
const pool = new Pool(url, { connections: concurrency, pipelining: 1 });
const RETRIES_MAX = 200;

/** Sends transactions `indexes`; resolves with the ones refused (to send again). */
async function send(indexes: readonly number[]): Promise<number[]> {
  const single = batch === 1;
  const res = await pool.request({
    path: single ? '/v1/tx' : '/v1/txs',
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: single
      ? (bodies[indexes[0] as number] as string)
      : `{"txs":[${indexes.map((i) => bodies[i]).join(',')}]}`,
  });
  if (single) {
    await res.body.dump();
    return res.statusCode === 202 ? [] : [...indexes];
  }
  if (res.statusCode !== 200) throw new Error(`batch refused with HTTP ${res.statusCode}`);
  const { results } = (await res.body.json()) as { results: { error?: unknown }[] };
  return indexes.filter((_, k) => results[k]?.error !== undefined);
}

async function main(): Promise<void> {
  const cpuStart = process.cpuUsage();
  let next = 0;
  let refused = 0;
  const ackMs: number[] = [];
  const worker = async () => {
    for (;;) {
      const start = next;
      next += batch;
      if (start >= bodies.length) return;
      let pending = Array.from(
        { length: Math.min(batch, bodies.length - start) },
        (_, k) => start + k,
      );
      for (let attempt = 0; pending.length > 0; attempt++) {
        if (attempt > RETRIES_MAX) throw new Error(`transactions ${pending.join(',')} refused`);
        const sent = performance.now();
        pending = await send(pending);
        ackMs.push(performance.now() - sent);
        refused += pending.length;
        if (pending.length > 0) await new Promise((r) => setTimeout(r, 20));
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  ackMs.sort((a, b) => a - b);
  const cpu = process.cpuUsage(cpuStart);
  const pct = (p: number) =>
    Math.round((ackMs[Math.min(ackMs.length - 1, Math.floor(ackMs.length * p))] ?? 0) * 10) / 10;
  process.stdout.write(
    `${JSON.stringify({
      sent: bodies.length,
      refused,
      cpuMs: Math.round((cpu.user + cpu.system) / 1000),
      ackP50ms: pct(0.5),
      ackP99ms: pct(0.99),
    })}\n`,
  );
  await pool.close();
}

main().catch((err: unknown) => {
  process.stderr.write(`${String(err)}\n`);
  process.exitCode = 1;
});
