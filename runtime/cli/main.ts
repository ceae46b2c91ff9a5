/**
 * The `qfs` command line: one commander program, one file per command group under `commands/`.
 * @module
 */
import { Command, CommanderError } from 'commander';
import { EXIT_USAGE, type CliIo } from './io';
import { registerMathCommands } from './commands/math';
import { registerNodeCommands } from './commands/node';
import { registerLedgerCommands } from './commands/ledger';
import { registerDevnetCommands } from './commands/devnet';
import { registerChainCommands } from './commands/chain';
import { registerKeysCommands } from './commands/keys';
import { registerTxCommands } from './commands/tx';
import { registerBalanceCommands } from './commands/balance';
import { registerSimCommands } from './commands/sim';
import { registerEntropyCommands } from './commands/entropy';
import { registerReplicaCommands } from './commands/replica';

/** Builds the program; every command writes through `io` and sets its exit code on `state`. */
export function buildProgram(io: CliIo, state: { exitCode: number }): Command {
  const program = new Command('qfs')
    .description('QFS V13: deterministic, post-quantum-signed transaction runtime')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    });
  registerMathCommands(program, io, state);
  registerNodeCommands(program, io, state);
  registerLedgerCommands(program, io, state);
  registerDevnetCommands(program, io, state);
  registerChainCommands(program, io, state);
  registerKeysCommands(program, io, state);
  registerTxCommands(program, io, state);
  registerBalanceCommands(program, io, state);
  registerSimCommands(program, io, state);
  registerEntropyCommands(program, io, state);
  registerReplicaCommands(program, io, state);
  return program;
}

/**
 * Runs the CLI on `argv` (without the node and script paths) and resolves to the exit code.
 */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const state = { exitCode: 0 };
  const program = buildProgram(io, state);
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return 0;
      if (err.code === 'commander.help') return 0;
      // Usage errors (unknown command, missing argument) exit with 2, like the zero-sim checker.
      return err.exitCode === 0 ? 0 : EXIT_USAGE;
    }
    throw err;
  }
  return state.exitCode;
}
