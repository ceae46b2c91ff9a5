/**
 * Anchoring beside a running node: reads the data directory's chain configuration, connects with
 * the anchoring key, and runs the {@link AnchorService} on the node's store, woken by every committed
 * bundle. `qfs start` and the devnet both start anchoring here, so a node anchors the same way
 * whichever command started it. Connecting makes no request to the RPC: an unreachable chain shows
 * up as the service's last error, never as a node that does not start.
 * @module
 */
import type { Logger, RunningNode } from '../node';
import { AnchorService } from './anchor-service';
import type { ChainConfig } from './config';
import { connectChain } from './connect';

/** What anchoring needs of a running node: its store, and its 'bundle' event to wake up on. */
export type AnchoringNode = Pick<RunningNode, 'sequencer'>;

export type Anchoring = {
  readonly service: AnchorService;
  readonly account: string;
  stop(): Promise<void>;
};

/** Starts anchoring `node` to the chain of `config`, signing with the key `passphrase` decrypts. */
export async function startAnchoring(
  node: AnchoringNode,
  config: ChainConfig,
  passphrase: string,
  log: Logger,
): Promise<Anchoring> {
  const connection = await connectChain(config, passphrase);
  const seq = node.sequencer;
  const service = new AnchorService({
    source: seq.store,
    contracts: connection.contracts,
    provider: connection.provider,
    account: connection.wallet.address,
    evmChainId: config.evmChainId,
    epochLength: config.epochLength,
    confirmations: config.confirmations,
    balanceChunkSize: config.balanceChunkSize,
    pollIntervalMs: config.pollIntervalMs,
    retryMaxMs: config.retryMaxMs,
    txTimeoutMs: config.txTimeoutMs,
    log,
  });
  const onBundle = () => void service.tick();
  seq.on('bundle', onBundle);
  service.start();
  log.info(
    { rpcUrl: config.rpcUrl, evmChainId: config.evmChainId, account: connection.wallet.address },
    'anchoring started',
  );
  return {
    service,
    account: connection.wallet.address,
    stop: async () => {
      seq.off('bundle', onBundle);
      await service.stop();
      connection.provider.destroy();
    },
  };
}
