/**
 * The size of V8's helper-thread pool for the benchmark's node process. Node starts four helper
 * threads whatever the machine has (`--v8-pool-size`, default 4), and V8 runs its parallel and
 * concurrent garbage collection on them. On the project's two vCPUs those four, the event loop, the
 * verification threads and the signing thread oversubscribe the cores: in six interleaved pairs of
 * HTTP runs, one helper per vCPU gave 2,529–2,938 TPS against 2,158–2,789 with Node's default
 * (docs/decisions.md, Throughput). The README tells operators of such machines to set the flag in
 * NODE_OPTIONS; the benchmark runs the node the same way, and says so in its first line.
 * @module
 */

import { spawn } from 'node:child_process';
import os from 'node:os';

/** Node's pool size when no flag sets it. */
export const NODE_DEFAULT_V8_POOL_SIZE = 4;

/**
 * The pool size the README recommends: one helper thread per vCPU, never more than Node's default.
 * @param cores - `os.availableParallelism()`
 */
export function recommendedV8PoolSize(cores: number): number {
  return Math.max(1, Math.min(NODE_DEFAULT_V8_POOL_SIZE, Math.floor(cores)));
}

/**
 * The `--v8-pool-size` a process was started with, or null when neither its command line nor
 * NODE_OPTIONS sets one. The command line wins over NODE_OPTIONS, and a later flag over an earlier
 * one, as in Node.
 * @param execArgv - `process.execArgv`
 * @param nodeOptions - `process.env.NODE_OPTIONS`
 */
export function v8PoolSizeFlag(
  execArgv: readonly string[],
  nodeOptions: string | undefined,
): number | null {
  return lastPoolSize(execArgv) ?? lastPoolSize((nodeOptions ?? '').split(/\s+/));
}

function lastPoolSize(flags: readonly string[]): number | null {
  let found: number | null = null;
  for (let i = 0; i < flags.length; i++) {
    const flag = flags[i] as string;
    const value = flag.startsWith('--v8-pool-size=')
      ? flag.slice('--v8-pool-size='.length)
      : flag === '--v8-pool-size'
        ? flags[++i]
        : undefined;
    if (value !== undefined && /^\d+$/.test(value)) found = Number(value);
  }
  return found;
}

/**
 * Runs `script` again in a child node with one V8 helper thread per vCPU, as the README tells
 * operators of a machine with fewer than four to run the node, unless a pool size is already set
 * (`set`: from the command line or NODE_OPTIONS). Returns true when the child does the work.
 * @param extraFlags - more node flags for the child (e.g. --expose-gc)
 */
export function rerunWithPoolSize(
  set: number | null,
  script: string,
  extraFlags: readonly string[] = [],
): boolean {
  const wanted = recommendedV8PoolSize(os.availableParallelism());
  if (set !== null || wanted >= NODE_DEFAULT_V8_POOL_SIZE) return false;
  const child = spawn(
    process.execPath,
    [
      `--v8-pool-size=${wanted}`,
      ...extraFlags,
      '-r',
      require.resolve('ts-node/register/transpile-only'),
      script,
      ...process.argv.slice(2),
    ],
    { stdio: 'inherit' },
  );
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
  child.once('exit', (code, signal) => {
    process.exitCode = code ?? 128 + (signal === null ? 0 : os.constants.signals[signal]);
  });
  return true;
}
