/**
 * Anchoring beside a running node: runs the {@link AnchorService} on the node's store with the
 * anchoring key's connection, woken by every committed bundle. `qfs start` and the devnet both start anchoring here, so a node anchors the same way
 * whichever command started it. Connecting makes no request to the RPC: an unreachable chain shows
 * up as the service's last error, never as a node that does not start.
 * @module
 */
import type { ConfirmationSource, Logger, RunningNode } from '../node';
import { AnchorService } from './anchor-service';
import type { ChainConfig } from './config';
import type { ChainConnection } from './connect';

/** What anchoring needs of a running node: its store, and its 'bundle' event to wake up on. */
export type AnchoringNode = Pick<RunningNode, 'sequencer'>;

export type Anchoring = {
  readonly service: AnchorService;
  readonly account: string;
  stop(): Promise<void>;
};

/**
 * Starts anchoring `node` to the chain of `config`, signing with `connection`'s key (connect first,
 * with `connectChain`, before the node starts: a missing or undecryptable key is a configuration
 * error that should stop `qfs start`, not a node left running without anchoring).
 */
export function startAnchoring(
  node: AnchoringNode,
  config: ChainConfig,
  connection: ChainConnection,
  log: Logger,
  certificates?: ConfirmationSource,
): Anchoring {
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
    ...(certificates === undefined ? {} : { certificates }),
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
