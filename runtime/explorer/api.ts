/**
 * Reading the node's API from the page: relative URLs (the explorer is served by the node it
 * reads), a timeout on every request, and the `{error: {code, message, details}}` envelope turned
 * into an error the pages show.
 * @module
 */

/** How long one API request may take before the page gives up on it. */
export const API_TIMEOUT_MS = 15_000;

/** A failed API request: the node's error code and message, or a network failure. */
export class ApiRequestError extends Error {
  override readonly name = 'Explorer.ApiRequestError';
  constructor(
    readonly path: string,
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(`${path}: ${code}: ${message}`);
  }
}

/** GETs `path` (relative to the node) and parses its JSON answer. */
export async function getJson<T>(path: string): Promise<T> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), API_TIMEOUT_MS);
  let response: Response;
  try {
    response = await fetch(path, {
      signal: controller.signal,
      headers: { accept: 'application/json' },
    });
  } catch (err) {
    throw new ApiRequestError(path, 0, 'UNREACHABLE', String(err));
  } finally {
    clearTimeout(timer);
  }
  const body = (await response.json().catch(() => null)) as unknown;
  if (!response.ok) {
    const error = (body as { error?: { code?: string; message?: string } } | null)?.error;
    throw new ApiRequestError(
      path,
      response.status,
      error?.code ?? `HTTP_${response.status}`,
      error?.message ?? '',
    );
  }
  return body as T;
}

/** True when `err` is the node answering 404 NOT_FOUND. */
export function isNotFound(err: unknown): boolean {
  return err instanceof ApiRequestError && err.status === 404;
}

export type Amounts = Record<'CHR' | 'FLX' | 'PSI' | 'ATR' | 'RES', string>;

export type StatusView = {
  chainId: string;
  version: string;
  height: number | null;
  nextHeight: number;
  stateRoot: string;
  headHash: string | null;
  lastSealHash: string | null;
  halted: { cir: number; reason: string; height: number; evidence?: Record<string, string> } | null;
  mempoolDepth: number;
  /** HolonetSync (null on a node without it). */
  sync?: SyncStatusView | null;
  anchoring: {
    anchoredHeight?: number | null;
    lag?: number;
    lastError?: string | null;
    onChain?: { certificateHeight?: number | null; [key: string]: unknown } | null;
    [key: string]: unknown;
  } | null;
};

export type SyncStatusView = {
  role: 'sequencer' | 'replica';
  confirmedHeight: number;
  quorum?: number | null;
  members?: number;
  replicas?: {
    address: string;
    attestedHeight: number;
    lagHeights: number;
    lagSeconds: number | null;
  }[];
  address?: string;
  follow?: string;
  cosignedHeight?: number;
  lagHeights?: number;
};

export type BundleView = {
  height: number;
  packetHash: string;
  bundleHash: string;
  opLogHash: string;
  stateRoot: string;
  txCount: number;
  packet: Record<string, unknown>;
  txHashes: string[];
  metrics: Record<string, string | boolean>;
  rewards: { requested: Amounts; granted: Amounts; clips: Record<string, string>[] };
  allocations: { address: string; token: string; amount: string }[];
  toTreasury: Amounts;
  fees: string;
  dissonance: Record<string, string>[];
  opLogEntryCount: number;
  coherenceEntry: Record<string, unknown>;
  seal: Record<string, unknown>;
  sealHash: string;
};

export type ReceiptView = { status: 'ok' | 'failed'; code?: string; reason?: string; fee?: string };

export type BundleTx = {
  txHash: string;
  index: number;
  tx: Record<string, unknown>;
  receipt: ReceiptView;
};

export type SignedTxView = {
  txHash: string;
  status: 'pending' | 'committed' | 'rejected';
  height?: number;
  index?: number;
  receipt?: ReceiptView;
  code?: string;
  reason?: string;
  tx: Record<string, unknown>;
};

export type AccountView = {
  address: string;
  height: number;
  balances: Amounts;
  nonce: string;
  nextNonce: string;
  key: {
    status: string;
    capabilities: string[];
    registeredAt: string;
    changedAt: string;
    rotatedFrom: string | null;
    rotatedTo: string | null;
  } | null;
};

export type ChainInfo = {
  rpcUrl: string | null;
  evmChainId: number;
  token: string;
  anchor: string;
  registry: string;
  epochLength: number;
  note: string | null;
} | null;

export type HaltsView = {
  records: {
    id: number;
    kind: 'halt' | 'resume';
    atHeight: number;
    record: Record<string, unknown>;
  }[];
  dissonance: { height: number; events: Record<string, string>[] }[];
};

/** Every committed transaction of a bundle, page by page (bounded by the bundle's count). */
export async function bundleTxs(height: number, txCount: number): Promise<BundleTx[]> {
  const out: BundleTx[] = [];
  while (out.length < txCount) {
    const page = await getJson<{ txs: BundleTx[] }>(
      `v1/bundles/${height}/txs?offset=${out.length}&limit=256`,
    );
    if (page.txs.length === 0) break;
    out.push(...page.txs);
  }
  return out;
}

/** Every KeyLedger entry, page by page. */
export async function keyEntries(): Promise<unknown[]> {
  const out: unknown[] = [];
  for (let pages = 0; pages < 10_000; pages++) {
    const page = await getJson<{ entryCount: number; entries: unknown[] }>(
      `v1/keyledger/entries?offset=${out.length}&limit=512`,
    );
    out.push(...page.entries);
    if (page.entries.length === 0 || out.length >= page.entryCount) break;
  }
  return out;
}
