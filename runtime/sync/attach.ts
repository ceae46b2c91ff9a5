/**
 * HolonetSync on a running sequencer: the hub (stream to replicas, attestations, certificates,
 * clock reconciliation) started as the node's extension, with its store beside the node's
 * (D/sync.db), its routes on the node's API and its metrics in the node's registry. `qfs start`
 * and the devnet attach it; the node itself does not import runtime/sync (the folders' arrows
 * point one way: sync uses node).
 * @module
 */
import { paths, type ConfirmationSource, type ExtensionContext, type NodeExtension } from '../node';
import { epochCertificates, evidenceHashes } from './anchoring';
import { SyncHub } from './hub';
import { registerHubMetrics } from './metrics';
import { syncRoutes } from './routes';
import { SyncStore } from './sync-store';

export type AttachedSync = {
  /** For `startNode({extend})`. */
  readonly extend: (node: ExtensionContext) => NodeExtension;
  /** The hub, once the node has started it. */
  hub(): SyncHub;
  /** Certificates and evidence for the anchoring service, once the node has started. */
  confirmations(): ConfirmationSource;
};

/** A HolonetSync hub to attach to the next node started with `extend`. */
export function holonetSync(): AttachedSync {
  let started: SyncHub | null = null;
  let store: SyncStore | null = null;
  return {
    extend(node) {
      const sync = SyncStore.open(paths(node.dir).sync);
      const hub = new SyncHub({
        sequencer: node.sequencer,
        sync,
        clock: node.clock,
        log: node.log,
        driftMaxMs: BigInt(node.config.syncDriftMaxMs),
        stream: { streamsMax: node.config.syncStreamsMax },
      });
      hub.start();
      started = hub;
      store = sync;
      return {
        routes: [
          syncRoutes({
            store: node.sequencer.store,
            sync,
            stream: hub.stream,
            receiveReport: (body) => hub.receiveReport(body),
          }),
        ],
        confirmation: (height) => hub.confirmation(height),
        syncStatus: () => hub.status(),
        metrics: (registry) => registerHubMetrics(registry, hub, () => sync.confirmedHeight()),
        stop() {
          hub.stop();
          sync.close();
        },
      };
    },
    hub() {
      if (started === null) throw new Error('the node with this HolonetSync hub has not started');
      return started;
    },
    confirmations() {
      if (store === null) throw new Error('the node with this HolonetSync hub has not started');
      return confirmationSource(store);
    },
  };
}

/** The sync store as the anchoring service reads it: certificate roots by range, evidence hashes. */
function confirmationSource(sync: SyncStore): ConfirmationSource {
  return {
    firstCertifiedHeight: () => sync.firstCertifiedHeight(),
    certificateRoot(from, to) {
      const range = epochCertificates(sync, from, to);
      return range.complete ? range.root : null;
    },
    evidenceHashes: () => evidenceHashes(sync),
  };
}
