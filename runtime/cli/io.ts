/**
 * The streams a CLI command talks to. Commands never touch `process` directly, so tests can run
 * `main(argv, io)` with captured output (STYLE-ANCHORS §12).
 * @module
 */
import type { Readable, Writable } from 'node:stream';

export type CliIo = {
  readonly stdin: Readable;
  readonly stdout: Writable;
  readonly stderr: Writable;
};

/** Writes one line to stdout. */
export function println(io: CliIo, line: string): void {
  io.stdout.write(`${line}\n`);
}
