/**
 * Chain configuration: which EVM, which contracts, which key, how many confirmations, how long an
 * anchoring epoch is. From `D/chain.json`, overridable by environment variables, so pointing the
 * system at a public testnet or any EVM RPC is configuration, not code:
 *
 *   QFS_RPC_URL, QFS_EVM_CHAIN_ID, QFS_TOKEN_ADDRESS, QFS_ANCHOR_ADDRESS, QFS_REGISTRY_ADDRESS,
 *   QFS_CONFIRMATIONS, QFS_EPOCH_LENGTH, QFS_ANCHOR_KEY_FILE
 * The anchoring key is an EVM key in an encrypted JSON keystore (scrypt, ethers' format), decrypted
 * with the same passphrase as the node's keys (QFS_PASSPHRASE or a prompt).
 * @module
 */
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../node/config-errors';

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
  readonly pollIntervalMs: number;
};

export const chainConfigPath = (dir: string): string => path.join(dir, 'chain.json');

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

/** Reads D/chain.json with environment overrides; null when the node has no chain configured. */
export function readChainConfig(
  dir: string,
  env: NodeJS.ProcessEnv = process.env,
): ChainConfig | null {
  const file = chainConfigPath(dir);
  const raw = fs.existsSync(file)
    ? (JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>)
    : null;
  if (raw === null && env.QFS_RPC_URL === undefined) return null;
  const contracts = (raw?.contracts ?? {}) as Record<string, unknown>;
  const config: ChainConfig = {
    rpcUrl: String(env.QFS_RPC_URL ?? raw?.rpcUrl ?? ''),
    evmChainId: Number(env.QFS_EVM_CHAIN_ID ?? raw?.evmChainId ?? 31337),
    contracts: {
      token: String(env.QFS_TOKEN_ADDRESS ?? contracts.token ?? ''),
      anchor: String(env.QFS_ANCHOR_ADDRESS ?? contracts.anchor ?? ''),
      registry: String(env.QFS_REGISTRY_ADDRESS ?? contracts.registry ?? ''),
    },
    keyFile: path.resolve(
      dir,
      String(env.QFS_ANCHOR_KEY_FILE ?? raw?.keyFile ?? 'keys/anchor.json'),
    ),
    confirmations: Number(env.QFS_CONFIRMATIONS ?? raw?.confirmations ?? 1),
    epochLength: Number(env.QFS_EPOCH_LENGTH ?? raw?.epochLength ?? 4),
    pollIntervalMs: Number(raw?.pollIntervalMs ?? 1000),
  };
  check(file, config);
  return Object.freeze(config);
}

function check(file: string, c: ChainConfig): void {
  if (!/^(https?|wss?):\/\//.test(c.rpcUrl))
    throw new ConfigError(file, 'rpcUrl', 'an http(s) or ws(s) URL');
  if (!Number.isSafeInteger(c.evmChainId) || c.evmChainId <= 0)
    throw new ConfigError(file, 'evmChainId', 'a positive integer');
  for (const [name, address] of Object.entries(c.contracts).sort()) {
    if (!ADDRESS.test(address)) throw new ConfigError(file, `contracts.${name}`, 'a 0x address');
  }
  if (!Number.isSafeInteger(c.confirmations) || c.confirmations < 1 || c.confirmations > 64)
    throw new ConfigError(file, 'confirmations', 'an integer in [1, 64]');
  if (!Number.isSafeInteger(c.epochLength) || c.epochLength < 1 || c.epochLength > 1024)
    throw new ConfigError(file, 'epochLength', 'an integer in [1, 1024]');
}

export function writeChainConfig(
  dir: string,
  config: Omit<ChainConfig, 'keyFile'> & { keyFile: string },
): void {
  fs.writeFileSync(chainConfigPath(dir), `${JSON.stringify(config, null, 2)}\n`);
}
