/**
 * The streams a CLI command talks to. Commands never touch `process` directly, so tests can run
 * `main(argv, io)` with captured output (STYLE-ANCHORS §12).
 * @module
 */
import type { Readable, Writable } from 'node:stream';
import { isCodedError, type BaseError } from '../errors';

export type CliIo = {
  readonly stdin: Readable;
  readonly stdout: Writable;
  readonly stderr: Writable;
};

/** Writes one line to stdout. */
export function println(io: CliIo, line: string): void {
  io.stdout.write(`${line}\n`);
}

/** Exit codes: 0 success, 1 failure (refused, failed receipt, unreachable, halted), 2 usage. */
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** A usage error: message on stderr, exit code 2. */
export function usage(io: CliIo, state: { exitCode: number }, message: string): void {
  io.stderr.write(`error: ${message}\n`);
  state.exitCode = EXIT_USAGE;
}

/**
 * Runs a command body; a coded error becomes `error: CODE: message` on stderr (and whatever
 * `more` adds) and exit code 1. Anything else is a bug and propagates.
 */
export async function runCommand(
  io: CliIo,
  state: { exitCode: number },
  body: () => Promise<void>,
  more: (err: BaseError) => string | null = () => null,
): Promise<void> {
  try {
    await body();
  } catch (err) {
    if (!isCodedError(err)) throw err;
    io.stderr.write(`error: ${err.code}: ${err.message}\n`);
    const extra = more(err);
    if (extra !== null) io.stderr.write(`${extra}\n`);
    state.exitCode = EXIT_FAILURE;
  }
}
