/**
 * A HolonetSync cluster of child processes on loopback: a sequencer (`qfs start`) and replicas
 * (`qfs replica start`), each on a free port, with helpers to wait on their HTTP state.
 * @module
 */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { QFS, ROOT, TEST_PASSPHRASE, qfsSync } from './node-process';

export type Proc = {
  readonly child: ChildProcess;
  readonly url: string;
  readonly output: () => string;
};

const started = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of started) {
    if (child.signalCode === 'SIGSTOP') child.kill('SIGCONT');
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
});

/** A port nothing listens on right now (bound to 0, then released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Spawns `qfs …args` and resolves once it prints "listening on URL". */
export function spawnQfs(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<Proc> {
  const child = spawn(process.execPath, [QFS, ...args], {
    cwd: ROOT,
    env: { ...process.env, QFS_PASSPHRASE: TEST_PASSPHRASE, QFS_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.add(child);
  child.once('exit', () => started.delete(child));
  let output = '';
  child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`qfs ${args[0]} did not start:\n${output}`)),
      120_000,
    );
    const poll = setInterval(() => {
      const match = /listening on (http:\/\/[^\s]+)/.exec(output);
      if (match === null) return;
      clearTimeout(timer);
      clearInterval(poll);
      resolve({ child, url: match[1] as string, output: () => output });
    }, 20);
    child.once('exit', (code) => {
      clearTimeout(timer);
      clearInterval(poll);
      reject(new Error(`qfs ${args[0]} exited with ${code} before listening:\n${output}`));
    });
  });
}

/** `qfs replica init` for replica `i` of a sequencer dir initialised with `--replicas`. */
export function initReplica(o: {
  dir: string;
  sequencerDir: string;
  index: number;
  follow: string;
  genesisHash: string;
  port: number;
  peers: readonly number[];
}): void {
  const run = qfsSync([
    'replica',
    'init',
    '--dir',
    o.dir,
    '--follow',
    o.follow,
    '--genesis-hash',
    o.genesisHash,
    '--key',
    path.join(o.sequencerDir, 'keys', `replica-${o.index}.key`),
    '--port',
    String(o.port),
    ...(o.peers.length === 0 ? [] : ['--peer', ...o.peers.map((p) => `http://127.0.0.1:${p}`)]),
  ]);
  if (run.status !== 0) throw new Error(`replica init failed:\n${run.stdout}${run.stderr}`);
}

/** GET url → JSON (throws on a non-2xx answer, with the body). */
export async function getJson<T = Record<string, unknown>>(url: string): Promise<T> {
  const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  const text = await res.text();
  if (!res.ok)
    throw Object.assign(new Error(`${url}: ${res.status} ${text.slice(0, 300)}`), {
      status: res.status,
      body: text,
    });
  return JSON.parse(text) as T;
}

/** Polls `check` every 100 ms until it returns a value (not undefined/false), or fails after `ms`. */
export async function until<T>(
  what: string,
  ms: number,
  check: () => Promise<T | undefined | false>,
): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown = null;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}${last === null ? '' : `: ${String(last)}`}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Resolves when the child has exited (or at once if it has). */
export function exitOf(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode === 'SIGKILL' || child.signalCode === 'SIGTERM')
    return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}
