/**
 * The attacker's bench: a real node (`qfs init` + `qfs start` in a child process on a loopback
 * port) with settings of the test's choosing, the demo keys, and raw HTTP — JSON requests through
 * fetch and hand-written bytes through a socket, every wait bounded.
 * @module
 */
import { expect } from 'chai';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { bytesToHex } from '../../../../runtime/codec';
import { sign, SignatureContext, type KeyPair } from '../../../../runtime/crypto';
import { txSigningBytes } from '../../../../runtime/engine';
import { loadKey } from '../../../../runtime/node/data-dir';
import type { TxWire } from '../../../../runtime/sdk/tx-builder';
import { tempDir } from '../../../support/node';
import {
  exited,
  qfsSync,
  startNodeProcess,
  TEST_PASSPHRASE,
  type NodeProcess,
} from '../../../support/node-process';

export type AttackNode = {
  readonly dir: string;
  readonly url: string;
  readonly port: number;
  readonly chainId: string;
  readonly process: NodeProcess;
  readonly keys: Readonly<Record<'alice' | 'bob' | 'carol' | 'admin', KeyPair>>;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | string>;
};

/** `qfs init` a data directory, merge `config` into its config.json, and `qfs start` it. */
export async function startAttackNode(
  config: Record<string, unknown> = {},
  env: NodeJS.ProcessEnv = {},
): Promise<AttackNode> {
  const dir = tempDir('qfs-attack-');
  const init = qfsSync(['init', '--dir', dir, '--kdf-log-n', '14']);
  expect(init.status, init.stderr).to.equal(0);
  const file = path.join(dir, 'config.json');
  const current = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  fs.writeFileSync(file, JSON.stringify({ ...current, ...config }, null, 2));
  const node = await startNodeProcess(dir, [], env);
  const status = (await getJson(node.url, '/v1/status')).json as { chainId: string };
  const load = (name: string) => loadKey(dir, name, TEST_PASSPHRASE);
  return {
    dir,
    url: node.url,
    port: Number(new URL(node.url).port),
    chainId: status.chainId,
    process: node,
    keys: { alice: load('alice'), bob: load('bob'), carol: load('carol'), admin: load('admin') },
    async stop() {
      if (node.child.exitCode === null && node.child.signalCode === null)
        node.child.kill('SIGTERM');
      return exited(node.child);
    },
  };
}

/** Signs `body` with `key` but names `from` as the sender (what an attacker can do). */
export function signAs(
  key: KeyPair,
  from: string,
  chainId: string,
  nonce: bigint,
  body: Readonly<Record<string, unknown>>,
): TxWire {
  const bytes = txSigningBytes({ chainId, from, nonce, wireBody: body });
  const signature = bytesToHex(sign(key.secretKey, bytes, SignatureContext.TX));
  return Object.freeze({ chainId, from, nonce: nonce.toString(), body, signature });
}

export type JsonAnswer = {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  readonly json: unknown;
};

/** One request with a JSON (or raw string) body; bounded by a 30 s timeout. */
export async function request(
  url: string,
  method: string,
  route: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<JsonAnswer> {
  const res = await fetch(`${url}${route}`, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = null;
  }
  return { status: res.status, headers: res.headers, text, json };
}

export const postJson = (url: string, route: string, body: unknown) =>
  request(url, 'POST', route, body);
export const getJson = (url: string, route: string, headers: Record<string, string> = {}) =>
  request(url, 'GET', route, undefined, headers);

/** Asserts the one envelope `{error: {code, message, details}}` with `code`; returns details. */
export function expectEnvelope(answer: JsonAnswer, code: string): Record<string, unknown> {
  const body = answer.json as { error?: { code?: string; message?: string; details?: object } };
  expect(body?.error?.code, `${answer.status} ${answer.text}`).to.equal(code);
  expect(Object.keys(body)).to.deep.equal(['error']);
  expect(Object.keys(body.error as object).sort()).to.deep.equal(['code', 'details', 'message']);
  expect(body.error?.message).to.be.a('string').and.not.equal('');
  return body.error?.details as Record<string, unknown>;
}

/** A raw HTTP exchange: what the server wrote until it closed, or until `limitMs`. */
export type RawAnswer = {
  readonly text: string;
  readonly closedByServer: boolean;
  readonly status: number | null;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: unknown;
};

/**
 * Writes `head` to a fresh connection, then `drip` one byte at a time every `dripMs` while the
 * connection lasts; resolves when the server closes it or after `limitMs` (then it is destroyed).
 */
export function rawExchange(
  port: number,
  head: string,
  options: { drip?: number; dripMs?: number; limitMs?: number } = {},
): Promise<RawAnswer> {
  const limitMs = options.limitMs ?? 20_000;
  return new Promise((resolve) => {
    let text = '';
    let dripper: NodeJS.Timeout | null = null;
    let left = options.drip ?? 0;
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.write(head);
      if (left > 0)
        dripper = setInterval(() => {
          if (left-- > 0 && socket.writable) socket.write('a');
        }, options.dripMs ?? 200);
    });
    const done = (closedByServer: boolean) => {
      if (dripper !== null) clearInterval(dripper);
      clearTimeout(limit);
      socket.destroy();
      resolve(parseRaw(text, closedByServer));
    };
    const limit = setTimeout(() => done(false), limitMs);
    socket.on('data', (d: Buffer) => (text += d.toString('latin1')));
    socket.on('close', () => done(true));
    socket.on('error', () => undefined);
  });
}

function parseRaw(text: string, closedByServer: boolean): RawAnswer {
  const [head = '', ...rest] = text.split('\r\n\r\n');
  const lines = head.split('\r\n');
  const status = /^HTTP\/1\.1 (\d{3})/.exec(lines[0] ?? '');
  const headers: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    const at = line.indexOf(':');
    if (at > 0) headers[line.slice(0, at).toLowerCase()] = line.slice(at + 1).trim();
  }
  let body: unknown = null;
  try {
    body = JSON.parse(rest.join('\r\n\r\n'));
  } catch {
    body = null;
  }
  return {
    text,
    closedByServer,
    status: status === null ? null : Number(status[1]),
    headers,
    body,
  };
}

/** Polls `probe` every 100 ms until it returns a value, for at most `limitMs`. */
export async function eventually<T>(
  probe: () => Promise<T | undefined>,
  limitMs = 30_000,
  what = 'condition',
): Promise<T> {
  const until = Date.now() + limitMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`${what} not reached within ${limitMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
