/**
 * Connects to the configured chain: a JSON-RPC provider whose every request has a timeout, the
 * decrypted anchoring wallet, and the typechain-typed contract bindings.
 * @module
 */
import fs from 'node:fs';
import { FetchRequest, JsonRpcProvider, Network, Wallet, type Signer } from 'ethers';
import {
  AllocationRegistry__factory,
  QfsToken__factory,
  SealAnchor__factory,
  type AllocationRegistry,
  type QfsToken,
  type SealAnchor,
} from '../../typechain-types';
import type { ChainConfig } from './config';
import { ChainConfigError } from './errors';

export type AnchorContracts = {
  readonly token: QfsToken;
  readonly anchor: SealAnchor;
  readonly registry: AllocationRegistry;
};

export type ChainConnection = {
  readonly provider: JsonRpcProvider;
  readonly wallet: Wallet;
  readonly contracts: AnchorContracts;
};

/**
 * A provider for `rpcUrl` on `chainId`. It makes no request until used (so a node starts while its
 * RPC is down), gives every request `timeoutMs` (a stopped or unreachable RPC fails the call
 * instead of hanging it), and caches nothing: ethers caches identical reads for 250 ms by default,
 * and a cached transaction count would hand two anchors in a row the same nonce.
 */
export function chainProvider(rpcUrl: string, chainId: number, timeoutMs: number): JsonRpcProvider {
  const request = new FetchRequest(rpcUrl);
  request.timeout = timeoutMs;
  return new JsonRpcProvider(request, chainId, {
    staticNetwork: Network.from(chainId),
    pollingInterval: 250,
    cacheTimeout: -1,
  });
}

export function contractsAt(
  addresses: ChainConfig['contracts'],
  runner: Signer | JsonRpcProvider,
): AnchorContracts {
  return {
    token: QfsToken__factory.connect(addresses.token, runner),
    anchor: SealAnchor__factory.connect(addresses.anchor, runner),
    registry: AllocationRegistry__factory.connect(addresses.registry, runner),
  };
}

/** Provider, anchoring wallet (decrypted with `passphrase`) and contracts that sign with it. */
export async function connectChain(
  config: ChainConfig,
  passphrase: string,
): Promise<ChainConnection> {
  const provider = chainProvider(config.rpcUrl, config.evmChainId, config.rpcTimeoutMs);
  const wallet = (await decryptAnchoringKey(config.keyFile, passphrase)).connect(
    provider,
  ) as Wallet;
  return { provider, wallet, contracts: contractsAt(config.contracts, wallet) };
}

/** The anchoring key; a missing or undecryptable file is a configuration error, not a crash. */
async function decryptAnchoringKey(file: string, passphrase: string): Promise<Wallet> {
  if (!fs.existsSync(file))
    throw new ChainConfigError(file, 'keyFile', 'no such file (qfs chain deploy creates it)');
  try {
    return (await Wallet.fromEncryptedJson(fs.readFileSync(file, 'utf8'), passphrase)) as Wallet;
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new ChainConfigError(file, 'keyFile', `cannot decrypt it: ${reason.slice(0, 200)}`);
  }
}

/** Provider and read-only contracts (no key needed: `qfs anchor status`, integrators). */
export function readChain(config: ChainConfig): {
  provider: JsonRpcProvider;
  contracts: AnchorContracts;
} {
  const provider = chainProvider(config.rpcUrl, config.evmChainId, config.rpcTimeoutMs);
  return { provider, contracts: contractsAt(config.contracts, provider) };
}
