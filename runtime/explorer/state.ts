/**
 * What the page has loaded and checked so far: the node's status, the checked KeyLedger, the
 * bundles with their header checks (each against its loaded predecessor, so a window of bundles is
 * checked link by link as it loads), the chain the node anchors to, and the anchoring lag sampled
 * at each status poll. Bounded: at most {@link BUNDLES_KEPT_MAX} bundles and
 * {@link LAG_SAMPLES_MAX} samples are kept.
 * @module
 */
import { getJson, keyEntries, type BundleView, type ChainInfo, type StatusView } from './api';
import {
  checkBundleHeader,
  checkKeyLedger,
  type HeaderChecks,
  type KeyLedgerCheck,
  type Predecessor,
} from './verify';

/** Bundles kept in memory (the newest ones; older ones are fetched again when visited). */
export const BUNDLES_KEPT_MAX = 200;
/** Bundles the status and list pages load and chart. */
export const RECENT_BUNDLES = 30;
/** Anchoring-lag samples kept (one per status poll). */
export const LAG_SAMPLES_MAX = 300;

export type LoadedBundle = { readonly view: BundleView; readonly header: HeaderChecks };

export type LagSample = {
  readonly atMs: number;
  readonly height: number;
  readonly lag: number | null;
};

const bundles = new Map<number, LoadedBundle>();
const lagSamples: LagSample[] = [];
let keys: { count: number; check: KeyLedgerCheck } | null = null;
let chain: ChainInfo | undefined;
let quorumParameter: bigint | undefined;
let lastStatus: StatusView | null = null;

export function latestStatus(): StatusView | null {
  return lastStatus;
}

/** Polls the status and records an anchoring-lag sample. */
export async function refreshStatus(): Promise<StatusView> {
  const status = await getJson<StatusView>('v1/status');
  lastStatus = status;
  const lag = typeof status.anchoring?.lag === 'number' ? status.anchoring.lag : null;
  lagSamples.push({ atMs: Date.now(), height: status.height ?? -1, lag });
  if (lagSamples.length > LAG_SAMPLES_MAX)
    lagSamples.splice(0, lagSamples.length - LAG_SAMPLES_MAX);
  return status;
}

export function anchoringLag(): readonly LagSample[] {
  return lagSamples;
}

/** The checked KeyLedger, fetched again when its entry count changed. */
export async function checkedKeys(): Promise<KeyLedgerCheck> {
  const { entryCount } = await getJson<{ entryCount: number }>('v1/keyledger/entries?limit=1');
  if (keys === null || keys.count !== entryCount) {
    const entries = await keyEntries();
    keys = { count: entries.length, check: checkKeyLedger(entries) };
  }
  return keys.check;
}

/** The genesis `replicaQuorum` (0: a majority), read once from the genesis the node serves. */
export async function replicaQuorumParameter(): Promise<bigint> {
  if (quorumParameter === undefined) {
    const served = await getJson<{ genesis: { params?: { replicaQuorum?: string } } }>(
      'v1/sync/genesis',
    );
    const text = served.genesis.params?.replicaQuorum ?? '0';
    quorumParameter = /^[0-9]{1,4}$/.test(text) ? BigInt(text) : 0n;
  }
  return quorumParameter;
}

/** The chain the node anchors to (null: none), asked once. */
export async function chainInfo(): Promise<ChainInfo> {
  chain ??= await getJson<ChainInfo>('v1/explorer/chain');
  return chain;
}

export function loadedBundle(height: number): LoadedBundle | undefined {
  return bundles.get(height);
}

/** Loaded bundles in ascending height. */
export function loadedBundles(): LoadedBundle[] {
  return [...bundles.values()].sort((a, b) => a.view.height - b.view.height);
}

function predecessorOf(height: number): Predecessor {
  if (height === 0) return { kind: 'genesis' };
  const previous = bundles.get(height - 1);
  if (previous === undefined) return { kind: 'unknown' };
  return {
    kind: 'bundle',
    packet: previous.header.parsedPacket,
    entry: previous.header.parsedEntry,
  };
}

/** Fetches and checks one bundle (against its predecessor when that is loaded). */
export async function loadBundle(height: number, keyCheck: KeyLedgerCheck): Promise<LoadedBundle> {
  const known = bundles.get(height);
  if (known !== undefined) return known;
  const view = await getJson<BundleView>(`v1/bundles/${height}`);
  const loaded = { view, header: checkBundleHeader(view, predecessorOf(height), keyCheck) };
  bundles.set(height, loaded);
  // A successor loaded before its predecessor is checked again, now with its link.
  const next = bundles.get(height + 1);
  if (next !== undefined && next.header.link.state === 'unchecked')
    bundles.set(height + 1, {
      view: next.view,
      header: checkBundleHeader(next.view, predecessorOf(height + 1), keyCheck),
    });
  while (bundles.size > BUNDLES_KEPT_MAX) bundles.delete(Math.min(...bundles.keys()));
  return loaded;
}

/**
 * Loads the newest bundles up to `head`, oldest first, so each is checked against the one before;
 * `onEach` runs after each (the list grows and its marks appear as the chain is checked).
 */
export async function loadRecent(
  head: number,
  keyCheck: KeyLedgerCheck,
  onEach: () => void,
): Promise<void> {
  const from = Math.max(0, head - RECENT_BUNDLES + 1);
  for (let height = from; height <= head; height++) {
    if (bundles.has(height)) continue;
    await loadBundle(height, keyCheck);
    onEach();
    // Let the page paint between signature checks.
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
}
