/**
 * Connects to the configured chain: provider, decrypted anchoring wallet and typechain-typed
 * contract bindings.
 * @module
 */
import fs from 'node:fs';
import { JsonRpcProvider, Wallet, type Provider } from 'ethers';
import {
  AllocationRegistry__factory,
  QfsToken__factory,
  SealAnchor__factory,
} from '../../typechain-types';
import type { AnchorContracts } from './anchor-service';
import type { ChainConfig } from './config';

export type ChainConnection = {
  readonly provider: Provider;
  readonly wallet: Wallet;
  readonly contracts: AnchorContracts;
};

export async function connectChain(
  config: ChainConfig,
  passphrase: string,
): Promise<ChainConnection> {
  const provider = new JsonRpcProvider(config.rpcUrl, config.evmChainId, {
    staticNetwork: true,
    pollingInterval: 250,
    // ethers caches identical reads for 250 ms by default; a cached transaction count hands two
    // anchors in a row the same nonce. The anchoring service sends one transaction at a time.
    cacheTimeout: -1,
  });
  const wallet = (
    await Wallet.fromEncryptedJson(fs.readFileSync(config.keyFile, 'utf8'), passphrase)
  ).connect(provider) as Wallet;
  return {
    provider,
    wallet,
    contracts: {
      token: QfsToken__factory.connect(config.contracts.token, wallet),
      anchor: SealAnchor__factory.connect(config.contracts.anchor, wallet),
      registry: AllocationRegistry__factory.connect(config.contracts.registry, wallet),
    },
  };
}
