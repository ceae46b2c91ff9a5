/**
 * The devnet's own drand-compatible beacon: a BLS12-381 key of its own, rounds of the
 * `bls-unchained-g1-rfc9380` scheme signed on demand for the current time, served with drand's
 * HTTP API (`/chains`, `/{chainHash}/info`, `/{chainHash}/public/latest`, `…/public/{round}`). The
 * node fetches from it with the same client and verifies with the same code as quicknet rounds, so
 * `npm start` runs offline; one configuration line (`"entropyBeacon": "quicknet"`) switches to the
 * League of Entropy. It is the sequencer's own key, so its rounds are not independent of the
 * sequencer: a devnet convenience, never a chain that matters (docs/entropy.md). Issue 22.
 * @module
 */
import { bls12_381 } from '@noble/curves/bls12-381.js';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { bytesToHex, hexToBytes, isHex, sha256Hex } from '../codec';
import {
  beaconChainJson,
  beaconPublicKey,
  beaconRandomness,
  BEACON_SCHEME,
  chainHashOf,
  parseBeaconChain,
  roundAtMs,
  signBeaconRound,
  type BeaconChain,
} from './beacon';

/** A beacon with its secret key (the devnet's `beacon-devnet.json`). */
export type DevnetBeacon = { readonly secretKey: Uint8Array; readonly chain: BeaconChain };

/**
 * Creates a new devnet beacon: a fresh BLS secret key and its chain description.
 * @param options - round 1's Unix time (s) and the period (s)
 */
export function createDevnetBeacon(options: {
  readonly genesisTime: bigint;
  readonly periodSeconds: bigint;
}): DevnetBeacon {
  return devnetBeaconOf(bls12_381.utils.randomSecretKey(), options);
}

/**
 * The devnet beacon of a given secret key (tests use fixed keys).
 * @param secretKey - a 32-byte BLS12-381 secret key (below the group order, not zero)
 */
export function devnetBeaconOf(
  secretKey: Uint8Array,
  options: { readonly genesisTime: bigint; readonly periodSeconds: bigint },
): DevnetBeacon {
  const publicKey = beaconPublicKey(secretKey);
  const info = {
    publicKey,
    genesisTime: options.genesisTime,
    periodSeconds: options.periodSeconds,
    groupHash: sha256Hex(hexToBytes(publicKey)),
    beaconId: 'qfs-devnet',
  };
  const chain: BeaconChain = Object.freeze({
    name: 'devnet',
    scheme: BEACON_SCHEME,
    chainHash: chainHashOf(info),
    ...info,
  });
  return Object.freeze({ secretKey: new Uint8Array(secretKey), chain });
}

/** Writes a devnet beacon file (mode 0600: it holds the secret key). */
export function writeDevnetBeacon(file: string, beacon: DevnetBeacon): void {
  const body = { secretKey: bytesToHex(beacon.secretKey), chain: beaconChainJson(beacon.chain) };
  fs.writeFileSync(file, `${JSON.stringify(body, null, 2)}\n`, { mode: 0o600 });
}

/** Reads a devnet beacon file and checks that its key matches its chain. */
export function readDevnetBeacon(file: string): DevnetBeacon {
  const j = JSON.parse(fs.readFileSync(file, 'utf8')) as { secretKey?: unknown; chain?: unknown };
  if (!isHex(j.secretKey, 32)) throw new Error(`${file}: secretKey is not 32 bytes of hex`);
  const chain = parseBeaconChain(j.chain, 'chain');
  const secretKey = hexToBytes(j.secretKey);
  if (beaconPublicKey(secretKey) !== chain.publicKey)
    throw new Error(`${file}: the secret key does not match the chain's public key`);
  return Object.freeze({ secretKey, chain });
}

export type BeaconServer = {
  /** Base URL (the relay URL the node fetches from). */
  readonly url: string;
  close(): Promise<void>;
};

/**
 * Serves a devnet beacon over drand's HTTP API on loopback.
 * @param beacon - the key and the chain
 * @param options - host, port (0: a free one), and the clock (Unix ms) that decides the latest round
 */
export async function startBeaconServer(
  beacon: DevnetBeacon,
  options: { readonly host?: string; readonly port?: number; readonly nowMs: () => bigint },
): Promise<BeaconServer> {
  const { chain } = beacon;
  const cache = new Map<bigint, string>();
  const roundJson = (round: bigint): string => {
    let signature = cache.get(round);
    if (signature === undefined) {
      signature = signBeaconRound(beacon.secretKey, round);
      if (cache.size > 1024) cache.clear();
      cache.set(round, signature);
    }
    const randomness = beaconRandomness(signature);
    return JSON.stringify({ round: Number(round), randomness, signature });
  };
  const server = http.createServer((request, response) => {
    const send = (status: number, body: string) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(body);
    };
    const path = (request.url ?? '').split('?')[0] ?? '';
    const latest = roundAtMs(chain, options.nowMs());
    if (request.method !== 'GET') return send(405, '{"error":"GET only"}');
    if (path === '/chains') return send(200, JSON.stringify([chain.chainHash]));
    const match = /^\/([0-9a-f]{64})\/(info|public\/latest|public\/([0-9]{1,16}))$/.exec(path);
    if (match === null || match[1] !== chain.chainHash) return send(404, '{"error":"not found"}');
    if (match[2] === 'info') return send(200, JSON.stringify(drandInfo(chain)));
    const round = match[3] === undefined ? latest : BigInt(match[3]);
    if (round < 1n || round > latest) return send(404, '{"error":"round not yet published"}');
    return send(200, roundJson(round));
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve);
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A chain description in drand's `/info` form. */
export function drandInfo(chain: BeaconChain): Record<string, unknown> {
  return {
    public_key: chain.publicKey,
    period: Number(chain.periodSeconds),
    genesis_time: Number(chain.genesisTime),
    hash: chain.chainHash,
    groupHash: chain.groupHash,
    schemeID: chain.scheme,
    metadata: { beaconID: chain.beaconId },
  };
}
