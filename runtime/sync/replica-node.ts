/**
 * A running replica: its store, sync store, verification pool, the replica itself, the stream it
 * follows, its reports to the sequencer, its peers, and the API it serves (the sequencer's reads,
 * the sync routes, /metrics). `qfs replica start` calls `startReplica`; tests call it with an
 * injected clock.
 * @module
 */

import { DEFAULT_CONFIG } from '../node/data-dir';
import { startVerification } from '../node/startup-verify';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { VerifyPool } from '../crypto';
import { isCodedError } from '../errors';
import { buildApp, buildMetricsApp, type ApiOptions } from '../node/api/app';
import { createApiMetrics } from '../node/api/metrics';
import { systemClock, type Clock } from '../node/clock';
import { ConfigError } from '../node/config-errors';
import { VERSION } from '../node/node';
import { parseCoherenceSeal } from '../node/records';
import type { Logger } from '../node/sequencer';
import { NodeStore } from '../node/store';
import { StreamFollower } from './follower';
import { registerReplicaMetrics } from './metrics';
import { PeerSet } from './peers';
import {
  certificateHash,
  certificateIssue,
  certificateJson,
  dissonanceJson,
  parseCertificate,
  parseSealedBundle,
  type ReplicaDissonance,
} from './protocol';
import { Replica } from './replica';
import { loadReplicaKey, readReplicaConfig, replicaPaths, type ReplicaConfig } from './replica-dir';
import { Reporter } from './reporter';
import { syncRoutes } from './routes';
import { MembershipBook } from './stored-sync';
import { StreamServer } from './stream-server';
import { SyncStore } from './sync-store';

export type ReplicaStartOptions = {
  readonly dir: string;
  readonly passphrase: string;
  readonly port?: number;
  readonly host?: string;
  readonly config?: Partial<ReplicaConfig>;
  readonly clock?: Clock;
  readonly log?: Logger;
  /** Exit (resolve `closed` with the CIR code) when the replica halts. */
  readonly daemon?: boolean;
  readonly handleSignals?: boolean;
};

export type RunningReplica = {
  readonly url: string;
  readonly replica: Replica;
  readonly config: ReplicaConfig;
  close(): Promise<void>;
  readonly closed: Promise<number>;
};

/** Certificates held for heights the replica has not stored yet. */
const PENDING_CERTIFICATES_MAX = 64;

export async function startReplica(options: ReplicaStartOptions): Promise<RunningReplica> {
  const config: ReplicaConfig = Object.freeze({
    ...readReplicaConfig(options.dir),
    ...options.config,
  });
  const log: Logger =
    options.log ??
    pino({ level: process.env.QFS_LOG_LEVEL ?? 'info', base: { component: 'qfs-replica' } });
  const parts = openParts(options, config, log);
  const { replica, store, sync } = parts;
  // The same start-up verification as the sequencer's (issue 19): before following for a small
  // ledger, in the background for a large one; a difference quarantines the replica (CIR-412).
  const verification = await startVerification({
    sequencer: replica,
    pool: parts.pool,
    syncTxsMax: DEFAULT_CONFIG.verifySyncTxsMax,
    log,
  });
  const nowMs = () => Number(parts.clock.nowMs());
  const stream = new StreamServer(store, nowMs);
  const reporter = new Reporter({ sync, sequencerUrl: config.follow, log });
  const tracker = new SourceTracker(replica, nowMs);
  const certificates = new CertificateKeeper(replica, sync, store, stream, log);
  replica.on('bundle', (r: { height: bigint }) => {
    stream.committed(Number(r.height));
    certificates.retry();
    tracker.update();
  });
  replica.on('cosigned', () => reporter.wake());
  replica.on('dissonance', (r: ReplicaDissonance) => reporter.refusal(dissonanceJson(r)));
  const follower = follow(parts, config, log, tracker, certificates);
  const status = () => ({
    role: 'replica',
    address: replica.key.address,
    follow: config.follow,
    source: follower.source,
    peers: config.peers,
    ...tracker.view(),
    cosignedHeight: sync.lastCosigned(),
    confirmedHeight: sync.confirmedHeight(),
    queued: replica.queued,
    refusedAt: replica.refusedAt,
    refusedSigners: replica.refusedSigners,
    evidence: sync.evidenceCount(),
    reportError: reporter.lastError,
  });
  const api = await serve(parts, config, log, stream, status, tracker, options);
  stream.start();
  // A halted replica keeps serving what it holds, and follows nothing more.
  if (replica.halted === null) follower.start();
  replica.on('halt', () => follower.stop());
  reporter.start();
  const evidenceTimer = setInterval(() => {
    void parts.peers.evidence().then((list) => list.forEach((e) => replica.acceptEvidence(e)));
  }, config.evidencePollMs);
  evidenceTimer.unref();
  const running = lifecycle(options, replica, log, async () => {
    clearInterval(evidenceTimer);
    await verification.stop();
    follower.stop();
    reporter.stop();
    stream.stop();
    await replica.idle();
    await api.close();
    await parts.pool.close();
    store.close();
    sync.close();
  });
  log.info(
    {
      url: api.url,
      address: replica.key.address,
      follow: config.follow,
      height: replica.nextHeight - 1,
      halted: replica.halted?.cir ?? null,
    },
    'replica started',
  );
  return { url: api.url, replica, config, ...running };
}

type Parts = {
  readonly clock: Clock;
  readonly store: NodeStore;
  readonly sync: SyncStore;
  readonly pool: VerifyPool;
  readonly peers: PeerSet;
  readonly replica: Replica;
};

/** The replica's stores, pool, peers and the replica itself. */
function openParts(options: ReplicaStartOptions, config: ReplicaConfig, log: Logger): Parts {
  const clock = options.clock ?? systemClock;
  const p = replicaPaths(options.dir);
  const key = loadReplicaKey(options.dir, options.passphrase);
  // NORMAL: no fsync per bundle; what power loss takes is fetched again (sync.db keeps FULL).
  const store = NodeStore.open(p.db, { synchronous: 'NORMAL' });
  const sync = SyncStore.open(p.sync);
  const pool = VerifyPool.create({
    ...(config.verifyThreads > 0 ? { threads: config.verifyThreads } : {}),
    backend: config.verifyBackend,
    nice: config.verifyNice,
    log: (line) => log.warn({ backend: 'noble' }, line),
  });
  const peers = new PeerSet({ urls: config.peers, log });
  const replica = Replica.open({
    store,
    sync,
    key,
    clock,
    log,
    pool,
    sequencerUrl: config.follow,
    driftMaxMs: BigInt(config.driftMaxMs),
    crossCheck: (height, sealHash) => peers.differingSeals(height, sealHash),
  });
  return { clock, store, sync, pool, peers, replica };
}

/** The stream the replica follows (its sequencer, else its peers), fed into the replica. */
function follow(
  parts: Parts,
  config: ReplicaConfig,
  log: Logger,
  tracker: SourceTracker,
  certificates: CertificateKeeper,
): StreamFollower {
  const { replica } = parts;
  const follower: StreamFollower = new StreamFollower({
    sources: () => [config.follow, ...config.peers],
    from: () => replica.nextHeight + replica.queued,
    lineBytesMax: config.bundleBytesMax,
    replica: replica.key.address,
    log,
    onMessage: (message, source, startedAtMs) => {
      const m = message as { bundle?: unknown; certificate?: unknown; head?: { height?: unknown } };
      if (m.head !== undefined && typeof m.head.height === 'number')
        tracker.sourceHead(m.head.height);
      if (m.certificate !== undefined) certificates.offer(m.certificate);
      if (m.bundle === undefined) return replica.hasRoom();
      let bundle;
      try {
        bundle = parseSealedBundle(m.bundle);
      } catch (err) {
        const reason = isCodedError(err) ? err.message : String(err);
        log.warn({ source, err: reason }, 'sync stream sent a malformed bundle');
        return replica.hasRoom();
      }
      tracker.sourceHead(Number(bundle.height));
      replica.offer(bundle, startedAtMs).catch((err: unknown) => {
        // A gap (the stream skipped a height this replica lacks): start again from its height.
        if (isCodedError(err, 'SYNC_NOT_READY')) follower.reconnect();
        else log.error({ err }, 'replica failed on a bundle');
      });
      return replica.hasRoom();
    },
  });
  replica.on('room', () => follower.resume());
  return follower;
}

/** The API (the sequencer's reads over the replica's store, the sync routes) and /metrics. */
async function serve(
  parts: Parts,
  config: ReplicaConfig,
  log: Logger,
  stream: StreamServer,
  status: () => unknown,
  tracker: SourceTracker,
  options: ReplicaStartOptions,
): Promise<{ url: string; close(): Promise<void> }> {
  const { replica, store, sync } = parts;
  const metrics = createApiMetrics(replica, { processMetrics: true });
  const apiOptions: ApiOptions = {
    limits: {
      rateLimitMax: config.rateLimitPerMinute,
      rateLimitWindowMs: 60_000,
      headersTimeoutMs: config.headersTimeoutMs,
      requestTimeoutMs: config.requestTimeoutMs,
      keepAliveTimeoutMs: config.keepAliveTimeoutMs,
    },
    log,
    metrics,
    ...(config.metricsListen !== ''
      ? { metricsAccess: 'off' as const }
      : metricsAccess(process.env.QFS_METRICS_TOKEN)),
  };
  const stopMetrics = registerReplicaMetrics(metrics.registry, replica, () => tracker.lag());
  const app = buildApp(
    {
      sequencer: replica,
      version: VERSION,
      confirmation: (height) => sync.certificate(height)?.certificateHash ?? null,
      syncStatus: status,
      routes: [
        syncRoutes({
          store,
          sync,
          stream,
          bundleBytesMax: config.bundleBytesMax,
          receiveBundle: (json) => replica.offer(parseSealedBundle(json)),
        }),
      ],
    },
    apiOptions,
  );
  const host = options.host ?? config.host;
  await app.listen({ host, port: options.port ?? config.port });
  const metricsApp = await listenMetrics(config.metricsListen, apiOptions, log);
  return {
    url: urlOf(app, host),
    close: async () => {
      await app.close();
      await metricsApp?.close();
      stopMetrics();
    },
  };
}

/** `closed` and `close`, with the daemon's exit on a halt and the signal handlers. */
function lifecycle(
  options: ReplicaStartOptions,
  replica: Replica,
  log: Logger,
  shutdown: () => Promise<void>,
): { close(): Promise<void>; closed: Promise<number> } {
  let exitCode = 0;
  let resolveClosed: (code: number) => void = () => undefined;
  const closed = new Promise<number>((resolve) => (resolveClosed = resolve));
  let closing: Promise<void> | null = null;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      await shutdown();
      log.info({ exitCode }, 'replica stopped');
      resolveClosed(exitCode);
    })();
    return closing;
  };
  if (options.daemon === true) {
    const onHalt = (record: { cir: number }) => {
      exitCode = record.cir;
      void close();
    };
    replica.on('halt', onHalt);
    if (replica.halted !== null) onHalt(replica.halted);
  }
  if (options.handleSignals === true) {
    const onSignal = (signal: NodeJS.Signals) => {
      log.info({ signal }, 'shutting down');
      void close();
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  }
  return { close, closed };
}

/** Where the replica stands against its source: the source's head, and since when it is behind. */
class SourceTracker {
  readonly #replica: Replica;
  readonly #nowMs: () => number;
  #head = -1;
  #behindSinceMs: number | null = null;

  constructor(replica: Replica, nowMs: () => number) {
    this.#replica = replica;
    this.#nowMs = nowMs;
  }

  sourceHead(height: number): void {
    if (height > this.#head) this.#head = height;
    this.update();
  }

  update(): void {
    const behind = this.#head > this.#replica.nextHeight - 1;
    if (!behind) this.#behindSinceMs = null;
    else this.#behindSinceMs ??= this.#nowMs();
  }

  lag(): { heights: number; seconds: number } {
    return {
      heights: Math.max(0, this.#head - (this.#replica.nextHeight - 1)),
      seconds: this.#behindSinceMs === null ? 0 : (this.#nowMs() - this.#behindSinceMs) / 1000,
    };
  }

  view(): Record<string, unknown> {
    const lag = this.lag();
    return {
      sourceHead: this.#head,
      height: this.#replica.nextHeight - 1,
      lagHeights: lag.heights,
      lagSeconds: lag.seconds,
    };
  }
}

/**
 * Certificates the sequencer broadcasts: checked against the replica's own KeyLedger membership
 * and seal of that height, then stored and served (so `confirmed` reads the same here). One that
 * arrives before its bundle is stored waits.
 */
class CertificateKeeper {
  readonly #pending = new Map<number, unknown>();
  readonly #book: MembershipBook;

  constructor(
    readonly replica: Replica,
    readonly sync: SyncStore,
    readonly store: NodeStore,
    readonly stream: StreamServer,
    readonly log: Logger,
  ) {
    this.#book = new MembershipBook(store);
  }

  offer(json: unknown): void {
    let height: number;
    try {
      height = Number(parseCertificate(json).height);
    } catch {
      return;
    }
    if (height >= this.replica.nextHeight) {
      if (this.#pending.size < PENDING_CERTIFICATES_MAX) this.#pending.set(height, json);
      return;
    }
    this.#check(json);
  }

  retry(): void {
    for (const height of [...this.#pending.keys()].sort((a, b) => a - b)) {
      if (height >= this.replica.nextHeight) break;
      const json = this.#pending.get(height);
      this.#pending.delete(height);
      this.#check(json);
    }
  }

  #check(json: unknown): void {
    const certificate = parseCertificate(json);
    const height = Number(certificate.height);
    if (this.sync.certificate(height) !== undefined) return;
    const row = this.store.coherence(height);
    const membership = this.#book.at(height);
    if (row === undefined || membership === null) return;
    const issue = certificateIssue(certificate, membership, parseCoherenceSeal(row.seal));
    if (issue !== null) {
      this.log.warn({ height, issue }, 'the sequencer sent a certificate that does not check');
      return;
    }
    const text = JSON.stringify(certificateJson(certificate));
    this.sync.insertCertificate({
      height,
      sealHash: certificate.sealHash,
      bundleHash: certificate.bundleHash,
      certificateHash: certificateHash(certificate),
      certificate: text,
      confirmedMs: Date.now(),
    });
    this.stream.broadcast(`{"certificate":${text}}\n`);
  }
}

function urlOf(app: FastifyInstance, host: string): string {
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

function metricsAccess(token: string | undefined): Partial<ApiOptions> {
  if (token === undefined || token === '') return { metricsAccess: 'open' };
  return { metricsAccess: 'token', metricsToken: token };
}

async function listenMetrics(
  listenAt: string,
  apiOptions: ApiOptions,
  log: Logger,
): Promise<FastifyInstance | null> {
  if (listenAt === '' || listenAt === 'off') return null;
  const match = /^(.+):(\d{1,5})$/.exec(listenAt);
  if (match === null)
    throw new ConfigError('config.json', 'metricsListen', "must be '', 'off' or HOST:PORT");
  const token = process.env.QFS_METRICS_TOKEN;
  const app = buildMetricsApp(apiOptions.metrics as never, {
    log,
    ...(token === undefined || token === '' ? {} : { metricsToken: token }),
  });
  const host = (match[1] as string).replace(/^\[(.*)\]$/, '$1');
  await app.listen({ host, port: Number(match[2]) });
  log.info({ url: `${urlOf(app, host)}/metrics` }, 'metrics listening');
  return app;
}
