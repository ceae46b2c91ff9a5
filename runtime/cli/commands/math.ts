/**
 * `qfs math eval`: the auditor's calculator. Reads `FN ARG [ARG]` lines on stdin and prints one
 * result per line, in the same order, from one process (no per-line start-up).
 * @module
 */
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { EVAL_FUNCTIONS, evaluateLine } from '../math-eval';
import type { CliIo } from '../io';

/** Lines are written in batches of this many to keep 10,000-line inputs fast. */
const OUTPUT_BATCH_LINES = 512;

export function registerMathCommands(program: Command, io: CliIo, _state: { exitCode: number }): void {
  const math = program.command('math').description('fixed-point math tools');
  math
    .command('eval')
    .description(
      `evaluate lines "FN ARG [ARG]" from stdin; FN one of ${EVAL_FUNCTIONS.join(' ')}; ` +
        'prints the result with 18 fractional digits or "ERROR <CODE>"',
    )
    .action(async () => {
      await evalStream(io);
    });
}

async function evalStream(io: CliIo): Promise<void> {
  const lines = createInterface({ input: io.stdin, crlfDelay: Infinity });
  let pending: string[] = [];
  for await (const line of lines) {
    if (line.trim() === '') continue;
    pending.push(evaluateLine(line));
    if (pending.length >= OUTPUT_BATCH_LINES) {
      io.stdout.write(`${pending.join('\n')}\n`);
      pending = [];
    }
  }
  if (pending.length > 0) io.stdout.write(`${pending.join('\n')}\n`);
}
