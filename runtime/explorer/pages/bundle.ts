/**
 * One bundle: its checks (packet, ledger entry, seal, links, payload commitment, bundle hash, every
 * transaction), the packet with its entropy record, the transactions with their receipts, the
 * metrics, rewards, allocations and the seal.
 * @module
 */
import { bundleTxs, getJson, isNotFound, type BundleTx, type BundleView } from '../api';
import { fields, h, link, mark, markWithReason, section, short, table, type Verdict } from '../dom';
import { trimAmount, utc } from '../format';
import { checkedKeys, loadBundle, refreshStatus, replicaQuorumParameter } from '../state';
import { checkBundleBody, checkCertificate, type KeyLedgerCheck } from '../verify';
import type { Page } from './page';
import { txSummary } from './tx';

export const bundlePage: Page = {
  title: 'Bundle',
  live: false,
  async render(root, isCurrent, params) {
    const height = Number(params[0]);
    if (!Number.isSafeInteger(height) || height < 0)
      throw new Error(`not a height: ${params[0] ?? ''}`);
    const status = await refreshStatus();
    const keys = await checkedKeys();
    if (height > 0) await loadBundle(height - 1, keys).catch(() => undefined);
    const { view, header } = await loadBundle(height, keys);
    const txs = await bundleTxs(height, view.txCount);
    const body = checkBundleBody(view, txs, header, keys);
    const certificate = await certificateOf(view, keys);
    if (!isCurrent()) return;
    const txMarks = body.txs;
    const badTxs = txMarks.filter((v) => v.state !== 'verified').length;
    root.replaceChildren(
      h('h1', {}, `Bundle ${height}`),
      h(
        'p',
        { class: 'nav-row' },
        height > 0 ? link(`bundle/${height - 1}`, `← ${height - 1}`) : null,
        ' ',
        height < (status.height ?? height) ? link(`bundle/${height + 1}`, `${height + 1} →`) : null,
      ),
      section(
        'Checked in this browser',
        fields([
          ['DRV packet', markWithReason(header.packet, `packet-${height}`)],
          ['ledger entry', markWithReason(header.entry, `entry-${height}`)],
          ['seal', markWithReason(header.seal, `seal-${height}`)],
          ['links to bundle ' + String(height - 1), markWithReason(header.link, `link-${height}`)],
          ['payload commitment', markWithReason(body.payload, `payload-${height}`)],
          ['bundle hash', markWithReason(body.bundleHash, `bundle-hash-${height}`)],
          [
            'transactions',
            h(
              'span',
              { 'data-field': 'tx-summary' },
              `${txMarks.length - badTxs} of ${txMarks.length} verified`,
            ),
          ],
        ]),
        h(
          'p',
          { class: 'note' },
          'Metrics come from the op log, whose hash the seal covers; the browser does not re-execute the bundle (`qfs replay` does). Rewards, allocations and receipts are covered by the bundle hash checked above.',
        ),
      ),
      summary(view, certificate),
      packetSection(view),
      transactions(txs, txMarks),
      metrics(view),
      rewards(view),
      sealSection(view),
    );
  },
};

/** The bundle's certificate slot: checked here, or why there is none. */
async function certificateOf(view: BundleView, keys: KeyLedgerCheck): Promise<HTMLElement> {
  let json: { attestations?: { replica: string }[] };
  try {
    json = await getJson(`v1/bundles/${view.height}/certificate`);
  } catch (err) {
    if (!isNotFound(err)) throw err;
    return h(
      'span',
      { class: 'empty', 'data-slot': 'certificate' },
      '— not confirmed: no HolonetSync quorum certificate for this bundle (yet, or no replicas on the KeyLedger)',
    );
  }
  const verdict = checkCertificate(json, view, keys, await replicaQuorumParameter());
  return h(
    'span',
    { 'data-slot': 'certificate' },
    `${json.attestations?.length ?? 0} cosignatures `,
    markWithReason(verdict, `certificate-${view.height}`),
    h('br', {}),
    h('small', {}, (json.attestations ?? []).map((a) => `${a.replica.slice(0, 12)}…`).join(', ')),
  );
}

function summary(view: BundleView, certificate: HTMLElement): HTMLElement {
  return section(
    'Bundle',
    fields([
      ['height', String(view.height)],
      ['time (UTC)', utc(String(view.packet.ttsTimestamp))],
      ['transactions', String(view.txCount)],
      ['packet hash', short(view.packetHash, 16)],
      ['bundle hash', short(view.bundleHash, 16)],
      [
        'op-log hash',
        h('span', {}, short(view.opLogHash, 16), ` (${view.opLogEntryCount} recorded operations)`),
      ],
      ['state root', short(view.stateRoot, 16)],
      ['ledger entry hash', short(String(view.coherenceEntry.entryHash), 16)],
      ['seal hash', short(view.sealHash, 16)],
      ['certificate (replica cosignatures)', certificate],
    ]),
  );
}

function packetSection(view: BundleView): HTMLElement {
  const p = view.packet;
  return section(
    'DRV packet',
    fields([
      ['sequence', String(p.sequence)],
      ['ttsTimestamp', `${String(p.ttsTimestamp)} (${utc(String(p.ttsTimestamp))})`],
      ['seed', short(String(p.seed), 16)],
      ['previous packet', short(String(p.previousHash), 16)],
      ['payload hash', short(String(p.payloadHash), 16)],
      ['signer', link(`account/${String(p.signer)}`, String(p.signer))],
      ['signature', short(String(p.signature), 16)],
      ['metadata', h('pre', {}, JSON.stringify(p.metadata ?? {}, null, 2))],
    ]),
    h('h3', {}, 'Entropy record'),
    // Shown as recorded: its fields depend on the entropy source.
    h('pre', { 'data-field': 'entropy' }, JSON.stringify(p.entropy ?? null, null, 2)),
  );
}

function transactions(txs: readonly BundleTx[], marks: readonly Verdict[]): HTMLElement {
  return section(
    'Transactions and receipts',
    table(
      ['#', 'hash', 'from', 'what', 'receipt', 'fee', 'check'],
      txs.map((t, i) => [
        String(t.index),
        link(`tx/${t.txHash}`, `${t.txHash.slice(0, 12)}…`),
        link(`account/${String(t.tx.from)}`, `${String(t.tx.from).slice(0, 10)}…`),
        txSummary(t.tx),
        t.receipt.status === 'ok'
          ? 'ok'
          : h('span', { class: 'bad-text' }, `failed: ${t.receipt.code ?? ''}`),
        t.receipt.fee === undefined ? '' : trimAmount(t.receipt.fee),
        mark(marks[i] as Verdict, `tx-${t.txHash}`),
      ]),
    ),
  );
}

function metrics(view: BundleView): HTMLElement {
  const m = view.metrics;
  const names: [string, string][] = [
    ['C_holo', 'cHolo'],
    ['S_CHR', 'sChr'],
    ['S_FLX', 'sFlx'],
    ['S_Ψ', 'sPsi'],
    ['S_RES', 'sRes'],
    ['f_ATR', 'fAtr'],
    ['action cost', 'actionCost'],
    ['ATR coherent', 'atrCoherent'],
  ];
  return section(
    'Metrics (HSMF)',
    fields([
      ...names.map(([label, key]): [string, string] => [
        label,
        typeof m[key] === 'string' ? trimAmount(m[key] as string) : String(m[key]),
      ]),
      ['fees (FLX)', trimAmount(view.fees)],
    ]),
    view.dissonance.length === 0
      ? null
      : h(
          'p',
          { class: 'bad-text' },
          `CIR-511 dissonance: ${view.dissonance.map((d) => `${d.metric} ${d.previous} → ${d.current}`).join('; ')}`,
        ),
  );
}

function rewards(view: BundleView): HTMLElement {
  const tokens = Object.keys(view.rewards.granted);
  return section(
    'Rewards and allocations',
    table(
      ['token', 'requested', 'granted', 'to treasury'],
      tokens.map((t) => [
        t,
        trimAmount(view.rewards.requested[t as 'CHR']),
        trimAmount(view.rewards.granted[t as 'CHR']),
        trimAmount(view.toTreasury[t as 'CHR']),
      ]),
    ),
    view.rewards.clips.length === 0
      ? null
      : h(
          'p',
          {},
          `clipped: ${view.rewards.clips.map((c) => `${c.token} ${c.requested} → ${c.granted} (${c.reason})`).join('; ')}`,
        ),
    h('h3', {}, 'Allocations'),
    view.allocations.length === 0
      ? h('p', { class: 'empty' }, 'none (no action transactions)')
      : table(
          ['address', 'token', 'amount'],
          view.allocations.map((a) => [
            link(`account/${a.address}`, a.address),
            a.token,
            trimAmount(a.amount),
          ]),
        ),
  );
}

function sealSection(view: BundleView): HTMLElement {
  const s = view.seal;
  const e = view.coherenceEntry;
  return section(
    'Seal and ledger entry',
    fields([
      ['component', String(s.component)],
      ['signer', link(`account/${String(s.signer)}`, String(s.signer))],
      ['entry count', String(s.entryCount)],
      ['head hash', short(String(s.headHash), 16)],
      ['quantum metadata', h('pre', {}, JSON.stringify(s.quantumMetadata ?? {}, null, 2))],
      ['signature', short(String(s.signature), 16)],
      ['entry previous hash', short(String(e.previousHash), 16)],
      ['KeyLedger head', short(String(e.keyLedgerHead), 16)],
    ]),
  );
}
