/**
 * Runs the CLI in-process with captured streams: `runCli(['math', 'eval'], 'ln 2\n')`.
 * @module
 */
import { PassThrough, Readable } from 'node:stream';
import { main } from '../../runtime/cli/main';

export type CliRun = { code: number; stdout: string; stderr: string };

export async function runCli(argv: readonly string[], stdin = ''): Promise<CliRun> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: string[] = [];
  const err: string[] = [];
  stdout.on('data', (chunk: Buffer) => out.push(chunk.toString('utf8')));
  stderr.on('data', (chunk: Buffer) => err.push(chunk.toString('utf8')));
  const code = await main(argv, { stdin: Readable.from([stdin]), stdout, stderr });
  return { code, stdout: out.join(''), stderr: err.join('') };
}
