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
import type { Registry } from 'prom-client';
import { loadGenesis } from '../engine';
import type { AnchorStatus } from './anchoring';
import { buildApp, buildMetricsApp, type ApiDeps, type ApiOptions } from './api/app';
import { createApiMetrics, type ApiMetrics } from './api/metrics';
import type { PublicChainInfo } from './api/routes/explorer';
import { ConfigError } from './config-errors';
import { systemClock, type Clock, type EntropySource } from './clock';
import { loadKey, paths, readConfig, type NodeConfig } from './data-dir';
import { setUpEntropy, type NodeEntropy } from './entropy-setup';
import { measureManifest, readManifest } from './integrity';
import { Sequencer, type Logger } from './sequencer';
import { storedGenesis } from './state-loader';
import { startVerification, type StartupVerification } from './startup-verify';
import { NodeStore } from './store';

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
  /** A seed source to use instead of the genesis policy's (tests). */
  readonly entropy?: EntropySource;
  /** The environment (QFS_QRNG_API_KEY); default process.env. */
  readonly env?: NodeJS.ProcessEnv;
  /** Where the integrity manifest and the measured files live (tests point it at a copy). */
  readonly codeRoot?: string;
  /** Where anchoring stands, for `/v1/status` and `/metrics` (null: the node does not anchor). */
  readonly anchorStatus?: () => AnchorStatus | null;
  /** The chain facts the explorer page is given (`publicChainInfo` of the chain configuration). */
  readonly explorerChain?: () => PublicChainInfo | null;
  /**
   * A service started with the node once its sequencer is open, which adds to the node's API and
   * metrics and stops with it (HolonetSync's hub: runtime/sync). The node knows it only by this
   * shape, so runtime/node does not import the adapters that use it.
   */
  readonly extend?: (node: ExtensionContext) => NodeExtension;
};

/** What an extension is given. */
export type ExtensionContext = {
  readonly dir: string;
  readonly sequencer: Sequencer;
  readonly config: NodeConfig;
  readonly clock: Clock;
  readonly log: Logger;
};

/** What an extension adds to the node. */
export type NodeExtension = {
  /** Route modules registered with the API's own. */
  readonly routes?: ApiDeps['routes'];
  /** A height's certificate hash once confirmed (`confirmed` in GET /v1/tx). */
  readonly confirmation?: (height: number) => string | null;
  /** Reported by /v1/status as `sync`. */
  readonly syncStatus?: () => unknown;
  /** Adds the extension's metrics to the node's registry; returns how to remove them. */
  readonly metrics?: (registry: Registry) => () => void;
  stop(): Promise<void> | void;
};

export type RunningNode = {
  readonly url: string;
  readonly sequencer: Sequencer;
  /** The start-up verification of the stored ledger (settles when it ends). */
  readonly verification: StartupVerification;
  readonly config: NodeConfig;
  /** The node's entropy: the service's status, the devnet beacon's URL when the node serves it. */
  readonly entropy: NodeEntropy;
  readonly log: Logger;
  /** Runs `stop` first when the node closes (services attached to it, e.g. anchoring). */
  onClose(stop: () => Promise<void>): void;
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
  const core = await openCore(options, config, log);
  const { sequencer, pool } = core;
  const extension = options.extend?.({
    dir: options.dir,
    sequencer,
    config,
    clock: options.clock ?? systemClock,
    log,
  });
  const checkCode = () => checkIntegrity(sequencer, options.codeRoot);
  checkCode();
  const verification = await startVerification({
    sequencer,
    pool,
    syncTxsMax: config.verifySyncTxsMax,
    log,
  });
  const api = await serveApi(options, config, log, core, extension);
  sequencer.start();
  const watchdog =
    config.watchdogIntervalMs > 0 ? setInterval(checkCode, config.watchdogIntervalMs) : null;
  watchdog?.unref();
  const life = lifecycle(log, async () => {
    if (watchdog !== null) clearInterval(watchdog);
    await verification.stop();
    await sequencer.stop();
    await extension?.stop();
    await api.app.close();
    await api.metricsApp?.close();
    api.removeExtensionMetrics();
    await closeCore(core);
  });
  if (options.daemon === true) exitOnHalt(sequencer, life);
  if (options.handleSignals === true) closeOnSignals(log, life.close);
  log.info(
    {
      url: api.url,
      height: sequencer.state.height.toString(),
      halted: sequencer.halted?.cir ?? null,
      backend: pool.backend,
      threads: pool.threads,
      verification: verification.mode,
    },
    'node started',
  );
  const { entropy } = core;
  return { url: api.url, sequencer, verification, config, entropy, log, ...life.handle };
}

/** What a node runs on: its store, pools, entropy and the sequencer over them. */
type NodeCore = {
  readonly store: NodeStore;
  readonly pool: VerifyPool;
  readonly signer: SignPool;
  readonly entropy: NodeEntropy;
  readonly sequencer: Sequencer;
};

async function openCore(options: StartOptions, config: NodeConfig, log: Logger): Promise<NodeCore> {
  const key = loadKey(options.dir, 'sequencer', options.passphrase);
  const store = NodeStore.open(paths(options.dir).db);
  const pool = VerifyPool.create({
    ...(config.verifyThreads > 0 ? { threads: config.verifyThreads } : {}),
    backend: config.verifyBackend,
    nice: config.verifyNice,
    log: (line) => log.warn({ backend: 'noble' }, line),
  });
  const signer = new SignPool(1);
  const clock = options.clock ?? systemClock;
  let sequencer: Sequencer | undefined;
  const entropy = await nodeEntropy(options, config, store, clock, log, () => sequencer);
  try {
    sequencer = await Sequencer.open({
      store,
      key,
      signer,
      clock,
      entropy: entropy.source,
      pool,
      limits: config,
      log,
    });
  } catch (err) {
    await entropy.close();
    throw err;
  }
  entropy.service?.resumeFrom(sequencer.state.lastPacket);
  sequencer.on('bundle', (result) => entropy.service?.observe(result));
  return { store, pool, signer, entropy, sequencer };
}

async function closeCore(core: NodeCore): Promise<void> {
  await core.pool.close();
  await core.signer.close();
  await core.entropy.close();
  core.store.close();
}

/** The API (and `/metrics` on its own listener when configured), listening. */
async function serveApi(
  options: StartOptions,
  config: NodeConfig,
  log: Logger,
  core: NodeCore,
  extension: NodeExtension | undefined,
): Promise<{
  app: FastifyInstance;
  metricsApp: FastifyInstance | null;
  url: string;
  removeExtensionMetrics: () => void;
}> {
  const { sequencer, entropy } = core;
  const anchorStatus =
    options.anchorStatus === undefined ? {} : { anchorStatus: options.anchorStatus };
  const metrics = createApiMetrics(sequencer, {
    processMetrics: true,
    entropyStatus: () => entropy.status(),
    ...anchorStatus,
  });
  const removeExtensionMetrics = extension?.metrics?.(metrics.registry) ?? (() => undefined);
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
      ...anchorStatus,
      explorer: { chain: options.explorerChain ?? (() => null) },
      entropyStatus: () => entropy.status(),
      ...(extension?.confirmation === undefined ? {} : { confirmation: extension.confirmation }),
      ...(extension?.syncStatus === undefined ? {} : { syncStatus: extension.syncStatus }),
      ...(extension?.routes === undefined ? {} : { routes: extension.routes }),
    },
    apiOptions,
  );
  const url = await listen(app, options.host ?? config.host, options.port ?? config.port);
  const metricsApp = await listenMetrics(config.metricsListen, metrics, apiOptions, log);
  return { app, metricsApp, url, removeExtensionMetrics };
}

type Lifecycle = {
  /** Stops attached services, then the node, once; `closed` resolves with the exit code. */
  readonly close: () => Promise<void>;
  setExitCode(code: number): void;
  readonly handle: Pick<RunningNode, 'close' | 'closed' | 'onClose'>;
};

/** Closing a node: attached services first (newest first), then `stopNode`, exactly once. */
function lifecycle(log: Logger, stopNode: () => Promise<void>): Lifecycle {
  let exitCode = 0;
  let resolveClosed: (code: number) => void = () => undefined;
  const closed = new Promise<number>((resolve) => (resolveClosed = resolve));
  let closing: Promise<void> | null = null;
  const attached: (() => Promise<void>)[] = [];
  const close = (): Promise<void> => {
    closing ??= (async () => {
      for (const stop of attached.reverse()) await stop();
      await stopNode();
      log.info({ exitCode }, 'node stopped');
      resolveClosed(exitCode);
    })();
    return closing;
  };
  const onClose = (stop: () => Promise<void>) => void attached.push(stop);
  return {
    close,
    setExitCode: (code) => (exitCode = code),
    handle: { close, closed, onClose },
  };
}

/** A daemon exits with the CIR code when the sequencer halts (or is halted at start). */
function exitOnHalt(sequencer: Sequencer, life: Lifecycle): void {
  const onHalt = (record: { cir: number }) => {
    life.setExitCode(record.cir);
    void life.close();
  };
  sequencer.on('halt', onHalt);
  if (sequencer.halted !== null) onHalt(sequencer.halted);
}

function closeOnSignals(log: Logger, close: () => Promise<void>): void {
  const onSignal = (signal: NodeJS.Signals) => {
    log.info({ signal }, 'shutting down');
    void close();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
}

/**
 * The seed source: the caller's, or the genesis policy's entropy service (anchored to the newest
 * seal of the sequencer once it exists), or OS randomness on a chain without a policy.
 */
async function nodeEntropy(
  options: StartOptions,
  config: NodeConfig,
  store: NodeStore,
  clock: Clock,
  log: Logger,
  sequencer: () => Sequencer | undefined,
): Promise<NodeEntropy> {
  if (options.entropy !== undefined) {
    const source = options.entropy;
    return { source, service: null, beaconUrl: null, status: () => null, close: async () => {} };
  }
  const genesis = loadGenesis(storedGenesis(store)).state;
  return setUpEntropy({
    dir: options.dir,
    config,
    policy: genesis.entropy,
    chainId: genesis.chainId,
    nowMs: () => clock.nowMs(),
    log,
    env: options.env ?? process.env,
    anchor: () => {
      const seq = sequencer();
      if (seq === undefined || seq.state.height === 0n) return null;
      return { height: seq.state.height - 1n, sealHash: seq.lastSealHash };
    },
  });
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
