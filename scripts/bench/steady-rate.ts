/**
 * The benchmark's sustained rate: committed transactions per second over a steady window of a run.
 * @module
 */

/** A bundle commit: when, and how many transactions were committed by then. */
export type BundleMark = { readonly atMs: number; readonly committed: number };

/** The sustained rate and how far acknowledgements had run ahead of commits when the load ended. */
export type SteadyRate = {
  /** Transactions per second committed inside the window (0 when there is no window). */
  readonly tps: number;
  /** Acknowledged transactions not yet committed when the last input was answered. */
  readonly backlogAtLoadEnd: number;
};

/**
 * The rate between the bundle that passed 10 % of the run and the one that passed 90 % — exactly the
 * transactions those commits added over the time between them, so neither ramp-up nor a large bundle
 * at either end skews it — cut at the end of the load. When the node acknowledges faster than it
 * commits, a backlog is left when the client stops, and the commits after that run without any input
 * to serve: counting them measured the drain, not the rate under load (one-worker HTTP runs printed
 * 3,386 TPS while their transactions waited 4 s at the median).
 * @param bundles - commits in order
 * @param count - transactions in the run
 * @param loadEndMs - when the last input was answered (same clock as the marks)
 */
export function steadyRate(
  bundles: readonly BundleMark[],
  count: number,
  loadEndMs: number,
): SteadyRate {
  // Commits are in time order, so the ones made while the load lasted are a prefix.
  const underLoad = bundles.filter((b) => b.atMs <= loadEndMs);
  const backlogAtLoadEnd = count - (underLoad.at(-1)?.committed ?? 0);
  const from = underLoad.find((b) => b.committed >= count * 0.1);
  const ninety = underLoad.findIndex((b) => b.committed >= count * 0.9);
  const to = underLoad[ninety === -1 ? underLoad.length - 1 : ninety];
  if (from === undefined || to === undefined || to.atMs <= from.atMs)
    return { tps: 0, backlogAtLoadEnd };
  const tps = Math.round((to.committed - from.committed) / ((to.atMs - from.atMs) / 1000));
  return { tps, backlogAtLoadEnd };
}
