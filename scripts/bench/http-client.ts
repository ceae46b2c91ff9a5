/**
 * The benchmark's HTTP load generator, in its own process: sends the workload's transactions to
 * the node on loopback, one per `POST /v1/tx` or BATCH per `POST /v1/txs`, over CONNECTIONS
 * keep-alive HTTP/1.1 connections with PIPELINING requests in flight on each. The connections are
 * opened (and each answered once) before the first transaction, and kept for every round.
 * Transactions refused as backpressure (mempool full, nonce window) are sent again afterwards.
 * Reports its CPU time from the first transaction on, the refusals and the acknowledgement latency
 * per request.
 *
 * Written on `node:net` rather than taken from a load-testing library because the generator shares
 * the machine's two vCPUs with the node it measures: every request is serialised to bytes before
 * the clock starts, and a response is read by its status line and Content-Length only. autocannon
 * spent ~0.17 ms of CPU per request here, this ~0.04 ms (docs/decisions.md, Throughput).
 * argv: URL WORKLOAD_FILE COUNT CONNECTIONS PIPELINING BATCH
 */
import fs from 'node:fs';
import net from 'node:net';
import { ResponseReader, type HttpResponse } from './http-response-reader';

const [url = '', file = '', countText = '0', connText = '64', pipeText = '1', batchText = '1'] =
  process.argv.slice(2);
const batch = Number(batchText);
const target = new URL(url);
const bodies = readBodies(file, Number(countText));
const ROUNDS_MAX = 50;
const RESPONSE_BYTES_MAX = 1024 * 1024;

/** One request's bytes: the transactions of `group` as `POST /v1/tx` or `POST /v1/txs`. */
function requestBytes(group: readonly number[]): Buffer {
  const body =
    batch === 1
      ? (bodies[group[0] as number] as string)
      : `{"txs":[${group.map((i) => bodies[i]).join(',')}]}`;
  const head =
    `POST ${batch === 1 ? '/v1/tx' : '/v1/txs'} HTTP/1.1\r\nHost: ${target.host}\r\n` +
    `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n`;
  return Buffer.from(head + body);
}

/** The transactions of `group` that the response refused. */
function refusedOf(group: readonly number[], status: number, body: string): number[] {
  if (batch === 1) return status === 202 ? [] : [...group];
  if (status !== 200) throw new Error(`batch refused with HTTP ${status}: ${body.slice(0, 500)}`);
  const { results } = JSON.parse(body) as { results: { error?: unknown }[] };
  return group.filter((_, k) => results[k]?.error !== undefined);
}

type RoundOutcome = { refused: number[]; latenciesMs: number[] };

/** A keep-alive connection and what the current round does with its answers and failures. */
type Connection = {
  readonly socket: net.Socket;
  onResponse: (response: HttpResponse) => void;
  onFailure: (err: Error) => void;
};

/**
 * Opens a connection and waits for the answer to one `GET /v1/status` on it, so that the node has
 * accepted it before any transaction is sent. Node accepts a burst of new connections slowly while
 * it serves requests on the ones it has: 512 connections opened at once, each sending a request
 * straight away, were accepted over 1.2 s by a plain Node HTTP server, 6.5 s when each request cost
 * it 0.5 ms, and 2–3 s by the node under load. So the first transactions of some connections were
 * admitted seconds after later nonces of the same senders, whose bundles waited for the gap: small
 * bundles, a p99 of 2–3 s in some runs and not others, and a rate window that could begin inside
 * that crawl. Opened this way, the 512 are accepted in ~0.3 s, before the load.
 */
function openConnection(): Promise<Connection> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(target.port), target.hostname);
    socket.setNoDelay(true);
    const reader = new ResponseReader(RESPONSE_BYTES_MAX);
    const connection: Connection = {
      socket,
      onResponse: (response) => {
        if (response.status !== 200) {
          reject(new Error(`GET /v1/status answered ${response.status}: ${response.body}`));
          return;
        }
        connection.onResponse = () => {
          throw new Error('a response nobody asked for');
        };
        resolve(connection);
      },
      onFailure: reject,
    };
    socket.on('connect', () =>
      socket.write(`GET /v1/status HTTP/1.1\r\nHost: ${target.host}\r\n\r\n`),
    );
    socket.on('data', (chunk: Buffer) => {
      try {
        for (const response of reader.push(chunk)) connection.onResponse(response);
      } catch (err) {
        socket.destroy(err as Error);
      }
    });
    socket.on('error', (err) => connection.onFailure(err));
    socket.on('close', () => connection.onFailure(new Error('connection closed')));
  });
}

/** Sends every request once over the connections; resolves when all are answered. */
function round(
  groups: readonly number[][],
  requests: readonly Buffer[],
  connections: readonly Connection[],
): Promise<RoundOutcome> {
  return new Promise((resolve, reject) => {
    const outcome: RoundOutcome = { refused: [], latenciesMs: [] };
    const depth = Number(pipeText);
    let next = 0;
    let answered = 0;
    for (const connection of connections) {
      const inflight: { index: number; sentAt: bigint }[] = [];
      const fill = () => {
        while (inflight.length < depth && next < groups.length) {
          const index = next++;
          inflight.push({ index, sentAt: process.hrtime.bigint() });
          connection.socket.write(requests[index] as Buffer);
        }
      };
      connection.onResponse = (response) => {
        const sent = inflight.shift();
        if (sent === undefined) throw new Error('a response nobody asked for');
        outcome.latenciesMs.push(Number(process.hrtime.bigint() - sent.sentAt) / 1e6);
        const group = groups[sent.index] as number[];
        outcome.refused.push(...refusedOf(group, response.status, response.body));
        if (++answered === groups.length) resolve(outcome);
        else fill();
      };
      connection.onFailure = reject;
      fill();
    }
  });
}

const groupsOf = (indices: readonly number[]): number[][] => {
  const groups: number[][] = [];
  for (let i = 0; i < indices.length; i += batch) groups.push(indices.slice(i, i + batch));
  return groups;
};

const percentile = (sorted: readonly number[], p: number): number =>
  Math.round((sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0) * 10) / 10;

async function main(): Promise<void> {
  let groups = groupsOf(Array.from({ length: bodies.length }, (_, i) => i));
  let requests = groups.map(requestBytes);
  const connections = await Promise.all(
    Array.from({ length: Math.min(Number(connText), groups.length) }, openConnection),
  );
  const cpuStart = process.cpuUsage();
  let refusedTotal = 0;
  let first: number[] | null = null;
  for (let r = 0; groups.length > 0; r++) {
    if (r >= ROUNDS_MAX) throw new Error(`transactions still refused after ${ROUNDS_MAX} rounds`);
    const outcome = await round(groups, requests, connections);
    first ??= outcome.latenciesMs.sort((a, b) => a - b);
    refusedTotal += outcome.refused.length;
    groups = groupsOf(outcome.refused.sort((a, b) => a - b));
    requests = groups.map(requestBytes);
    if (groups.length > 0) await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const cpu = process.cpuUsage(cpuStart);
  for (const connection of connections) {
    connection.onFailure = () => undefined;
    connection.socket.end();
  }
  process.stdout.write(
    `${JSON.stringify({
      sent: bodies.length,
      refused: refusedTotal,
      cpuMs: Math.round((cpu.user + cpu.system) / 1000),
      ackP50ms: percentile(first ?? [], 0.5),
      ackP99ms: percentile(first ?? [], 0.99),
    })}\n`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`${String(err)}\n`);
  process.exitCode = 1;
});

/**
 * The first `count` transactions of the workload, each as its JSON text: from `{"txs": [...]}`, or
 * from JSON lines (`.jsonl`, one transaction a line), which the scale benchmark writes because
 * 100,000 signed transactions (~1 GB) exceed the longest string V8 can hold.
 */
function readBodies(path: string, count: number): string[] {
  if (!path.endsWith('.jsonl'))
    return (JSON.parse(fs.readFileSync(path, 'utf8')) as { txs: unknown[] }).txs
      .slice(0, count)
      .map((t) => JSON.stringify(t));
  const bytes = fs.readFileSync(path);
  const out: string[] = [];
  for (let at = 0; at < bytes.length && out.length < count; ) {
    const end = bytes.indexOf(10, at);
    const stop = end === -1 ? bytes.length : end;
    if (stop > at) out.push(bytes.toString('utf8', at, stop));
    at = stop + 1;
  }
  return out;
}
