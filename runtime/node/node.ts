/**
 * The running node: store, verification pool, sequencer, HTTP API, watchdog and signal handling,
 * wired together (the imperative shell around the engine; DESIGN.md §2). `qfs start` calls
 * `startNode`; tests call it with `handleSignals: false` and close it themselves.
 * @module
 */
import { pino } from 'pino';
import { SignPool, VerifyPool } from '../crypto';
import { assertManifestIntact, isHalt } from '../guard';
import { buildApp } from './api/app';
import { osEntropy, systemClock, type Clock, type EntropySource } from './clock';
import { loadKey, paths, readConfig, type NodeConfig } from './data-dir';
import { measureManifest, readManifest } from './integrity';
import { Sequencer, type Logger } from './sequencer';
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
  readonly entropy?: EntropySource;
  /** Where the integrity manifest and the measured files live (tests point it at a copy). */
  readonly codeRoot?: string;
  readonly anchorStatus?: () => unknown;
};

export type RunningNode = {
  readonly url: string;
  readonly sequencer: Sequencer;
  /** The start-up verification of the stored ledger (settles when it ends). */
  readonly verification: StartupVerification;
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
  const checkCode = () => checkIntegrity(sequencer, options.codeRoot);
  checkCode();
  const verification = await startVerification({
    sequencer,
    pool,
    syncTxsMax: config.verifySyncTxsMax,
    log,
  });
  const app = buildApp(
    {
      sequencer,
      version: VERSION,
      ...(options.anchorStatus === undefined ? {} : { anchorStatus: options.anchorStatus }),
    },
    { limits: { rateLimitMax: config.rateLimitPerMinute, rateLimitWindowMs: 60_000 } },
  );
  const host = options.host ?? config.host;
  await app.listen({ port: options.port ?? config.port, host });
  const address = app.server.address();
  const port =
    typeof address === 'object' && address !== null ? address.port : (options.port ?? config.port);
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
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
      await verification.stop();
      await sequencer.stop();
      await app.close();
      await pool.close();
      await signer.close();
      store.close();
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
      verification: verification.mode,
    },
    'node started',
  );
  return { url, sequencer, verification, config, close, closed };
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
