/**
 * Entry point of `npm run zero-sim`: checks the deterministic core against the zero-simulation
 * rules (docs/zero-sim.md). Exit 0 clean, 1 with violations, 2 on a usage error or a crash.
 * @module
 */
import { EXIT_USAGE, main } from './zero-sim/cli';

try {
  process.exitCode = main(process.argv.slice(2), process, process.cwd());
} catch (err) {
  process.stderr.write(
    `zero-sim: the checker crashed: ${err instanceof Error ? err.stack : String(err)}\n`,
  );
  process.exitCode = EXIT_USAGE;
}
