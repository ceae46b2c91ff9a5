/**
 * Prometheus metrics of one API instance, on its own registry (not prom-client's global one), so
 * that tests and tools can build many apps in one process. Gauges read the sequencer when scraped;
 * counters follow its 'bundle' events and the API's admission answers.
 * @module
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { BundleResult } from '../../engine';
import type { EntropyStatus } from '../../entropy/service';
import type { AnchorStatus } from '../anchoring';
import type { LedgerNode } from '../ledger-node';
import type { BundleTiming } from '../sequencer';

export type ApiMetrics = {
  readonly registry: Registry;
  /** A transaction was acknowledged (202, first time). */
  admitted(): void;
  /** A transaction was refused at admission with `code`. */
  refused(code: string): void;
  /** An HTTP request finished. */
  request(method: string, route: string, statusCode: number, seconds: number): void;
  /** Stops following the sequencer. */
  dispose(): void;
};

/** Upper bounds of the bundle-size histogram (transactions per bundle). */
export const BUNDLE_SIZE_BUCKETS = Object.freeze([1, 10, 50, 100, 250, 500, 1000, 2000]);
/** Upper bounds of the request-duration histogram (seconds). */
export const HTTP_DURATION_BUCKETS = Object.freeze([
  0.0005, 0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5,
]);

/**
 * Creates the registry and the metrics for `seq`.
 * @param seq - the sequencer to observe
 * @param options - `processMetrics`: also collect prom-client's process metrics (CPU, memory,
 *   event-loop lag, GC)
 */
export function createApiMetrics(
  seq: LedgerNode,
  options: {
    processMetrics: boolean;
    entropyStatus?: () => EntropyStatus | null;
    anchorStatus?: () => AnchorStatus | null;
  },
): ApiMetrics {
  const registry = new Registry();
  const registers = [registry];
  if (options.anchorStatus !== undefined) anchorGauges(registers, options.anchorStatus);
  sequencerGauges(registers, seq);
  const admitted = new Counter({
    name: 'qfs_tx_admitted_total',
    help: 'Transactions acknowledged (durably stored) by this API',
    registers,
  });
  const refused = new Counter({
    name: 'qfs_tx_refused_total',
    help: 'Transactions refused at admission, by error code',
    labelNames: ['code'],
    registers,
  });
  const duration = new Histogram({
    name: 'qfs_http_request_duration_seconds',
    help: 'HTTP request duration by method, route and status code',
    labelNames: ['method', 'route', 'status_code'],
    buckets: [...HTTP_DURATION_BUCKETS],
    registers,
  });
  const onBundle = bundleCounters(registers);
  const onTiming = phaseHistogram(registers);
  if (options.processMetrics) collectDefaultMetrics({ register: registry, prefix: 'qfs_' });
  entropyMetrics(registers, options.entropyStatus);
  seq.on('bundle', onBundle);
  seq.on('timing', onTiming);

  return {
    registry,
    admitted: () => admitted.inc(),
    refused: (code) => refused.inc({ code }),
    request: (method, route, statusCode, seconds) =>
      duration.observe({ method, route, status_code: String(statusCode) }, seconds),
    dispose: () => {
      seq.off('bundle', onBundle);
      seq.off('timing', onTiming);
    },
  };
}

/**
 * Entropy metrics (issue 22), read from the entropy service at scrape time like /v1/status: the
 * last committed packet's beacon round, how many rounds stale it was, whether it was fresh,
 * CIR-511 entropy dissonances since the node started, and consecutive provider failures. Absent
 * on a chain without an entropy policy.
 */
function entropyMetrics(
  registers: Registry[],
  status: (() => EntropyStatus | null) | undefined,
): void {
  const gauge = (name: string, help: string, read: (s: EntropyStatus) => number | null) =>
    new Gauge({
      name,
      help,
      registers,
      collect() {
        const s = status?.() ?? null;
        const value = s === null ? null : read(s);
        if (value !== null) this.set(value);
      },
    });
  gauge('qfs_entropy_beacon_round', 'Beacon round of the last committed packet', (s) =>
    s.lastPacket === null ? null : Number(s.lastPacket.round),
  );
  gauge(
    'qfs_entropy_stale_rounds',
    'Rounds the last committed packet’s beacon round is behind its timestamp',
    (s) => (s.lastPacket === null ? null : Number(s.lastPacket.staleRounds)),
  );
  gauge(
    'qfs_entropy_fresh',
    '1 when the last committed packet used a fresh beacon round, 0 when stale (OS randomness mixed in)',
    (s) => (s.lastPacket === null ? null : s.lastPacket.source === 'beacon-vdf' ? 1 : 0),
  );
  gauge(
    'qfs_entropy_cir511_bundles',
    'Bundles committed since the node started whose packet was a CIR-511 entropy dissonance',
    (s) => s.cir511Bundles,
  );
  gauge(
    'qfs_entropy_provider_failures',
    'Consecutive failed beacon fetches (0 while the beacon answers)',
    (s) => s.provider.consecutiveFailures,
  );
}

/**
 * Anchoring gauges, read from the service when scraped: what is on-chain, how far behind, and whether
 * it is failing (`qfs_anchor_consecutive_failures` > 0; the error text is in /v1/status).
 */
function anchorGauges(registers: Registry[], status: () => AnchorStatus | null): void {
  const gauge = (name: string, help: string, value: (s: AnchorStatus) => number | null) =>
    new Gauge({
      name,
      help,
      registers,
      collect() {
        const s = status();
        const v = s === null ? null : value(s);
        if (v === null) this.reset();
        else this.set(v);
      },
    });
  gauge(
    'qfs_anchor_anchored_height',
    'Last height of the last epoch entirely on-chain (-1 before the first)',
    (s) => s.anchoredHeight ?? -1,
  );
  gauge('qfs_anchor_lag_bundles', 'Committed bundles not yet anchored', (s) => s.lag);
  gauge('qfs_anchor_anchored_epochs', 'Epochs entirely on-chain', (s) => s.anchoredEpochs);
  gauge(
    'qfs_anchor_consecutive_failures',
    'Failed anchoring attempts since the last success (retried with backoff)',
    (s) => s.consecutiveFailures,
  );
  gauge(
    'qfs_anchor_last_error_timestamp_seconds',
    'When anchoring last failed (unset before any failure)',
    (s) => (s.lastErrorAtMs === null ? null : s.lastErrorAtMs / 1000),
  );
  gauge(
    'qfs_anchor_last_success_timestamp_seconds',
    'When anchoring last put an epoch on-chain (unset before the first)',
    (s) => (s.lastAnchorAtMs === null ? null : s.lastAnchorAtMs / 1000),
  );
}

/** Gauges read from the sequencer when scraped: height, mempool depth, halt. */
function sequencerGauges(registers: Registry[], seq: LedgerNode): void {
  const gauge = (name: string, help: string, read: () => number) =>
    new Gauge({
      name,
      help,
      registers,
      collect() {
        this.set(read());
      },
    });
  gauge(
    'qfs_head_height',
    'Height of the latest committed bundle (-1 before the first)',
    () => Number(seq.state.height) - 1,
  );
  gauge(
    'qfs_mempool_depth',
    'Acknowledged transactions waiting for a bundle',
    () => seq.mempoolSize,
  );
  gauge('qfs_halted', '1 while the sequencer is halted (CIR-302/412), else 0', () =>
    seq.halted === null ? 0 : 1,
  );
  gauge(
    'qfs_halt_cir',
    'CIR code of the current halt (302 or 412), 0 when running',
    () => seq.halted?.cir ?? 0,
  );
}

/** Counters that follow committed bundles; returns the listener for the sequencer's 'bundle'. */
function bundleCounters(registers: Registry[]): (result: BundleResult) => void {
  const committed = new Counter({
    name: 'qfs_tx_committed_total',
    help: 'Transactions committed in bundles, by receipt status (ok or failed)',
    labelNames: ['status'],
    registers,
  });
  const failed = new Counter({
    name: 'qfs_tx_failed_total',
    help: 'Committed transactions with a failed receipt, by receipt code',
    labelNames: ['code'],
    registers,
  });
  const bundleSize = new Histogram({
    name: 'qfs_bundle_txs',
    help: 'Transactions per committed bundle',
    buckets: [...BUNDLE_SIZE_BUCKETS],
    registers,
  });
  return (result) => {
    bundleSize.observe(result.receipts.length);
    for (const receipt of result.receipts) {
      committed.inc({ status: receipt.status });
      if (receipt.status === 'failed') failed.inc({ code: receipt.code ?? 'UNKNOWN' });
    }
  };
}

/** Upper bounds of the bundle-phase histogram (seconds). */
export const BUNDLE_PHASE_BUCKETS = Object.freeze([0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1]);

/** Where each bundle's production time went (execute, seal, commit); returns the listener. */
function phaseHistogram(registers: Registry[]): (t: BundleTiming) => void {
  const phases = new Histogram({
    name: 'qfs_bundle_phase_seconds',
    help: 'Time per bundle in each production phase: execute (engine), seal, commit (SQLite)',
    labelNames: ['phase'],
    buckets: [...BUNDLE_PHASE_BUCKETS],
    registers,
  });
  return (t) => {
    phases.observe({ phase: 'execute' }, t.executeMs / 1000);
    phases.observe({ phase: 'seal' }, t.sealMs / 1000);
    phases.observe({ phase: 'commit' }, t.commitMs / 1000);
  };
}
