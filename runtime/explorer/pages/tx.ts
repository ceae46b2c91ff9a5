/**
 * One transaction: its status, receipt and bundle, what it does, and its checks (the hash
 * recomputed from its signed bytes, the ML-DSA-87 signature with the sender's KeyLedger key).
 * @module
 */
import { getJson, type SignedTxView } from '../api';
import { fields, h, link, markWithReason, section, short } from '../dom';
import { trimAmount } from '../format';
import { checkedKeys } from '../state';
import { checkTx } from '../verify';
import type { Page } from './page';

export const txPage: Page = {
  title: 'Transaction',
  live: false,
  async render(root, isCurrent, params) {
    const hash = String(params[0] ?? '');
    const view = await getJson<SignedTxView>(`v1/tx/${hash}/signed`);
    const keys = await checkedKeys();
    const { verdict } = checkTx(view.tx, hash, keys);
    if (!isCurrent()) return;
    const tx = view.tx;
    root.replaceChildren(
      h('h1', {}, 'Transaction'),
      fields([
        ['hash', h('code', { class: 'wrap' }, hash)],
        ['check', markWithReason(verdict, `tx-${hash}`)],
        ['status', h('strong', { 'data-field': 'tx-status' }, view.status)],
        [
          'bundle',
          view.height === undefined
            ? '—'
            : link(`bundle/${view.height}`, `${view.height} (position ${view.index ?? '?'})`),
        ],
        [
          'receipt',
          view.receipt === undefined
            ? view.status === 'rejected'
              ? h(
                  'span',
                  { class: 'bad-text' },
                  `rejected: ${view.code ?? ''} ${view.reason ?? ''}`,
                )
              : '—'
            : view.receipt.status === 'ok'
              ? 'ok'
              : h(
                  'span',
                  { class: 'bad-text' },
                  `failed: ${view.receipt.code ?? ''} ${view.receipt.reason ?? ''}`,
                ),
        ],
        ['fee', view.receipt?.fee === undefined ? '—' : `${trimAmount(view.receipt.fee)} FLX`],
        ['from', link(`account/${String(tx.from)}`, String(tx.from))],
        ['nonce', String(tx.nonce)],
        ['chain', String(tx.chainId)],
        ['signature', short(String(tx.signature), 16)],
      ]),
      section('What it does', bodyFields(tx.body as Record<string, unknown>)),
    );
  },
};

function bodyFields(body: Record<string, unknown>): HTMLElement {
  switch (body.type) {
    case 'transfer':
      return fields([
        ['type', 'transfer'],
        [
          'amount',
          h(
            'strong',
            { 'data-field': 'amount' },
            `${trimAmount(String(body.amount))} ${String(body.token)}`,
          ),
        ],
        ['to', link(`account/${String(body.to)}`, String(body.to))],
      ]);
    case 'action':
      return fields([
        ['type', 'action'],
        ['kind', String(body.kind)],
        ['units', String(body.units)],
        ['ref', String(body.ref)],
      ]);
    default:
      return h('pre', {}, JSON.stringify(body, null, 2));
  }
}

/** One line saying what a transaction does, for lists. */
export function txSummary(tx: Record<string, unknown>): string {
  const body = (tx.body ?? {}) as Record<string, unknown>;
  switch (body.type) {
    case 'transfer':
      return `transfer ${trimAmount(String(body.amount))} ${String(body.token)} → ${String(body.to).slice(0, 10)}…`;
    case 'action':
      return `action ${String(body.kind)} × ${String(body.units)}`;
    case 'key':
      return `key ${String((body.event as { type?: string } | undefined)?.type ?? '')}`;
    case 'guidance':
      return 'oracle guidance';
    default:
      return String(body.type);
  }
}
