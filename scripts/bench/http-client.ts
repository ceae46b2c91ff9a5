/**
 * The benchmark's HTTP load generator, in its own process: sends the workload's transactions to
 * the node on loopback with autocannon (keep-alive connections, requests pre-serialised, a light
 * HTTP parser), one per `POST /v1/tx` or BATCH per `POST /v1/txs`, CONNECTIONS connections with
 * PIPELINING requests in flight on each. The generator shares the machine's cores with the node,
 * so it must cost little per request. Transactions refused as backpressure (mempool full, nonce
 * window) are sent again afterwards. Reports its CPU time from the first request on (reading the
 * workload is setup), the refusals and the acknowledgement latency per request.
 * argv: URL WORKLOAD_FILE COUNT CONNECTIONS PIPELINING BATCH
 */
import autocannon from 'autocannon';
import fs from 'node:fs';

const [url = '', file = '', countText = '0', connText = '64', pipeText = '1', batchText = '1'] =
  process.argv.slice(2);
const batch = Number(batchText);
const bodies = (JSON.parse(fs.readFileSync(file, 'utf8')) as { txs: unknown[] }).txs
  .slice(0, Number(countText))
  .map((t) => JSON.stringify(t));
const ROUNDS_MAX = 50;

type Context = { sent?: number[][] };

/** Sends every group of `groups` once; resolves with the transactions refused and the latencies. */
async function round(
  groups: readonly number[][],
): Promise<{ refused: number[]; p50: number; p99: number }> {
  let next = 0;
  const refused: number[] = [];
  const path = batch === 1 ? '/v1/tx' : '/v1/txs';
  const result = await autocannon({
    url,
    connections: Math.min(Number(connText), groups.length),
    pipelining: Number(pipeText),
    amount: groups.length,
    timeout: 120,
    requests: [
      {
        method: 'POST',
        path,
        headers: { 'content-type': 'application/json' },
        setupRequest: (request, context: Context) => {
          const group = groups[next++] ?? [];
          (context.sent ??= []).push(group);
          const body =
            batch === 1
              ? (bodies[group[0] as number] as string)
              : `{"txs":[${group.map((i) => bodies[i]).join(',')}]}`;
          return { ...request, body };
        },
        onResponse: (status, body, context: Context) => {
          const group = context.sent?.shift() ?? [];
          if (batch === 1) {
            if (status !== 202) refused.push(...group);
            return;
          }
          if (status !== 200) throw new Error(`batch refused with HTTP ${status}: ${body}`);
          const { results } = JSON.parse(body) as { results: { error?: unknown }[] };
          group.forEach((i, k) => results[k]?.error !== undefined && refused.push(i));
        },
      },
    ],
  });
  if (result.errors > 0 || result.timeouts > 0)
    throw new Error(`${result.errors} connection errors, ${result.timeouts} timeouts`);
  return { refused, p50: result.latency.p50, p99: result.latency.p99 };
}

async function main(): Promise<void> {
  const cpuStart = process.cpuUsage();
  let pending = Array.from({ length: bodies.length }, (_, i) => i);
  let refusedTotal = 0;
  let first: { p50: number; p99: number } | null = null;
  for (let r = 0; pending.length > 0; r++) {
    if (r >= ROUNDS_MAX) throw new Error(`${pending.length} transactions still refused`);
    const groups: number[][] = [];
    for (let i = 0; i < pending.length; i += batch) groups.push(pending.slice(i, i + batch));
    const outcome = await round(groups);
    first ??= outcome;
    refusedTotal += outcome.refused.length;
    pending = outcome.refused.sort((a, b) => a - b);
    if (pending.length > 0) await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const cpu = process.cpuUsage(cpuStart);
  process.stdout.write(
    `${JSON.stringify({
      sent: bodies.length,
      refused: refusedTotal,
      cpuMs: Math.round((cpu.user + cpu.system) / 1000),
      ackP50ms: first?.p50 ?? 0,
      ackP99ms: first?.p99 ?? 0,
    })}\n`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`${String(err)}\n`);
  process.exitCode = 1;
});
