/**
 * The node's entropy, set up from the genesis policy and config.json: on a chain with an entropy
 * policy, the entropy service (beacon relays, optional QRNG, the VDF worker) and, for the devnet
 * beacon, the node's own drand-compatible server; otherwise OS randomness (chains without a
 * policy, as before issue 22).
 * @module
 */
import { QUICKNET, type EntropyAnchor, type EntropyPolicy } from '../entropy';
import { readDevnetBeacon, startBeaconServer, type BeaconServer } from '../entropy/beacon-server';
import { EntropyService, type EntropyStatus } from '../entropy/service';
import { VdfPool } from '../entropy/vdf-pool';
import { osEntropy, type EntropySource } from './clock';
import { ConfigError } from './config-errors';
import { paths, type NodeConfig } from './data-dir';
import type { Logger } from './sequencer';

/** The League of Entropy's HTTP relays for quicknet. */
export const QUICKNET_RELAYS = Object.freeze([
  'https://api.drand.sh',
  'https://api2.drand.sh',
  'https://api3.drand.sh',
  'https://drand.cloudflare.com',
]);

export type NodeEntropy = {
  readonly source: EntropySource;
  /** The service on a chain with a policy (status, bundle observation), else null. */
  readonly service: EntropyService | null;
  /** The devnet beacon's URL when the node serves it. */
  readonly beaconUrl: string | null;
  status(): EntropyStatus | null;
  close(): Promise<void>;
};

/**
 * Sets up the node's entropy.
 * @param options - data directory, config, the genesis policy (null: OS randomness), chain id,
 *   clock, log, the newest seal (the VDF anchor), environment (QFS_QRNG_API_KEY)
 * @throws {ConfigError} the configured beacon is not in the genesis policy, the devnet beacon file
 *   is missing, or a QRNG URL is set without a key
 */
export async function setUpEntropy(options: {
  readonly dir: string;
  readonly config: NodeConfig;
  readonly policy: EntropyPolicy | null;
  readonly chainId: string;
  readonly nowMs: () => bigint;
  readonly log: Logger;
  readonly anchor: () => EntropyAnchor | null;
  readonly env: NodeJS.ProcessEnv;
}): Promise<NodeEntropy> {
  const { config, policy } = options;
  if (policy === null)
    return {
      source: osEntropy,
      service: null,
      beaconUrl: null,
      status: () => null,
      close: async () => undefined,
    };
  const chain =
    config.entropyBeacon === ''
      ? policy.beacons[0]
      : policy.beacons.find((b) => b.name === config.entropyBeacon);
  if (chain === undefined)
    throw new ConfigError(
      paths(options.dir).config,
      'entropyBeacon',
      `"${config.entropyBeacon}" is not a beacon of the genesis (${policy.beacons.map((b) => b.name).join(', ')})`,
    );
  const qrng = qrngOptions(options); // validated before anything is started
  let server: BeaconServer | null = null;
  let urls = config.entropyBeaconUrls
    .split(',')
    .map((u) => u.trim())
    .filter((u) => u !== '');
  if (urls.length === 0 && chain.chainHash === QUICKNET.chainHash) urls = [...QUICKNET_RELAYS];
  if (urls.length === 0) {
    server = await serveDevnetBeacon(options.dir, chain.chainHash, options.nowMs);
    urls = [server.url];
  }
  const vdf = new VdfPool();
  const service = new EntropyService({
    chainId: options.chainId,
    policy,
    beacon: { urls, chain, timeoutMs: config.entropyFetchTimeoutMs },
    qrng,
    vdf,
    nowMs: options.nowMs,
    anchor: options.anchor,
    log: options.log,
    waitMs: config.entropyWaitMs,
  });
  return {
    source: service,
    service,
    beaconUrl: server?.url ?? null,
    status: () => service.status(),
    close: async () => {
      await service.stop();
      await vdf.close();
      await server?.close();
    },
  };
}

async function serveDevnetBeacon(
  dir: string,
  chainHash: string,
  nowMs: () => bigint,
): Promise<BeaconServer> {
  const file = paths(dir).devnetBeacon;
  let beacon;
  try {
    beacon = readDevnetBeacon(file);
  } catch (err) {
    throw new ConfigError(file, 'devnet beacon', err instanceof Error ? err.message : String(err));
  }
  if (beacon.chain.chainHash !== chainHash)
    throw new ConfigError(file, 'chain', 'this devnet beacon is not the one the genesis names');
  return startBeaconServer(beacon, { nowMs });
}

function qrngOptions(options: {
  readonly dir: string;
  readonly config: NodeConfig;
  readonly env: NodeJS.ProcessEnv;
}) {
  const { config } = options;
  if (config.entropyQrngUrl === '') return null;
  const apiKey = options.env.QFS_QRNG_API_KEY;
  if (apiKey === undefined || apiKey === '')
    throw new ConfigError(
      paths(options.dir).config,
      'entropyQrngUrl',
      'a QRNG URL needs its key in the QFS_QRNG_API_KEY environment variable',
    );
  return {
    url: config.entropyQrngUrl,
    provider: config.entropyQrngProvider,
    apiKey,
    blocks: 2,
    blockSize: 4,
    timeoutMs: config.entropyFetchTimeoutMs,
    intervalMs: config.entropyQrngIntervalMs,
  };
}
