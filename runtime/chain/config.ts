/**
 * Chain configuration: which EVM, which contracts, which key, how many confirmations, how long an
 * anchoring epoch is, and the limits of every call to the chain. From `D/chain.json` (written by
 * `qfs chain deploy`), overridable by environment variables, so pointing the node at a public testnet
 * or any EVM RPC is configuration, not code:
 *
 *   QFS_RPC_URL, QFS_EVM_CHAIN_ID, QFS_TOKEN_ADDRESS, QFS_ANCHOR_ADDRESS, QFS_REGISTRY_ADDRESS,
 *   QFS_CONFIRMATIONS, QFS_EPOCH_LENGTH, QFS_ANCHOR_KEY_FILE
 *
 * The anchoring key is an EVM key in an encrypted JSON keystore (scrypt, ethers' format), decrypted
 * with the same passphrase as the node's keys (QFS_PASSPHRASE or a prompt).
 * @module
 */
import fs from 'node:fs';
import path from 'node:path';
import { ChainConfigError } from './errors';

export type ChainConfig = {
  readonly rpcUrl: string;
  readonly evmChainId: number;
  readonly contracts: {
    readonly token: string;
    readonly anchor: string;
    readonly registry: string;
  };
  /** Path of the encrypted anchoring key (relative paths are relative to the data directory). */
  readonly keyFile: string;
  readonly confirmations: number;
  /** Bundles per anchoring epoch. */
  readonly epochLength: number;
  /** Balance changes per token-contract transaction (each chunk must stay under the gas cap). */
  readonly balanceChunkSize: number;
  /** How often the service looks for complete epochs (it also wakes on every bundle). */
  readonly pollIntervalMs: number;
  /** Longest wait between attempts after failures (the wait doubles from 1 s up to this). */
  readonly retryMaxMs: number;
  /** Timeout of one JSON-RPC request. */
  readonly rpcTimeoutMs: number;
  /** Longest wait for one anchoring transaction to be mined and confirmed. */
  readonly txTimeoutMs: number;
};

/** What `chain.json` holds (keyFile as written, relative to the data directory). */
export type ChainConfigFile = Omit<ChainConfig, 'keyFile'> & { readonly keyFile: string };

export const CHAIN_DEFAULTS = Object.freeze({
  confirmations: 1,
  epochLength: 4,
  /** 400 new balances cost ~11.5M gas, 69 % of the EIP-7825 cap (docs/contracts.md, Gas). */
  balanceChunkSize: 400,
  pollIntervalMs: 1000,
  retryMaxMs: 30_000,
  rpcTimeoutMs: 10_000,
  txTimeoutMs: 300_000,
  keyFile: 'keys/anchor.json',
});

/** Bounds of the numeric settings, inclusive. */
const BOUNDS: Readonly<Record<string, readonly [number, number]>> = Object.freeze({
  evmChainId: [1, Number.MAX_SAFE_INTEGER],
  confirmations: [1, 64],
  epochLength: [1, 1024],
  balanceChunkSize: [1, 500],
  pollIntervalMs: [50, 3_600_000],
  retryMaxMs: [1000, 3_600_000],
  rpcTimeoutMs: [100, 600_000],
  txTimeoutMs: [1000, 3_600_000],
});

const FIELDS = [
  'rpcUrl',
  'evmChainId',
  'contracts',
  'keyFile',
  ...Object.keys(CHAIN_DEFAULTS),
].sort();

export const chainConfigPath = (dir: string): string => path.join(dir, 'chain.json');

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

/** Reads D/chain.json with environment overrides; null when the node has no chain configured. */
export function readChainConfig(
  dir: string,
  env: NodeJS.ProcessEnv = process.env,
): ChainConfig | null {
  const file = chainConfigPath(dir);
  // An empty variable is an unset one (`QFS_RPC_URL= qfs start` turns an override off).
  env = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const raw = fs.existsSync(file) ? parseFile(file) : null;
  if (raw === null && env.QFS_RPC_URL === undefined) return null;
  const json = raw ?? {};
  for (const key of Object.keys(json).sort()) {
    if (!FIELDS.includes(key)) throw new ChainConfigError(file, key, 'unknown setting');
    // Numbers in the file are JSON numbers; only the environment spells them as text.
    if (key in BOUNDS && typeof json[key] !== 'number')
      throw new ChainConfigError(file, key, 'a JSON number');
  }
  const contracts = (json.contracts ?? {}) as Record<string, unknown>;
  const pick = (name: string, envName: string | null): unknown =>
    (envName === null ? undefined : env[envName]) ??
    json[name] ??
    (CHAIN_DEFAULTS as Record<string, unknown>)[name];
  const config: ChainConfig = {
    rpcUrl: String(pick('rpcUrl', 'QFS_RPC_URL') ?? ''),
    evmChainId: integer(file, 'evmChainId', pick('evmChainId', 'QFS_EVM_CHAIN_ID')),
    contracts: {
      token: String(env.QFS_TOKEN_ADDRESS ?? contracts.token ?? ''),
      anchor: String(env.QFS_ANCHOR_ADDRESS ?? contracts.anchor ?? ''),
      registry: String(env.QFS_REGISTRY_ADDRESS ?? contracts.registry ?? ''),
    },
    keyFile: path.resolve(dir, String(pick('keyFile', 'QFS_ANCHOR_KEY_FILE'))),
    confirmations: integer(file, 'confirmations', pick('confirmations', 'QFS_CONFIRMATIONS')),
    epochLength: integer(file, 'epochLength', pick('epochLength', 'QFS_EPOCH_LENGTH')),
    balanceChunkSize: integer(file, 'balanceChunkSize', pick('balanceChunkSize', null)),
    pollIntervalMs: integer(file, 'pollIntervalMs', pick('pollIntervalMs', null)),
    retryMaxMs: integer(file, 'retryMaxMs', pick('retryMaxMs', null)),
    rpcTimeoutMs: integer(file, 'rpcTimeoutMs', pick('rpcTimeoutMs', null)),
    txTimeoutMs: integer(file, 'txTimeoutMs', pick('txTimeoutMs', null)),
  };
  if (!/^https?:\/\/\S+$/.test(config.rpcUrl))
    throw new ChainConfigError(file, 'rpcUrl', 'an http(s) URL');
  for (const [name, address] of Object.entries(config.contracts).sort())
    if (!ADDRESS.test(address))
      throw new ChainConfigError(file, `contracts.${name}`, 'a 0x address');
  return Object.freeze(config);
}

/** Writes D/chain.json (keyFile relative to the data directory, as given). */
export function writeChainConfig(dir: string, config: ChainConfigFile): void {
  fs.writeFileSync(chainConfigPath(dir), `${JSON.stringify(config, null, 2)}\n`);
}

function parseFile(file: string): Record<string, unknown> {
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    throw new ChainConfigError(file, '(file)', 'not JSON');
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    throw new ChainConfigError(file, '(file)', 'not a JSON object');
  return json as Record<string, unknown>;
}

/** A whole number within the setting's bounds (environment values arrive as decimal strings). */
function integer(file: string, name: string, value: unknown): number {
  const [min, max] = BOUNDS[name] as readonly [number, number];
  const n = typeof value === 'string' && /^\d{1,16}$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < min || n > max)
    throw new ChainConfigError(file, name, `an integer in [${min}, ${max}]`);
  return n;
}
