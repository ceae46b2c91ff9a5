/**
 * Local HTTP servers that replay recorded provider answers (tests reach no network): a drand relay
 * serving the recorded quicknet rounds of test/fixtures/entropy/drand-rounds.json exactly as drand
 * answers, and a QRNG API answering the recorded ANU Quantum Numbers body. Loopback, free ports.
 * @module
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { DRAND_FIXTURE } from './entropy';

export type ReplayServer = {
  readonly url: string;
  /** Requests seen (method, path, headers). */
  readonly requests: { url: string; headers: http.IncomingHttpHeaders }[];
  close(): Promise<void>;
};

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

export async function serve(handler: Handler): Promise<ReplayServer> {
  const requests: ReplayServer['requests'] = [];
  const server = http.createServer((req, res) => {
    requests.push({ url: req.url ?? '', headers: req.headers });
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * A drand relay for quicknet that knows only the recorded rounds; `latest` is the newest of them
 * (or `latest` if given). `tamper` changes the answer before it is sent (a lying relay).
 */
export function quicknetReplay(
  options: { latest?: number; tamper?: (round: Record<string, unknown>) => void } = {},
): Promise<ReplayServer> {
  const { info, rounds } = DRAND_FIXTURE.quicknet;
  const hash = info.hash as string;
  return serve((req, res) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const path = req.url ?? '';
    if (path === `/${hash}/info`) {
      const { $source: _source, ...body } = info;
      return send(200, body);
    }
    const m = /^\/([0-9a-f]{64})\/public\/(latest|[0-9]+)$/.exec(path);
    if (m === null || m[1] !== hash) return send(404, { error: 'not found' });
    const wanted =
      m[2] === 'latest'
        ? (options.latest ?? Math.max(...rounds.map((r) => r.round)))
        : Number(m[2]);
    const found = rounds.find((r) => r.round === wanted);
    if (found === undefined || found.randomness === undefined)
      return send(404, { error: 'unknown round' });
    const body: Record<string, unknown> = {
      round: found.round,
      randomness: found.randomness,
      signature: found.signature,
    };
    options.tamper?.(body);
    return send(200, body);
  });
}

/** A QRNG API answering the recorded ANU hex16 body, with an API-gateway request id. */
export function anuReplay(
  options: { status?: number; body?: unknown } = {},
): Promise<ReplayServer> {
  let n = 0;
  return serve((_req, res) => {
    n += 1;
    res.writeHead(options.status ?? 200, {
      'content-type': 'application/json',
      'x-amzn-requestid': `replay-${n}`,
    });
    res.end(JSON.stringify(options.body ?? DRAND_FIXTURE.anuQuantumNumbers.body));
  });
}

/** A server that accepts connections and never answers (timeouts). */
export function silentServer(): Promise<ReplayServer> {
  return serve(() => undefined);
}
