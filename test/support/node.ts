/**
 * A sequencer on a real SQLite store in a temporary directory, with a fixed clock and counter
 * entropy, for node tests.
 * @module
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { canonicalString } from '../../runtime/codec';
import { loadGenesis } from '../../runtime/engine';
import { counterEntropy, fixedClock } from '../../runtime/node/clock';
import { Sequencer, type NodeLimits } from '../../runtime/node/sequencer';
import { NodeStore } from '../../runtime/node/store';
import { GENESIS_TIME, keys, testGenesis } from './engine';

export const silentLog = { info: () => undefined, warn: () => undefined, error: () => undefined };

export function tempDir(prefix = 'qfs-node-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Creates a store with a test genesis (as `qfs init` does) and returns its path. */
export function initStore(dir: string, users = 3): string {
  const file = path.join(dir, 'qfs.db');
  const store = NodeStore.open(file);
  const genesis = testGenesis(users);
  store.setMeta('genesis', canonicalString(genesis));
  const { keyGenesis } = loadGenesis(genesis);
  store.insertKeyEntry(0, canonicalString(keyGenesis), keyGenesis.entryHash);
  store.close();
  return file;
}

export async function openSequencer(
  file: string,
  limits: Partial<NodeLimits> = {},
): Promise<Sequencer> {
  return Sequencer.open({
    store: NodeStore.open(file),
    key: keys.sequencer,
    clock: fixedClock(GENESIS_TIME + 1000n, 10n),
    entropy: counterEntropy(),
    limits: { bundleIntervalMs: 0, ackBatchDelayMs: 0, ...limits },
    log: silentLog,
  });
}
