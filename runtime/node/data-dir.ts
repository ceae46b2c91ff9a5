/**
 * The data directory of a sequencer: what `qfs init` creates and `qfs start` reads.
 *
 *   D/config.json     node settings (listen address, bundle and mempool limits, verification)
 *   D/genesis.json    the genesis document (the store keeps the canonical copy)
 *   D/keys/*.key      encrypted ML-DSA-87 keys: sequencer, oracle, admin, and demo accounts
 *   D/beacon-devnet.json  the devnet beacon's BLS key and chain (devnet genesis only)
 *   D/qfs.db          the SQLite store (WAL)
 * @module
 */
import fs from 'node:fs';
import path from 'node:path';
import { canonicalString } from '../codec';
import {
  createKeyFile,
  decryptKey,
  readKeyFile,
  VERIFY_NICE_DEFAULT,
  writeKeyFile,
  type KeyPair,
} from '../crypto';
import { devnetGenesis, loadGenesis } from '../engine';
import {
  beaconChainJson,
  entropyPolicyJson,
  parseEntropyPolicy,
  POLICY_DEFAULTS,
  QUICKNET,
  type BeaconChain,
} from '../entropy';
import { createDevnetBeacon, writeDevnetBeacon } from '../entropy/beacon-server';
import { ConfigError } from './config-errors';
import { DEFAULT_LIMITS, type NodeLimits } from './sequencer';
import { NodeStore } from './store';

export type NodeConfig = NodeLimits & {
  readonly host: string;
  readonly port: number;
  /** Verification threads (0 = one per core). */
  readonly verifyThreads: number;
  readonly verifyBackend: 'auto' | 'native' | 'noble';
  /** Scheduling niceness of the verification threads, 0..19 (see VerifyPoolOptions.nice). */
  readonly verifyNice: number;
  /** How often the watchdog re-measures the code (ms; 0 disables). */
  readonly watchdogIntervalMs: number;
  /** Requests per minute per client address. */
  readonly rateLimitPerMinute: number;
  /** Until a request's headers are complete (ms). */
  readonly headersTimeoutMs: number;
  /** Until a whole request, body included, is received (ms). */
  readonly requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after (ms). */
  readonly keepAliveTimeoutMs: number;
  /**
   * Where `/metrics` is served: '' on the API's address (open, or behind QFS_METRICS_TOKEN when
   * that is set), 'off' nowhere, or 'HOST:PORT' on a listener of its own and not on the API.
   */
  readonly metricsListen: string;
  /**
   * Start-up verifies the whole ledger (runtime/node/verify) before serving when it holds at most
   * this many committed transactions, and in the background (quarantining on a difference) above.
   */
  readonly verifySyncTxsMax: number;
  /** HolonetSync CIR-511: packet time this far from the replicas' median clock is dissonance (ms). */
  readonly syncDriftMaxMs: number;
  /** HolonetSync: most replicas (and other followers) streaming from this node at once. */
  readonly syncStreamsMax: number;
} & EntropyConfig;

/**
 * Where packet entropy comes from on a chain whose genesis has an entropy policy (issue 22). One
 * line switches the devnet to the League of Entropy: `"entropyBeacon": "quicknet"`.
 */
export type EntropyConfig = {
  /**
   * The beacon chain to fetch, by its name in the genesis policy ("" = the first one listed):
   * "devnet" (served by the node from D/beacon-devnet.json) or "quicknet".
   */
  readonly entropyBeacon: string;
  /** Relay base URLs, comma-separated ("" = the chain's defaults). */
  readonly entropyBeaconUrls: string;
  /** QRNG API URL ("" = no QRNG); its key comes from the QFS_QRNG_API_KEY environment variable. */
  readonly entropyQrngUrl: string;
  /** The QRNG provider's name as recorded in packets. */
  readonly entropyQrngProvider: string;
  /** How often the QRNG is asked (ms; its bytes are reused in between; ANU's free tier is small). */
  readonly entropyQrngIntervalMs: number;
  /** Timeout of one beacon or QRNG request (ms). */
  readonly entropyFetchTimeoutMs: number;
  /** How long stamping a packet waits for a fresh round's VDF before using a stale round (ms). */
  readonly entropyWaitMs: number;
};

/** The default API port of a sequencer node. */
export const DEFAULT_PORT = 7545;

export const DEFAULT_CONFIG: NodeConfig = Object.freeze({
  ...DEFAULT_LIMITS,
  host: '127.0.0.1',
  port: DEFAULT_PORT,
  verifyThreads: 0,
  verifyBackend: 'auto',
  verifyNice: VERIFY_NICE_DEFAULT,
  watchdogIntervalMs: 60_000,
  rateLimitPerMinute: 600_000,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 30_000,
  metricsListen: '',
  verifySyncTxsMax: 5_000,
  entropyBeacon: '',
  entropyBeaconUrls: '',
  entropyQrngUrl: '',
  entropyQrngProvider: 'anu-quantum-numbers',
  entropyQrngIntervalMs: 3_600_000,
  entropyFetchTimeoutMs: 2_000,
  entropyWaitMs: 5_000,
  syncDriftMaxMs: 10_000,
  syncStreamsMax: 64,
});

export const DEMO_ACCOUNTS = Object.freeze(['alice', 'bob', 'carol']);

export function paths(dir: string) {
  return {
    config: path.join(dir, 'config.json'),
    genesis: path.join(dir, 'genesis.json'),
    keys: path.join(dir, 'keys'),
    key: (name: string) => path.join(dir, 'keys', `${name}.key`),
    db: path.join(dir, 'qfs.db'),
    devnetBeacon: path.join(dir, 'beacon-devnet.json'),
    /** HolonetSync's records: attestations, certificates, evidence (runtime/sync/sync-store.ts). */
    sync: path.join(dir, 'sync.db'),
  };
}

/** Reads config.json over the defaults; unknown fields and wrong types are errors. */
export function readConfig(dir: string): NodeConfig {
  const file = paths(dir).config;
  if (!fs.existsSync(file)) return DEFAULT_CONFIG;
  const raw = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  const out: Record<string, unknown> = { ...DEFAULT_CONFIG };
  for (const key of Object.keys(raw).sort()) {
    if (!(key in DEFAULT_CONFIG)) throw new ConfigError(file, key, 'unknown setting');
    const expected = typeof (DEFAULT_CONFIG as Record<string, unknown>)[key];
    if (typeof raw[key] !== expected) throw new ConfigError(file, key, `must be a ${expected}`);
    out[key] = raw[key];
  }
  return Object.freeze(out) as NodeConfig;
}

export type InitOptions = {
  readonly dir: string;
  readonly passphrase: string;
  readonly chainId?: string;
  /** A genesis document to use instead of a devnet one (then `sequencerKeyFile` is required). */
  readonly genesis?: unknown;
  readonly sequencerKeyFile?: string;
  readonly scryptN?: number;
  readonly nowMs: bigint;
  /** The devnet genesis's VDF delay T (default: the measured default of runtime/entropy). */
  readonly vdfT?: bigint;
  /** The devnet beacon's period in seconds (default 3, like quicknet). */
  readonly beaconPeriodSeconds?: bigint;
  /** HolonetSync: replica keys to make (keys/replica-1.key …), active with `replica` at genesis. */
  readonly replicas?: number;
};

export type InitResult = {
  readonly chainId: string;
  readonly sequencer: string;
  readonly accounts: readonly { name: string; address: string }[];
};

/**
 * Creates a data directory: keys, genesis, config and the initialised store.
 * @throws {ConfigError} when the directory already holds a store
 */
export function initDataDir(options: InitOptions): InitResult {
  const p = paths(options.dir);
  if (fs.existsSync(p.db))
    throw new ConfigError(p.db, 'qfs.db', 'a store exists already; refusing to overwrite');
  fs.mkdirSync(p.keys, { recursive: true });
  const make = (name: string): KeyPair => {
    const { file, keyPair } = createKeyFile(options.passphrase, {
      scryptN: options.scryptN ?? 2 ** 18,
    });
    writeKeyFile(p.key(name), file);
    return keyPair;
  };
  let genesis: unknown;
  let sequencer: KeyPair;
  const accounts: { name: string; address: string }[] = [];
  if (options.genesis === undefined) {
    sequencer = make('sequencer');
    const oracle = make('oracle');
    const admin = make('admin');
    const demo = DEMO_ACCOUNTS.map((name) => ({ name, key: make(name) }));
    for (const d of demo) accounts.push({ name: d.name, address: d.key.address });
    const beacon = createDevnetBeacon({
      genesisTime: options.nowMs / 1000n,
      periodSeconds: options.beaconPeriodSeconds ?? 3n,
    });
    writeDevnetBeacon(p.devnetBeacon, beacon);
    const replicas = Array.from({ length: options.replicas ?? 0 }, (_, i) => {
      const name = `replica-${i + 1}`;
      const key = make(name);
      accounts.push({ name, address: key.address });
      return key;
    });
    genesis = devnetGenesis({
      chainId: options.chainId ?? 'qfs-devnet',
      genesisTime: options.nowMs,
      sequencer,
      oracle,
      admin,
      users: demo.map((d) => d.key),
      replicas,
      accounts: demo.map((d) => ({
        address: d.key.address,
        balances: { CHR: '10000', FLX: '10000', PSI: '1000', ATR: '1000', RES: '1000' },
      })),
      treasury: admin.address,
      entropy: devnetEntropyPolicy(beacon.chain, options.vdfT ?? POLICY_DEFAULTS.vdfT),
    });
  } else {
    if (options.sequencerKeyFile === undefined)
      throw new ConfigError(options.dir, 'sequencer key', 'a custom genesis needs --sequencer-key');
    const file = readKeyFile(options.sequencerKeyFile);
    sequencer = decryptKey(file, options.passphrase).keyPair;
    fs.copyFileSync(options.sequencerKeyFile, p.key('sequencer'));
    genesis = options.genesis;
  }
  const { state, keyGenesis } = loadGenesis(genesis); // validates before anything is written to the store
  fs.writeFileSync(p.genesis, `${JSON.stringify(genesis, null, 2)}\n`);
  if (!fs.existsSync(p.config))
    fs.writeFileSync(
      p.config,
      `${JSON.stringify({ host: DEFAULT_CONFIG.host, port: DEFAULT_CONFIG.port }, null, 2)}\n`,
    );
  const store = NodeStore.open(p.db);
  try {
    store.setMeta('genesis', canonicalString(genesis));
    store.insertKeyEntry(0, canonicalString(keyGenesis), keyGenesis.entryHash);
  } finally {
    store.close();
  }
  return { chainId: state.chainId, sequencer: sequencer.address, accounts };
}

/**
 * The devnet genesis's entropy policy: its own beacon and quicknet, so that switching the node to
 * quicknet is one configuration line and needs no new genesis.
 */
export function devnetEntropyPolicy(devnet: BeaconChain, vdfT: bigint): Record<string, unknown> {
  return entropyPolicyJson(
    parseEntropyPolicy({
      beacons: [beaconChainJson(devnet), beaconChainJson(QUICKNET)],
      vdf: { modulus: 'rsa-2048', t: vdfT.toString() },
    }),
  );
}

/** Decrypts a named key of the data directory. */
export function loadKey(dir: string, name: string, passphrase: string): KeyPair {
  return decryptKey(readKeyFile(paths(dir).key(name)), passphrase).keyPair;
}
