/**
 * `npm run plot:scale -- FILE [OUT_DIR]`: renders the JSON lines of `npm run bench:scale` into SVG
 * charts (Vega-Lite, rendered by Vega without a browser) in OUT_DIR (default docs/performance/).
 * Plain ESM because Vega is ESM with top-level await, which CommonJS (ts-node here) cannot require.
 */
import fs from 'node:fs';
import path from 'node:path';
import * as vega from 'vega';
import * as vl from 'vega-lite';

const [file = 'docs/performance/scale-full.jsonl', outDir = 'docs/performance'] = process.argv.slice(2);
const records = fs
  .readFileSync(file, 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line));
const machine = records.find((r) => r.series === 'machine') ?? {};
const of = (series) => records.filter((r) => r.series === series);
const subtitle = `${machine.preset ?? ''} preset, ${machine.date ?? ''}, ${machine.cores ?? '?'} vCPUs (${machine.cpus ?? ''}), Node ${machine.node ?? ''}`;

/** One chart: `fields` (name → label) of `rows` against `x`, as lines with points. */
function lines(title, rows, x, xTitle, fields, yTitle, { logX = true, logY = false } = {}) {
  const values = rows.flatMap((r) =>
    Object.entries(fields).map(([field, label]) => ({ x: r[x], y: r[field], measure: label })),
  );
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: title, subtitle },
    width: 520,
    height: 260,
    data: { values },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'x', type: 'quantitative', title: xTitle, scale: logX ? { type: 'log' } : {} },
      y: { field: 'y', type: 'quantitative', title: yTitle, scale: logY ? { type: 'log' } : {} },
      color: {
        field: 'measure',
        type: 'nominal',
        title: null,
        legend: { orient: 'bottom', labelLimit: 0, columns: 1 },
      },
    },
  };
}

const charts = {
  'senders-tps': lines(
    'Throughput over HTTP as distinct senders grow (one transaction per request)',
    of('senders'),
    'senders',
    'distinct active senders',
    { tps: 'committed transactions per second' },
    'TPS',
  ),
  'senders-latency': lines(
    'Acknowledgement to commit',
    of('senders'),
    'senders',
    'distinct active senders',
    { p50ms: 'p50', p99ms: 'p99' },
    'ms',
  ),
  'senders-cache': lines(
    'Verifier key-cache hit rate (256 expanded keys per thread)',
    of('senders'),
    'senders',
    'distinct active senders',
    { cacheHitRate: 'hit rate' },
    'share of verifications',
  ),
  'senders-cpu': lines(
    'CPU per transaction by thread, in units of one cached verification',
    of('senders').map((r) => ({
      ...r,
      main: r.mainCpuMsPerTx / machine.verifyHitMs,
      verify: r.verifyCpuMsPerTx / machine.verifyHitMs,
      other: r.otherCpuMsPerTx / machine.verifyHitMs,
    })),
    'senders',
    'distinct active senders',
    { main: 'main thread', verify: 'verification threads', other: 'other threads (V8, libuv, signing)' },
    'verifications per transaction',
  ),
  'accounts-bundle': lines(
    'Per-bundle cost as accounts in state grow',
    of('accounts'),
    'accounts',
    'accounts in state',
    {
      bundleExecuteMs: 'engine (executeBundle)',
      bundleCommitMs: 'SQLite commit',
      stateRootUpdateMs: 'state-root update (1,060 accounts)',
    },
    'ms per bundle',
  ),
  'accounts-memory': lines(
    'Memory and store as accounts grow',
    of('accounts'),
    'accounts',
    'accounts in state',
    { rssMb: 'RSS (MiB)', heapMb: 'JS heap (MiB)', storeMb: 'store on disk (MiB)' },
    'MiB',
  ),
  'height-verify': lines(
    'Verification and reopening as the ledger grows',
    of('height'),
    'txs',
    'transactions in the ledger',
    { verifyTxsPerSecond: 'qfs verify / replay (tx/s)' },
    'transactions per second',
  ),
  'height-reopen': lines(
    'Reopening the node and serving the far end',
    of('height'),
    'txs',
    'transactions in the ledger',
    {
      reopenSeconds: 'reopen (s)',
      serveOldestTxMs: 'GET oldest tx (ms)',
      serveOldestBundleMs: 'GET bundle 0 (ms)',
    },
    's or ms',
  ),
  'anchoring-gas': lines(
    'Gas to anchor one epoch as its changed balances grow',
    of('anchoring'),
    'changedBalances',
    'balances changed in the epoch',
    { gasPerEpoch: 'gas per epoch' },
    'gas',
  ),
  'anchoring-time': lines(
    'Time from commit to anchored, and transactions per epoch',
    of('anchoring'),
    'changedBalances',
    'balances changed in the epoch',
    { anchorSeconds: 'seconds to anchor', chunksPerEpoch: 'balance chunks (transactions)' },
    'seconds or chunks',
  ),
};

fs.mkdirSync(outDir, { recursive: true });
for (const [name, spec] of Object.entries(charts)) {
  if (spec.data.values.length === 0) continue;
  const view = new vega.View(vega.parse(vl.compile(spec).spec), { renderer: 'none' });
  fs.writeFileSync(path.join(outDir, `${name}.svg`), await view.toSVG());
  process.stdout.write(`wrote ${path.join(outDir, `${name}.svg`)}\n`);
}
