/**
 * `qfs sim --seed S --bundles N --txs K [--json] [--signed]`: runs a seeded workload through the
 * engine in memory (runtime/sim) and prints a summary; with --json exactly one JSON object.
 * Same arguments → same output on every run and machine.
 * @module
 */
import type { Command } from 'commander';
import { isCodedError } from '../../errors';
import { runSimulation, SIM_LIMITS, type SimReport } from '../../sim';
import { println, type CliIo } from '../io';

/** Exit code of a simulation the engine refused (a halt: the workload is built to avoid one). */
export const EXIT_SIM_FAILED = 1;
/** Exit code of bad arguments (as for every usage error of the CLI). */
export const EXIT_SIM_USAGE = 2;

type SimCliOptions = {
  seed: string;
  bundles: string;
  txs: string;
  json?: boolean;
  signed?: boolean;
};

export function registerSimCommands(
  program: Command,
  io: CliIo,
  state: { exitCode: number },
): void {
  program
    .command('sim')
    .description(
      'run a seeded workload (transfers, actions, key events, guidance, invalid transactions) ' +
        'through the engine in memory and print the resulting state root, op-log hash chain and ' +
        'supply; transactions are unsigned (pre-verified) unless --signed',
    )
    .option('--seed <n>', `seed, an integer in [0, ${Number.MAX_SAFE_INTEGER}]`, '1')
    .option('--bundles <n>', `bundles to run, 1..${SIM_LIMITS.bundlesMax}`, '10')
    .option('--txs <n>', `transactions per bundle, 1..${SIM_LIMITS.txsMax}`, '100')
    .option('--json', 'print one JSON object')
    .option('--signed', 'sign and verify every transaction for real (~20 ms each; small runs)')
    .action((options: SimCliOptions) => {
      const seed = integer(options.seed, 0, Number.MAX_SAFE_INTEGER);
      const bundles = integer(options.bundles, 1, SIM_LIMITS.bundlesMax);
      const txs = integer(options.txs, 1, SIM_LIMITS.txsMax);
      if (seed === undefined || bundles === undefined || txs === undefined) {
        io.stderr.write(
          `error: --seed, --bundles and --txs are whole numbers (seed ≤ ${Number.MAX_SAFE_INTEGER}, ` +
            `bundles 1..${SIM_LIMITS.bundlesMax}, txs 1..${SIM_LIMITS.txsMax})\n`,
        );
        state.exitCode = EXIT_SIM_USAGE;
        return;
      }
      let report: SimReport;
      try {
        report = runSimulation({ seed, bundles, txs, signed: options.signed === true });
      } catch (err) {
        if (!isCodedError(err)) throw err;
        io.stderr.write(`error: ${err.code}: ${err.message}\n`);
        state.exitCode = EXIT_SIM_FAILED;
        return;
      }
      if (options.json === true) println(io, JSON.stringify(report));
      else printSummary(io, report);
    });
}

function integer(text: string, lo: number, hi: number): number | undefined {
  if (!/^(0|[1-9][0-9]{0,15})$/.test(text)) return undefined;
  const n = Number(text);
  return Number.isSafeInteger(n) && n >= lo && n <= hi ? n : undefined;
}

function printSummary(io: CliIo, r: SimReport): void {
  const signatures =
    r.signatures === 'real'
      ? 'real (every transaction signed and verified)'
      : 'simulated (transactions unsigned and pre-verified; packets and key events signed)';
  const failures = Object.entries(r.failures)
    .map(([code, count]) => `${code} ${count}`)
    .join(', ');
  println(io, `seed ${r.seed}: ${r.bundles} bundles, ${r.txs} transactions`);
  println(io, `signatures: ${signatures}`);
  println(io, `failed: ${r.failedTxs}${failures === '' ? '' : ` (${failures})`}`);
  println(io, `state root: ${r.stateRoot}`);
  println(io, `op-log hash chain: ${r.opLogHash}`);
  for (const [token, amount] of Object.entries(r.supply)) println(io, `supply ${token}: ${amount}`);
  println(io, `accounts: ${r.accounts}, keys: ${r.keys}`);
}
