/**
 * Timestamps between nodes (the seed's `reconcile_timestamps`): the sequencer stamps each DRV
 * packet with its own clock; replicas report theirs in every attestation. Pure: the shell passes
 * the readings. docs/sync.md, Timestamps.
 * @module
 */

/**
 * One replica's clock as the sequencer last heard it: the `replicaTimeMs` of its latest
 * attestation and the sequencer's own clock when that attestation arrived. The difference is the
 * replica's offset (minus the one-way delay, milliseconds on a LAN).
 */
export type ClockSample = { readonly replicaTimeMs: bigint; readonly receivedAtMs: bigint };

/**
 * The network's time at the sequencer's `currentTts`: the median of the sequencer's clock and each
 * replica's clock carried forward to the same moment (`currentTts + replicaTimeMs − receivedAtMs`).
 * With an even count the lower of the two middle readings is taken, so the result is always one
 * of the readings. One faulty clock among three moves the median by nothing beyond the honest
 * readings' spread.
 * @param currentTts - the sequencer's clock now (ms)
 * @param samples - the latest sample of each replica
 * @returns the median (ms)
 */
export function reconcileTimestamps(currentTts: bigint, samples: readonly ClockSample[]): bigint {
  const readings = [
    currentTts,
    ...samples.map((s) => currentTts + (s.replicaTimeMs - s.receivedAtMs)),
  ];
  readings.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return readings[(readings.length - 1) >> 1] as bigint; // the lower middle reading
}

/** How a timestamp is off, when it is off by more than the bound. */
export type TimestampDrift = {
  readonly direction: 'ahead' | 'behind';
  /** |timestamp − reference| in ms. */
  readonly driftMs: bigint;
  readonly boundMs: bigint;
};

/**
 * The drift of `timestampMs` from `referenceMs` when it exceeds `boundMs`, else null.
 * @param timestampMs - the packet's ttsTimestamp
 * @param referenceMs - a clock reading (the reconciled median, or a replica's own clock)
 * @param boundMs - the configured drift bound
 */
export function timestampDrift(
  timestampMs: bigint,
  referenceMs: bigint,
  boundMs: bigint,
): TimestampDrift | null {
  const diff = timestampMs - referenceMs;
  const driftMs = diff < 0n ? -diff : diff;
  if (driftMs <= boundMs) return null;
  return Object.freeze({ direction: diff > 0n ? 'ahead' : 'behind', driftMs, boundMs });
}
