/**
 * The status page: the node at a glance (height, head hash, mempool, halt state, anchoring lag),
 * the latest seal checked, HolonetSync's confirmed height and each replica's progress (as the node
 * reports them; each bundle's certificate is checked on its page), and charts over the newest
 * bundles.
 * @module
 */
import { chart } from '../charts';
import { fields, h, link, mark, section, short, table } from '../dom';
import type { SyncStatusView } from '../api';
import { plotValue, trimAmount } from '../format';
import {
  anchoringLag,
  checkedKeys,
  loadedBundle,
  loadedBundles,
  loadRecent,
  refreshStatus,
} from '../state';
import type { StatusView } from '../api';
import type { Page } from './page';

export const statusPage: Page = {
  title: 'Status',
  live: true,
  async render(root, isCurrent) {
    const status = await refreshStatus();
    const keys = await checkedKeys();
    if (status.height !== null) await loadRecent(status.height, keys, () => undefined);
    if (!isCurrent()) return;
    const latest = status.height === null ? undefined : loadedBundle(status.height);
    root.replaceChildren(
      h('h1', {}, 'Status'),
      fields(statusFields(status, latest)),
      h(
        'p',
        {},
        link('bundles', 'All recent bundles →'),
        ' ',
        link('keyledger', 'KeyLedger →'),
        ' ',
        link('halts', 'Halts and CIR records →'),
      ),
      charts(),
    );
  },
};

/** HolonetSync as the node reports it: confirmed height, quorum, each replica's lag. */
function replicas(sync: SyncStatusView | null): HTMLElement {
  if (sync === null)
    return h(
      'span',
      { class: 'empty', 'data-slot': 'replicas' },
      '— this node runs no HolonetSync',
    );
  if (sync.role === 'replica')
    return h(
      'span',
      { 'data-slot': 'replicas' },
      `a HolonetSync replica (${(sync.address ?? '').slice(0, 12)}…) following ${sync.follow ?? '?'}: cosigned to height ${sync.cosignedHeight ?? -1}, ${sync.lagHeights ?? 0} behind`,
    );
  const list = sync.replicas ?? [];
  if (list.length === 0)
    return h(
      'span',
      { class: 'empty', 'data-slot': 'replicas' },
      '— no HolonetSync replicas on the KeyLedger: bundles are committed, none is confirmed',
    );
  return h(
    'span',
    { 'data-slot': 'replicas' },
    h(
      'span',
      { 'data-field': 'confirmed' },
      `confirmed to height ${sync.confirmedHeight} (quorum ${sync.quorum ?? '?'} of ${list.length} replicas)`,
    ),
    table(
      ['replica', 'attested height', 'behind', 'lag'],
      list.map((r) => [
        link(`account/${r.address}`, `${r.address.slice(0, 12)}…`),
        String(r.attestedHeight),
        `${r.lagHeights} bundles`,
        r.lagSeconds === null ? '—' : `${r.lagSeconds.toFixed(1)} s`,
      ]),
    ),
  );
}

/** Metrics, fees and transactions per bundle over the loaded bundles; anchoring lag over time. */
function charts(): HTMLElement {
  const loaded = loadedBundles().slice(-60);
  const xs = loaded.map((b) => b.view.height);
  const metric = (key: string) => loaded.map((b) => plotValue(b.view.metrics[key]));
  const lag = anchoringLag().filter((s) => s.lag !== null);
  return section(
    'Charts',
    h(
      'div',
      { class: 'charts' },
      chart('C_holo', 'c-holo', xs, [{ label: 'C_holo', values: metric('cHolo') }]),
      chart('S_CHR, S_FLX, S_Ψ', 'signals', xs, [
        { label: 'S_CHR', values: metric('sChr') },
        { label: 'S_FLX', values: metric('sFlx') },
        { label: 'S_Ψ', values: metric('sPsi') },
      ]),
      chart('Fees (FLX)', 'fees', xs, [
        { label: 'fees', values: loaded.map((b) => plotValue(trimAmount(b.view.fees))) },
      ]),
      chart(
        'Committed transactions per bundle',
        'txs',
        xs,
        [{ label: 'transactions', values: loaded.map((b) => b.view.txCount) }],
        { bars: true },
      ),
      chart(
        'Anchoring lag (bundles), sampled while this page is open',
        'lag',
        lag.map((s) => s.atMs / 1000),
        [{ label: 'lag', values: lag.map((s) => s.lag) }],
        { time: true, xLabel: 'time', counts: true },
      ),
    ),
  );
}

type Latest = ReturnType<typeof loadedBundle>;

/** The rows of the status page: chain, heights, head, the latest seal verified, mempool, halt. */
function statusFields(status: StatusView, latest: Latest): [string, Node | string][] {
  return [
    ['chain', status.chainId],
    ['node version', status.version],
    [
      'height',
      h(
        'strong',
        { 'data-field': 'height' },
        status.height === null ? 'no bundle yet' : String(status.height),
      ),
    ],
    ['head hash', status.headHash === null ? '—' : short(status.headHash, 16)],
    ['state root', short(status.stateRoot, 16)],
    [
      'latest seal',
      latest === undefined
        ? '—'
        : h(
            'span',
            {},
            short(latest.view.sealHash, 16),
            ' ',
            mark(latest.header.seal, `seal-${latest.view.height}`),
          ),
    ],
    [
      'mempool',
      h('span', { 'data-field': 'mempool' }, `${status.mempoolDepth} transactions waiting`),
    ],
    [
      'halt state',
      status.halted === null
        ? h('span', { class: 'ok-text', 'data-field': 'halt' }, 'running')
        : h(
            'span',
            { class: 'bad-text', 'data-field': 'halt' },
            `HALTED: CIR-${status.halted.cir} at height ${status.halted.height}: ${status.halted.reason}`,
          ),
    ],
    ['anchoring', anchoringField(status.anchoring)],
    ['confirmations / replicas', replicas(status.sync ?? null)],
  ];
}

function anchoringField(anchor: StatusView['anchoring']): HTMLElement {
  if (anchor === null) return h('span', { 'data-field': 'anchoring' }, 'this node does not anchor');
  return h(
    'span',
    { 'data-field': 'anchoring' },
    `anchored to height ${anchor.anchoredHeight ?? 'none yet'}; lag ${anchor.lag ?? '?'} bundles`,
    typeof anchor.onChain?.certificateHeight === 'number'
      ? `; certificates to height ${anchor.onChain.certificateHeight}`
      : null,
    typeof anchor.lastError === 'string'
      ? h('span', { class: 'bad-text' }, ` (last error: ${anchor.lastError})`)
      : null,
  );
}
