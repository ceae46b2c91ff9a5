/**
 * CIR-511, quantised dissonance detection: compares a bundle's metrics with the previous bundle's;
 * a metric that moved more than its threshold is a dissonance, recorded; after a configured number
 * of dissonant bundles in a row it escalates to CIR-302. (The reference could detect but not log,
 * and never escalated, reference §12.3.) Pure: the caller passes the previous state and keeps the
 * returned one.
 * @module
 */
import { UD, type CertifiedMath, type UD128x18 } from '../math';
import { Cir302Halt } from './halts';

/** One metric that moved more than its threshold. */
export type DissonanceRecord = {
  readonly metric: string;
  readonly previous: UD128x18;
  readonly current: UD128x18;
  readonly deviation: UD128x18;
  readonly threshold: UD128x18;
};

/** What CIR-511 remembers between bundles. */
export type Cir511State = {
  /** Metrics of the last committed bundle (null before the first). */
  readonly lastMetrics: Readonly<Record<string, UD128x18>> | null;
  /** Dissonant bundles in a row up to the last committed one. */
  readonly consecutive: bigint;
};

export const INITIAL_CIR511_STATE: Cir511State = Object.freeze({
  lastMetrics: null,
  consecutive: 0n,
});

/** The CIR-511 state as plain JSON (decimal strings, metrics in key order): hashed and stored. */
export function cir511StateJson(state: Cir511State): {
  consecutive: string;
  lastMetrics: Record<string, string> | null;
} {
  const metrics = state.lastMetrics;
  return {
    consecutive: state.consecutive.toString(),
    lastMetrics:
      metrics === null
        ? null
        : Object.fromEntries(
            Object.keys(metrics)
              .sort()
              .map((k) => [k, UD.format(metrics[k] as UD128x18)]),
          ),
  };
}

/**
 * Compares `current` with the state's last metrics, metric by metric in the order of `thresholds`.
 * @returns the dissonances and the next state
 * @throws {Cir302Halt} when this bundle makes `escalationCount` dissonant bundles in a row
 */
export function detectDissonance<K extends string>(
  cm: CertifiedMath,
  state: Cir511State,
  current: Readonly<Record<K, UD128x18>>,
  thresholds: Readonly<Record<K, UD128x18>>,
  metricOrder: readonly K[],
  escalationCount: bigint,
): { readonly records: readonly DissonanceRecord[]; readonly state: Cir511State } {
  const records: DissonanceRecord[] = [];
  const previous = state.lastMetrics as Readonly<Record<K, UD128x18>> | null;
  if (previous !== null) {
    for (const metric of metricOrder) {
      const deviation = cm.absDiff(current[metric], previous[metric]);
      if (cm.gt(deviation, thresholds[metric])) {
        records.push(
          Object.freeze({
            metric,
            previous: previous[metric],
            current: current[metric],
            deviation,
            threshold: thresholds[metric],
          }),
        );
      }
    }
  }
  const consecutive = records.length > 0 ? state.consecutive + 1n : 0n;
  if (consecutive >= escalationCount) {
    const first = records[0] as DissonanceRecord;
    throw new Cir302Halt('CIR-511 dissonance escalated', {
      consecutive: consecutive.toString(),
      escalationCount: escalationCount.toString(),
      metric: first.metric,
      deviation: first.deviation.toString(),
      threshold: first.threshold.toString(),
    });
  }
  const snapshot: Record<string, UD128x18> = {};
  for (const metric of metricOrder) snapshot[metric] = current[metric];
  return {
    records: Object.freeze(records),
    state: Object.freeze({ lastMetrics: Object.freeze(snapshot), consecutive }),
  };
}
