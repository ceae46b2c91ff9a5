/**
 * A real `qfs start` in a child process on a loopback port, for end-to-end and crash tests.
 * @module
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export const ROOT = path.join(__dirname, '..', '..');
export const QFS = path.join(ROOT, 'bin', 'qfs.js');
export const TEST_PASSPHRASE = 'qfs-test-passphrase';

export type NodeProcess = {
  readonly child: ChildProcess;
  readonly url: string;
  readonly output: () => string;
};

/** Runs a qfs command to completion. */
export function qfsSync(
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
  bin: string = QFS,
): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, [bin, ...args], {
    cwd: ROOT,
    env: { ...process.env, QFS_PASSPHRASE: TEST_PASSPHRASE, QFS_LOG_LEVEL: 'warn', ...env },
    encoding: 'utf8',
    timeout: 300_000,
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** Starts `qfs start --dir dir --port 0` and resolves once it prints its URL. */
/** Every node a test started; killed when the test process exits, even after a failed test. */
const started = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of started)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

export function startNodeProcess(
  dir: string,
  extra: readonly string[] = [],
  env: NodeJS.ProcessEnv = {},
  bin: string = QFS,
): Promise<NodeProcess> {
  const child = spawn(process.execPath, [bin, 'start', '--dir', dir, '--port', '0', ...extra], {
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
    const timer = setTimeout(() => reject(new Error(`node did not start:\n${output}`)), 120_000);
    const poll = setInterval(() => {
      const match = /listening on (http:\/\/[^\s]+)/.exec(output);
      if (match !== null) {
        clearTimeout(timer);
        clearInterval(poll);
        resolve({ child, url: match[1] as string, output: () => output });
      }
    }, 20);
    child.once('exit', (code) => {
      clearTimeout(timer);
      clearInterval(poll);
      reject(new Error(`node exited with ${code} before listening:\n${output}`));
    });
  });
}

/** Resolves with the exit code (or the signal) of a child. */
export function exited(child: ChildProcess): Promise<number | string> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  if (child.signalCode !== null) return Promise.resolve(child.signalCode);
  return new Promise((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)),
  );
}
