/**
 * Start-up, part two: the same verification as `qfs verify` (runtime/node/verify) over everything
 * the node serves and builds on. A ledger of at most `verifySyncTxsMax` committed transactions is
 * verified before the node serves; a larger one in the background, bundle by bundle between the
 * node's own work, up to the head it had when it started. Either way the first difference
 * quarantines the node (CIR-412) with the table, row and column as evidence. (Part one, the head
 * state the node builds on, is checked synchronously by state-loader.ts before this runs.)
 * @module
 */
import type { VerifyPool } from '../crypto';
import type { HaltEvidence } from '../guard';
import type { OperatorRecord } from './records';
import type { Logger } from './sequencer';
import type { NodeStore } from './store';
import { differenceEvidence, formatDifference, verifyStore, type VerifyResult } from './verify';

/** The running verification: `done` settles when it ends; `stop` ends a background pass early. */
export type StartupVerification = {
  readonly mode: 'skipped' | 'sync' | 'background';
  readonly done: Promise<VerifyResult | null>;
  stop(): Promise<void>;
};

export type StartupVerifyOptions = {
  /** The node whose store is verified and which quarantines on a difference (sequencer or replica). */
  readonly sequencer: {
    readonly store: NodeStore;
    readonly halted: OperatorRecord | null;
    halt(cir: number, reason: string, evidence: HaltEvidence): unknown;
  };
  readonly pool: VerifyPool;
  /** Verify before serving up to this many committed transactions; in the background above. */
  readonly syncTxsMax: number;
  readonly log: Logger;
};

/**
 * Runs the start-up verification. Resolves when the node may serve: after the verification for a
 * small ledger, at once for a large one (its pass continues in the background).
 */
export async function startVerification(
  options: StartupVerifyOptions,
): Promise<StartupVerification> {
  const { sequencer, pool, log } = options;
  const store = sequencer.store;
  if (sequencer.halted?.cir === 412) return skipped(); // quarantined at load: nothing to build on
  const count = Number(
    store.readRows("SELECT COUNT(*) AS n FROM txs WHERE status = 'committed'")[0]?.n ?? 0,
  );
  const head = store.headHeight();
  const judge = (result: VerifyResult): VerifyResult => {
    const d = result.difference;
    if (d !== null) {
      log.error({ difference: formatDifference(d) }, 'ledger verification failed');
      sequencer.halt(412, 'the stored ledger differs from its signed data', differenceEvidence(d));
    } else if (!result.stopped) {
      log.info({ height: result.height, txs: result.txs }, 'ledger verified');
    }
    return result;
  };
  if (count <= options.syncTxsMax) {
    const result = judge(await verifyStore(store, { pool, to: head }));
    return { mode: 'sync', done: Promise.resolve(result), stop: async () => undefined };
  }
  let stopping = false;
  log.info({ height: head, txs: count }, 'verifying the ledger in the background');
  const done = verifyStore(store, {
    pool,
    to: head,
    live: { shouldStop: () => stopping },
  }).then(judge, (err: unknown) => {
    log.error({ err }, 'background verification failed');
    return null;
  });
  return {
    mode: 'background',
    done,
    stop: async () => {
      stopping = true;
      await done;
    },
  };
}

function skipped(): StartupVerification {
  return { mode: 'skipped', done: Promise.resolve(null), stop: async () => undefined };
}
