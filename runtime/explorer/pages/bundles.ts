/**
 * The live list of the newest bundles, each with its checks: packet, ledger entry, seal, and the
 * link to the bundle before (the oldest one listed has no loaded predecessor, so its link is
 * "not checked"). Rows appear as the chain is checked, oldest first.
 * @module
 */
import { h, link, mark, table, type Verdict } from '../dom';
import { trimAmount, utc } from '../format';
import {
  checkedKeys,
  loadedBundles,
  loadRecent,
  refreshStatus,
  RECENT_BUNDLES,
  type LoadedBundle,
} from '../state';
import type { Page } from './page';

export const bundlesPage: Page = {
  title: 'Bundles',
  live: true,
  async render(root, isCurrent) {
    const status = await refreshStatus();
    const keys = await checkedKeys();
    const draw = () => {
      if (!isCurrent()) return;
      const head = status.height ?? -1;
      const rows = loadedBundles()
        .filter((b) => b.view.height > head - RECENT_BUNDLES)
        .reverse();
      root.replaceChildren(
        h('h1', {}, 'Bundles'),
        h(
          'p',
          {},
          `Newest ${Math.min(RECENT_BUNDLES, head + 1)} of ${head + 1}. Each is checked in this browser: the DRV packet's hash and ML-DSA-87 signature, the ledger entry's hash, the seal's signature and hash, and the links to the bundle before.`,
        ),
        table(
          ['height', 'time (UTC)', 'txs', 'packet', 'entry', 'seal', 'link', 'C_holo', 'fees'],
          rows.map(row),
        ),
        problems(rows),
      );
    };
    draw();
    if (status.height !== null) await loadRecent(status.height, keys, draw);
    draw();
  },
};

/** Every check that did not verify, in words. */
function problems(rows: readonly LoadedBundle[]): HTMLElement {
  const lines = rows.flatMap((b) =>
    (['packet', 'entry', 'seal', 'link'] as const)
      .map((kind) => b.header[kind])
      .filter((v): v is Exclude<Verdict, { state: 'verified' }> => v.state === 'invalid')
      .map((v) => h('li', {}, `bundle ${b.view.height}, ${v.what}: ${v.reason}`)),
  );
  return lines.length === 0
    ? h('div')
    : h('ul', { class: 'bad-text', 'data-field': 'problems' }, ...lines);
}

function row(b: LoadedBundle): (Node | string)[] {
  const { view, header } = b;
  const height = view.height;
  return [
    link(`bundle/${height}`, String(height)),
    utc(String(view.packet.ttsTimestamp)),
    String(view.txCount),
    mark(header.packet, `packet-${height}`),
    mark(header.entry, `entry-${height}`),
    mark(header.seal, `seal-${height}`),
    mark(header.link, `link-${height}`),
    trimAmount(String(view.metrics.cHolo)),
    trimAmount(view.fees),
  ];
}
