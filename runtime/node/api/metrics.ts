/**
 * Prometheus metrics of one API instance, on its own registry (not prom-client's global one), so
 * that tests and tools can build many apps in one process. Gauges read the sequencer when scraped;
 * counters follow its 'bundle' events and the API's admission answers.
 * @module
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { BundleResult } from '../../engine';
import type { LedgerNode } from '../ledger-node';

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
  options: { processMetrics: boolean },
): ApiMetrics {
  const registry = new Registry();
  const registers = [registry];
  new Gauge({
    name: 'qfs_head_height',
    help: 'Height of the latest committed bundle (-1 before the first)',
    registers,
    collect() {
      this.set(Number(seq.state.height) - 1);
    },
  });
  new Gauge({
    name: 'qfs_mempool_depth',
    help: 'Acknowledged transactions waiting for a bundle',
    registers,
    collect() {
      this.set(seq.mempoolSize);
    },
  });
  new Gauge({
    name: 'qfs_halted',
    help: '1 while the sequencer is halted (CIR-302/412), else 0',
    registers,
    collect() {
      this.set(seq.halted === null ? 0 : 1);
    },
  });
  new Gauge({
    name: 'qfs_halt_cir',
    help: 'CIR code of the current halt (302 or 412), 0 when running',
    registers,
    collect() {
      this.set(seq.halted?.cir ?? 0);
    },
  });
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
  const duration = new Histogram({
    name: 'qfs_http_request_duration_seconds',
    help: 'HTTP request duration by method, route and status code',
    labelNames: ['method', 'route', 'status_code'],
    buckets: [...HTTP_DURATION_BUCKETS],
    registers,
  });
  if (options.processMetrics) collectDefaultMetrics({ register: registry, prefix: 'qfs_' });

  const onBundle = (result: BundleResult): void => {
    bundleSize.observe(result.receipts.length);
    for (const receipt of result.receipts) {
      committed.inc({ status: receipt.status });
      if (receipt.status === 'failed') failed.inc({ code: receipt.code ?? 'UNKNOWN' });
    }
  };
  seq.on('bundle', onBundle);

  return {
    registry,
    admitted: () => admitted.inc(),
    refused: (code) => refused.inc({ code }),
    request: (method, route, statusCode, seconds) =>
      duration.observe({ method, route, status_code: String(statusCode) }, seconds),
    dispose: () => {
      seq.off('bundle', onBundle);
    },
  };
}
