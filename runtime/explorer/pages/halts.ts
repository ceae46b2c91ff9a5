/**
 * Halts and CIR records: the current halt state, the signed CIR-302/412 halt records and the
 * operators' resume records (each signature checked here), and the bundles that recorded CIR-511
 * dissonance between consecutive metrics.
 * @module
 */
import { getJson, type HaltsView } from '../api';
import { h, link, mark, section, table } from '../dom';
import { trimAmount, utc } from '../format';
import { checkedKeys, refreshStatus } from '../state';
import { checkHaltRecord } from '../verify';
import type { Page } from './page';

export const haltsPage: Page = {
  title: 'Halts',
  live: false,
  async render(root, isCurrent) {
    const status = await refreshStatus();
    const halts = await getJson<HaltsView>('v1/halts');
    const keys = await checkedKeys();
    if (!isCurrent()) return;
    root.replaceChildren(
      h('h1', {}, 'Halts and CIR records'),
      h(
        'p',
        { 'data-field': 'halt' },
        status.halted === null
          ? h('span', { class: 'ok-text' }, 'The sequencer is running.')
          : h(
              'span',
              { class: 'bad-text' },
              `HALTED: CIR-${status.halted.cir} at height ${status.halted.height}: ${status.halted.reason}`,
            ),
      ),
      section(
        'CIR-302 / CIR-412 halt and resume records',
        halts.records.length === 0
          ? h('p', { class: 'empty' }, 'none: this sequencer has never halted')
          : table(
              ['#', 'kind', 'CIR', 'height', 'time (UTC)', 'reason', 'evidence', 'signature'],
              halts.records.map((r) => [
                String(r.id),
                r.kind,
                String(r.record.cir),
                String(r.atHeight),
                utc(String(r.record.timestamp)),
                String(r.record.reason),
                h('pre', {}, JSON.stringify(r.record.evidence ?? {}, null, 1)),
                mark(checkHaltRecord(r.record, keys), `halt-${r.id}`),
              ]),
            ),
      ),
      section(
        'CIR-511 dissonance',
        halts.dissonance.length === 0
          ? h(
              'p',
              { class: 'empty' },
              'none: no bundle recorded dissonance between consecutive metrics',
            )
          : table(
              ['bundle', 'metric', 'previous', 'current', 'deviation', 'threshold'],
              halts.dissonance.flatMap((d) =>
                d.events.map((e) => [
                  link(`bundle/${d.height}`, String(d.height)),
                  String(e.metric),
                  trimAmount(String(e.previous)),
                  trimAmount(String(e.current)),
                  trimAmount(String(e.deviation)),
                  trimAmount(String(e.threshold)),
                ]),
              ),
            ),
      ),
    );
  },
};
