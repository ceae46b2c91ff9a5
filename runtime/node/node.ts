/**
 * The running node: store, verification pool, sequencer, HTTP API, watchdog and signal handling,
 * wired together (the imperative shell around the engine; DESIGN.md §2). `qfs start` calls
 * `startNode`; tests call it with `handleSignals: false` and close it themselves.
 * @module
 */
import { pino } from 'pino';
import { SignPool, VerifyPool } from '../crypto';
import { assertManifestIntact, isHalt } from '../guard';
import type { FastifyInstance } from 'fastify';
import { readChainConfig } from '../chain/config';
import { buildApp, buildMetricsApp, type ApiOptions } from './api/app';
import { createApiMetrics, type ApiMetrics } from './api/metrics';
import { publicChainInfo, type PublicChainInfo } from './api/routes/explorer';
import { ConfigError } from './config-errors';
import { osEntropy, systemClock, type Clock, type EntropySource } from './clock';
import { loadKey, paths, readConfig, type NodeConfig } from './data-dir';
import { measureManifest, readManifest } from './integrity';
import { Sequencer, type Logger } from './sequencer';
import { NodeStore } from './store';
import { registerHubMetrics } from '../sync/metrics';
import { SyncHub } from '../sync/hub';
import { syncRoutes } from '../sync/routes';
import { SyncStore } from '../sync/sync-store';

export type StartOptions = {
  readonly dir: string;
  readonly passphrase: string;
  readonly port?: number;
  readonly host?: string;
  /** Exit (resolve `closed` with the CIR code) when the sequencer halts. */
  readonly daemon?: boolean;
  readonly handleSignals?: boolean;
  readonly config?: Partial<NodeConfig>;
  readonly log?: Logger;
  readonly clock?: Clock;
  readonly entropy?: EntropySource;
  /** Where the integrity manifest and the measured files live (tests point it at a copy). */
  readonly codeRoot?: string;
  readonly anchorStatus?: () => unknown;
};

export type RunningNode = {
  readonly url: string;
  readonly sequencer: Sequencer;
  /** HolonetSync: propagation to replicas, attestations, certificates. */
  readonly hub: SyncHub;
  readonly config: NodeConfig;
  /** Stops everything cleanly; resolves `closed` with 0 unless a halt code is pending. */
  close(): Promise<void>;
  /** Resolves with the process exit code: 0 after close, 302/412 when a daemon halts. */
  readonly closed: Promise<number>;
};

/** The package version (reported by the API). */
export const VERSION: string = (require('../../package.json') as { version: string }).version;

export async function startNode(options: StartOptions): Promise<RunningNode> {
  const config: NodeConfig = Object.freeze({ ...readConfig(options.dir), ...options.config });
  const log: Logger =
    options.log ??
    pino({ level: process.env.QFS_LOG_LEVEL ?? 'info', base: { component: 'qfs-node' } });
  const key = loadKey(options.dir, 'sequencer', options.passphrase);
  const store = NodeStore.open(paths(options.dir).db);
  const pool = VerifyPool.create({
    ...(config.verifyThreads > 0 ? { threads: config.verifyThreads } : {}),
    backend: config.verifyBackend,
    nice: config.verifyNice,
    log: (line) => log.warn({ backend: 'noble' }, line),
  });
  const signer = new SignPool(1);
  const sequencer = await Sequencer.open({
    store,
    key,
    signer,
    clock: options.clock ?? systemClock,
    entropy: options.entropy ?? osEntropy,
    pool,
    limits: config,
    log,
  });
  const sync = SyncStore.open(paths(options.dir).sync);
  const hub = new SyncHub({
    sequencer,
    sync,
    clock: options.clock ?? systemClock,
    log,
    driftMaxMs: BigInt(config.syncDriftMaxMs),
    stream: { streamsMax: config.syncStreamsMax },
  });
  hub.start();
  const checkCode = () => checkIntegrity(sequencer, options.codeRoot);
  checkCode();
  const metrics = createApiMetrics(sequencer, { processMetrics: true });
  const stopSyncMetrics = registerHubMetrics(metrics.registry, hub, () => sync.confirmedHeight());
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
    ...metricsAccess(config.metricsListen, process.env.QFS_METRICS_TOKEN),
  };
  const app = buildApp(
    {
      sequencer,
      version: VERSION,
      ...(options.anchorStatus === undefined ? {} : { anchorStatus: options.anchorStatus }),
      explorer: { chain: explorerChain(options.dir, log) },
      confirmation: (height) => hub.confirmation(height),
      syncStatus: () => hub.status(),
      routes: [
        syncRoutes({
          store,
          sync,
          stream: hub.stream,
          receiveReport: (body) => hub.receiveReport(body),
        }),
      ],
    },
    apiOptions,
  );
  const host = options.host ?? config.host;
  const url = await listen(app, host, options.port ?? config.port);
  const metricsApp = await listenMetrics(config.metricsListen, metrics, apiOptions, log);
  sequencer.start();
  const watchdog =
    config.watchdogIntervalMs > 0 ? setInterval(checkCode, config.watchdogIntervalMs) : null;
  watchdog?.unref();

  let exitCode = 0;
  let resolveClosed: (code: number) => void = () => undefined;
  const closed = new Promise<number>((resolve) => (resolveClosed = resolve));
  let closing: Promise<void> | null = null;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      if (watchdog !== null) clearInterval(watchdog);
      await sequencer.stop();
      hub.stop();
      await app.close();
      await metricsApp?.close();
      await pool.close();
      await signer.close();
      stopSyncMetrics();
      store.close();
      sync.close();
      log.info({ exitCode }, 'node stopped');
      resolveClosed(exitCode);
    })();
    return closing;
  };
  if (options.daemon === true) {
    const onHalt = (record: { cir: number }) => {
      exitCode = record.cir;
      void close();
    };
    sequencer.on('halt', onHalt);
    if (sequencer.halted !== null) onHalt(sequencer.halted);
  }
  if (options.handleSignals === true) {
    const onSignal = (signal: NodeJS.Signals) => {
      log.info({ signal }, 'shutting down');
      void close();
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  }
  log.info(
    {
      url,
      height: sequencer.state.height.toString(),
      halted: sequencer.halted?.cir ?? null,
      backend: pool.backend,
      threads: pool.threads,
    },
    'node started',
  );
  return { url, sequencer, hub, config, close, closed };
}

/** The chain facts the explorer page is given (read once at start; null without a chain). */
function explorerChain(dir: string, log: Logger): () => PublicChainInfo | null {
  let info: PublicChainInfo | null = null;
  try {
    info = publicChainInfo(readChainConfig(dir), process.env);
  } catch (err) {
    // The anchoring service reports a broken chain configuration; the explorer just shows none.
    log.warn({ err }, 'explorer: chain configuration unreadable, on-chain balances not shown');
  }
  return () => info;
}

/** AntiTamper: the shipped files must match the install-time manifest, else CIR-412. */
function checkIntegrity(sequencer: Sequencer, root?: string): void {
  const expected = readManifest(root);
  if (expected === null) {
    sequencer.halt(412, 'no code-integrity manifest (run `npm run manifest` after installing)', {
      manifest: 'absent',
    });
    return;
  }
  try {
    assertManifestIntact(expected, measureManifest(root));
  } catch (err) {
    if (!isHalt(err)) throw err;
    sequencer.halt(err.cir, err.reason, err.evidence);
  }
}

/** Listens and returns the URL clients use. */
async function listen(app: FastifyInstance, host: string, port: number): Promise<string> {
  await app.listen({ port, host });
  const address = app.server.address();
  const bound = typeof address === 'object' && address !== null ? address.port : port;
  return `http://${host.includes(':') ? `[${host}]` : host}:${bound}`;
}

/** How the API serves `/metrics` for the `metricsListen` setting and the token. */
function metricsAccess(listenAt: string, token: string | undefined): Partial<ApiOptions> {
  if (listenAt !== '') return { metricsAccess: 'off' };
  if (token === undefined || token === '') return { metricsAccess: 'open' };
  return { metricsAccess: 'token', metricsToken: token };
}

/** `/metrics` on a listener of its own when `metricsListen` is HOST:PORT. */
async function listenMetrics(
  listenAt: string,
  metrics: ApiMetrics,
  apiOptions: ApiOptions,
  log: Logger,
): Promise<FastifyInstance | null> {
  if (listenAt === '' || listenAt === 'off') return null;
  const match = /^(.+):(\d{1,5})$/.exec(listenAt);
  if (match === null)
    throw new ConfigError('config.json', 'metricsListen', "must be '', 'off' or HOST:PORT");
  const host = (match[1] as string).replace(/^\[(.*)\]$/, '$1');
  const token = process.env.QFS_METRICS_TOKEN;
  const app = buildMetricsApp(metrics, {
    ...(apiOptions.limits === undefined ? {} : { limits: apiOptions.limits }),
    log,
    ...(token === undefined || token === '' ? {} : { metricsToken: token }),
  });
  const url = await listen(app, host, Number(match[2]));
  log.info({ url: `${url}/metrics` }, 'metrics listening');
  return app;
}
