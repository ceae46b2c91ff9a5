/**
 * Property-test settings shared by every suite: the run count comes from FC_NUM_RUNS (default 100,
 * the CI setting that keeps `npm test` within its budget); a failure prints the seed and path that
 * replay it (`fc.assert` reports them), and FC_SEED pins the seed for a replay.
 * @module
 */
import fc from 'fast-check';

function positiveInt(value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const parsed = Number.parseInt(value, 10);
  if (!Number.isSafeInteger(parsed) || parsed <= 0) {
    throw new Error(`FC_NUM_RUNS must be a positive integer, got "${value}"`);
  }
  return parsed;
}

/** Runs per property (FC_NUM_RUNS, default 100). */
export const numRuns = positiveInt(process.env.FC_NUM_RUNS, 100);

const seed =
  process.env.FC_SEED === undefined ? undefined : Number.parseInt(process.env.FC_SEED, 10);

fc.configureGlobal({
  numRuns,
  ...(seed === undefined ? {} : { seed }),
  verbose: fc.VerbosityLevel.Verbose,
});

/** Scales a run count for expensive properties (at least 1). */
export function scaledRuns(fraction: number): number {
  return Math.max(1, Math.floor(numRuns * fraction));
}
