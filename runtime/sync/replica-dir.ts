/**
 * A replica's data directory: what `qfs replica init` creates and `qfs replica start` reads.
 *
 *   R/config.json     replica settings: the sequencer it follows, its peers, listen address, limits
 *   R/genesis.json    the genesis, fetched from the sequencer and checked against the given hash
 *   R/keys/replica.key  the replica's encrypted ML-DSA-87 key (its address must hold `replica`)
 *   R/qfs.db          its store (the sequencer's schema: it serves the same reads)
 *   R/sync.db         what it cosigned, evidence, CIR-511 records
 * @module
 */
import fs from 'node:fs';
import path from 'node:path';
import { canonicalString, sha256HexUtf8 } from '../codec';
import {
  createKeyFile,
  decryptKey,
  readKeyFile,
  VERIFY_NICE_DEFAULT,
  writeKeyFile,
  type KeyPair,
} from '../crypto';
import { loadGenesis } from '../engine';
import { ConfigError } from '../node/config-errors';
import { NodeStore } from '../node/store';

export type ReplicaConfig = {
  /** The sequencer's API URL. */
  readonly follow: string;
  /** Other replicas' API URLs: asked before cosigning, and followed when the sequencer is away. */
  readonly peers: readonly string[];
  readonly host: string;
  readonly port: number;
  /** CIR-511: a packet time more than this ahead of the replica's clock is refused (ms). */
  readonly driftMaxMs: number;
  /** Largest sealed bundle accepted (bytes, a stream line or a push). */
  readonly bundleBytesMax: number;
  readonly verifyThreads: number;
  readonly verifyBackend: 'auto' | 'native' | 'noble';
  readonly verifyNice: number;
  readonly rateLimitPerMinute: number;
  readonly headersTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly keepAliveTimeoutMs: number;
  readonly metricsListen: string;
  /** How often peers are asked for the evidence they found (ms). */
  readonly evidencePollMs: number;
};

export const DEFAULT_REPLICA_CONFIG: ReplicaConfig = Object.freeze({
  follow: 'http://127.0.0.1:7545',
  peers: [],
  host: '127.0.0.1',
  port: 7546,
  driftMaxMs: 10_000,
  bundleBytesMax: 64 * 2 ** 20,
  verifyThreads: 0,
  verifyBackend: 'auto',
  verifyNice: VERIFY_NICE_DEFAULT,
  rateLimitPerMinute: 600_000,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 30_000,
  metricsListen: '',
  evidencePollMs: 2000,
});

export function replicaPaths(dir: string) {
  return {
    config: path.join(dir, 'config.json'),
    genesis: path.join(dir, 'genesis.json'),
    key: path.join(dir, 'keys', 'replica.key'),
    db: path.join(dir, 'qfs.db'),
    sync: path.join(dir, 'sync.db'),
  };
}

/** The hash a genesis document is known by: SHA-256("QFS/genesis/v1\n" ‖ canonical JSON). */
export function genesisHashOf(genesis: unknown): string {
  return sha256HexUtf8(`QFS/genesis/v1\n${canonicalString(genesis)}`);
}

/** Reads R/config.json over the defaults; unknown fields and wrong types are errors. */
export function readReplicaConfig(dir: string): ReplicaConfig {
  const file = replicaPaths(dir).config;
  if (!fs.existsSync(file))
    throw new ConfigError(file, 'config.json', 'missing: run `qfs replica init`');
  const raw = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  const out: Record<string, unknown> = { ...DEFAULT_REPLICA_CONFIG };
  for (const key of Object.keys(raw).sort()) {
    if (!(key in DEFAULT_REPLICA_CONFIG)) throw new ConfigError(file, key, 'unknown setting');
    const expected = (DEFAULT_REPLICA_CONFIG as Record<string, unknown>)[key];
    const ok = Array.isArray(expected)
      ? Array.isArray(raw[key]) &&
        (raw[key] as unknown[]).every((u) => typeof u === 'string' && isHttpUrl(u))
      : typeof raw[key] === typeof expected;
    if (!ok)
      throw new ConfigError(
        file,
        key,
        Array.isArray(expected) ? 'must be a list of http(s) URLs' : `must be a ${typeof expected}`,
      );
    out[key] = raw[key];
  }
  if (!isHttpUrl(String(out.follow)))
    throw new ConfigError(file, 'follow', 'must be an http(s) URL');
  return Object.freeze(out) as ReplicaConfig;
}

export type ReplicaInitOptions = {
  readonly dir: string;
  readonly passphrase: string;
  readonly follow: string;
  readonly genesis: unknown;
  /** The hash the operator expects; init refuses a genesis with any other. */
  readonly genesisHash: string;
  readonly peers?: readonly string[];
  /** An existing encrypted key file to use (else a new key is made). */
  readonly keyFile?: string;
  readonly port?: number;
  readonly scryptN?: number;
};

/**
 * Creates a replica's data directory.
 * @throws {ConfigError} when a store exists already, the genesis hash differs, or a URL is not http(s)
 */
export function initReplicaDir(o: ReplicaInitOptions): {
  address: string;
  chainId: string;
  genesisHash: string;
} {
  const p = replicaPaths(o.dir);
  if (fs.existsSync(p.db))
    throw new ConfigError(p.db, 'qfs.db', 'a store exists already; refusing to overwrite');
  if (!isHttpUrl(o.follow)) throw new ConfigError(p.config, 'follow', 'must be an http(s) URL');
  for (const peer of o.peers ?? [])
    if (!isHttpUrl(peer)) throw new ConfigError(p.config, 'peers', `not an http(s) URL: ${peer}`);
  const actual = genesisHashOf(o.genesis);
  if (actual !== o.genesisHash.toLowerCase())
    throw new ConfigError(
      'genesis',
      'genesisHash',
      `the sequencer's genesis hashes to ${actual}, not ${o.genesisHash}`,
    );
  const { state, keyGenesis } = loadGenesis(o.genesis);
  fs.mkdirSync(path.dirname(p.key), { recursive: true });
  let key: KeyPair;
  if (o.keyFile !== undefined) {
    key = decryptKey(readKeyFile(o.keyFile), o.passphrase).keyPair;
    fs.copyFileSync(o.keyFile, p.key);
  } else {
    const made = createKeyFile(o.passphrase, { scryptN: o.scryptN ?? 2 ** 18 });
    writeKeyFile(p.key, made.file);
    key = made.keyPair;
  }
  fs.writeFileSync(p.genesis, `${JSON.stringify(o.genesis, null, 2)}\n`);
  const config = {
    follow: o.follow,
    peers: [...(o.peers ?? [])],
    host: DEFAULT_REPLICA_CONFIG.host,
    port: o.port ?? DEFAULT_REPLICA_CONFIG.port,
  };
  fs.writeFileSync(p.config, `${JSON.stringify(config, null, 2)}\n`);
  const store = NodeStore.open(p.db);
  try {
    store.setMeta('genesis', canonicalString(o.genesis));
    store.insertKeyEntry(0, canonicalString(keyGenesis), keyGenesis.entryHash);
  } finally {
    store.close();
  }
  return { address: key.address, chainId: state.chainId, genesisHash: actual };
}

/** Decrypts the replica's key. */
export function loadReplicaKey(dir: string, passphrase: string): KeyPair {
  return decryptKey(readKeyFile(replicaPaths(dir).key), passphrase).keyPair;
}

function isHttpUrl(value: string): boolean {
  return /^https?:\/\/[^\s/]+(\/[^\s]*)?$/.test(value);
}
