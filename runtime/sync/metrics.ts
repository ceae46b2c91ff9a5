/**
 * HolonetSync's Prometheus metrics, added to the node's registry: on the sequencer, confirmations
 * and their latency, attestations and refusals per replica, each replica's lag in heights and
 * seconds; on a replica, its height, lag, attestations, refusals and evidence. docs/api.md, Metrics.
 * @module
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { QuorumCertificate } from './protocol';
import type { Attestation, ReplicaDissonance } from './protocol';
import type { SyncHub } from './hub';
import type { Outcome, Replica } from './replica';

/** Upper bounds of the commit → confirmation histogram (seconds). */
export const CONFIRMATION_BUCKETS = Object.freeze([0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60]);

type Lag = { address: string; lagHeights: number; lagSeconds: number | null };

/** Registers the sequencer's sync metrics; returns a function that stops following the hub. */
export function registerHubMetrics(
  registry: Registry,
  hub: SyncHub,
  confirmedHeight: () => number,
): () => void {
  hubGauges(registry, hub, confirmedHeight);
  return hubCounters(registry, hub);
}

function hubGauges(registry: Registry, hub: SyncHub, confirmedHeight: () => number): void {
  const registers = [registry];
  new Gauge({
    name: 'qfs_sync_confirmed_height',
    help: 'Highest height with a quorum certificate (-1 before the first)',
    registers,
    collect() {
      this.set(confirmedHeight());
    },
  });
  const lags = () => (hub.status().replicas as Lag[]) ?? [];
  new Gauge({
    name: 'qfs_sync_replica_lag_heights',
    help: 'Heights committed that the replica has not attested yet',
    labelNames: ['replica'],
    registers,
    collect() {
      this.reset();
      for (const r of lags()) this.set({ replica: r.address }, r.lagHeights);
    },
  });
  new Gauge({
    name: 'qfs_sync_replica_lag_seconds',
    help: 'Seconds since the first height the replica has not attested was committed',
    labelNames: ['replica'],
    registers,
    collect() {
      this.reset();
      for (const r of lags())
        if (r.lagSeconds !== null) this.set({ replica: r.address }, r.lagSeconds);
    },
  });
  new Gauge({
    name: 'qfs_sync_stream_bytes_total',
    help: 'Bytes of sealed bundles and certificates written to sync streams',
    registers,
    collect() {
      this.set(hub.stream.bytesWritten);
    },
  });
  new Gauge({
    name: 'qfs_sync_streams',
    help: 'Open sync streams (replicas following this node)',
    registers,
    collect() {
      this.set(hub.stream.subscribers);
    },
  });
}

function hubCounters(registry: Registry, hub: SyncHub): () => void {
  const registers = [registry];
  const confirmations = new Counter({
    name: 'qfs_sync_confirmations_total',
    help: 'Heights confirmed by a quorum certificate',
    registers,
  });
  const latency = new Histogram({
    name: 'qfs_sync_confirmation_seconds',
    help: 'Time from a bundle commit to its quorum certificate',
    buckets: [...CONFIRMATION_BUCKETS],
    registers,
  });
  const attestations = new Counter({
    name: 'qfs_sync_attestations_total',
    help: 'Valid attestations received, by replica',
    labelNames: ['replica'],
    registers,
  });
  const refusals = new Counter({
    name: 'qfs_sync_refusals_total',
    help: 'Signed refusals received, by replica and reason',
    labelNames: ['replica', 'reason'],
    registers,
  });
  const clock = new Counter({
    name: 'qfs_sync_clock_dissonance_total',
    help: 'Bundles whose packet time drifted beyond the bound from the replicas’ median clock',
    registers,
  });
  const onConfirmed = (_c: QuorumCertificate, ms: number | null) => {
    confirmations.inc();
    if (ms !== null) latency.observe(ms / 1000);
  };
  const onAttestation = (a: Attestation) => attestations.inc({ replica: a.replica });
  const onRefusal = (r: ReplicaDissonance) =>
    refusals.inc({ replica: r.replica, reason: r.reason });
  const onClock = () => clock.inc();
  hub.on('confirmed', onConfirmed);
  hub.on('attestation', onAttestation);
  hub.on('refusal', onRefusal);
  hub.on('dissonance', onClock);
  return () => {
    hub.off('confirmed', onConfirmed);
    hub.off('attestation', onAttestation);
    hub.off('refusal', onRefusal);
    hub.off('dissonance', onClock);
  };
}

/** Registers a replica's metrics; `lag` reads the replica node's view of its source. */
export function registerReplicaMetrics(
  registry: Registry,
  replica: Replica,
  lag: () => { heights: number; seconds: number },
): () => void {
  const registers = [registry];
  new Gauge({
    name: 'qfs_replica_lag_heights',
    help: 'Heights the source has committed that this replica has not stored yet',
    registers,
    collect() {
      this.set(lag().heights);
    },
  });
  new Gauge({
    name: 'qfs_replica_lag_seconds',
    help: 'Age of the replica’s head while it is behind its source (0 when caught up)',
    registers,
    collect() {
      this.set(lag().seconds);
    },
  });
  new Gauge({
    name: 'qfs_replica_cosigned_height',
    help: 'Highest height this replica cosigned (-1 before any)',
    registers,
    collect() {
      this.set(replica.sync.lastCosigned());
    },
  });
  new Gauge({
    name: 'qfs_replica_busy_seconds_total',
    help: 'Seconds with a bundle arriving, queued or being re-executed (follow capacity = txs / busy)',
    registers,
    collect() {
      this.set(replica.busySeconds);
    },
  });
  const attestations = new Counter({
    name: 'qfs_replica_attestations_total',
    help: 'Bundles this replica cosigned',
    registers,
  });
  const refusals = new Counter({
    name: 'qfs_replica_refusals_total',
    help: 'Bundles this replica refused to cosign, by reason',
    labelNames: ['reason'],
    registers,
  });
  const evidence = new Counter({
    name: 'qfs_replica_evidence_total',
    help: 'Equivocation evidence found',
    registers,
  });
  const txs = new Counter({
    name: 'qfs_replica_txs_total',
    help: 'Transactions re-executed and stored',
    registers,
  });
  const onCosigned = () => attestations.inc();
  const onRefused = (o: Outcome) =>
    refusals.inc({
      reason: o.kind === 'refused' ? (o.reason.split(':')[0] ?? o.reason) : 'unknown',
    });
  const onEvidence = () => evidence.inc();
  const onBundle = (r: { receipts: readonly unknown[] }) => txs.inc(r.receipts.length);
  replica.on('cosigned', onCosigned);
  replica.on('refused', onRefused);
  replica.on('evidence', onEvidence);
  replica.on('bundle', onBundle);
  return () => {
    replica.off('cosigned', onCosigned);
    replica.off('refused', onRefused);
    replica.off('evidence', onEvidence);
    replica.off('bundle', onBundle);
  };
}
