/**
 * The KeyLedger: its genesis hash (the trust anchor of every check on this site: compare it with
 * the one your operator published), every entry checked in order, the keys it defines, and the
 * latest KeyLedger seal checked against the entries.
 * @module
 */
import { keyLedgerView, type KeyLedgerView } from '../../ledger';
import { getJson, isNotFound } from '../api';
import {
  fields,
  h,
  link,
  mark,
  markWithReason,
  section,
  short,
  table,
  unchecked,
  type Verdict,
} from '../dom';
import { utc } from '../format';
import { checkedKeys } from '../state';
import { checkKeySeal } from '../verify';
import type { Page } from './page';

export const keyLedgerPage: Page = {
  title: 'KeyLedger',
  live: false,
  async render(root, isCurrent) {
    const keys = await checkedKeys();
    const seal = await getJson<{ height: number; seal: Record<string, unknown>; sealHash: string }>(
      'v1/keyledger/seal',
    ).catch((err: unknown) => {
      if (isNotFound(err)) return null;
      throw err;
    });
    const sealVerdict: Verdict =
      seal === null
        ? unchecked('KeyLedger seal', 'no KeyLedger seal yet (no bundle carried a key event)')
        : checkKeySeal(seal.seal, keys);
    if (!isCurrent()) return;
    const genesis = keys.entries[0];
    const view = keyLedgerView(keys.final);
    root.replaceChildren(
      h('h1', {}, 'KeyLedger'),
      fields([
        [
          'genesis entry hash',
          genesis === undefined
            ? '—'
            : h('code', { class: 'wrap', 'data-field': 'genesis' }, String(genesis.json.entryHash)),
        ],
        ['entries', String(keys.entries.length)],
        ['head hash', short(keys.final.headHash, 16)],
        [
          'latest seal',
          seal === null
            ? markWithReason(sealVerdict, 'key-seal')
            : h(
                'span',
                {},
                `written by bundle ${seal.height}, sealing entry ${String(seal.seal.height)}: `,
                markWithReason(sealVerdict, 'key-seal'),
              ),
        ],
      ]),
      h(
        'p',
        { class: 'note' },
        'Every check on this site starts from this KeyLedger: its entries are replayed here with the runtime’s rules (links, hashes, ML-DSA-87 signatures, lifecycle), and the keys they define verify packets, seals and transactions. Compare the genesis hash with the one your operator published.',
      ),
      entriesSection(keys),
      keysSection(view),
    );
  },
};

type CheckedKeys = Awaited<ReturnType<typeof checkedKeys>>;

/** Every KeyLedger entry with its check. */
function entriesSection(keys: CheckedKeys): HTMLElement {
  return section(
    'Entries',
    table(
      ['entry', 'event', 'key', 'time (UTC)', 'signatures', 'entry hash', 'check'],
      keys.entries.map((e, i) => {
        const data = (e.json.data ?? {}) as Record<string, unknown>;
        const keyId =
          typeof data.keyId === 'string'
            ? link(`account/${data.keyId}`, `${data.keyId.slice(0, 12)}…`)
            : e.json.type === 'genesis'
              ? `${(data.keys as unknown[] | undefined)?.length ?? 0} keys`
              : '';
        return [
          String(i),
          String(e.json.type),
          keyId,
          utc(String(e.json.timestamp)),
          String((e.json.signatures as unknown[] | undefined)?.length ?? 0),
          short(String(e.json.entryHash)),
          mark(e.verdict, `key-entry-${i}`),
        ];
      }),
    ),
  );
}

/** The keys the replayed entries define, with their status and capabilities. */
function keysSection(view: KeyLedgerView): HTMLElement {
  return section(
    'Keys',
    table(
      ['address', 'status', 'capabilities', 'registered at'],
      view
        .listKeys()
        .map((k) => [
          link(`account/${k.keyId}`, k.keyId),
          k.status,
          k.capabilities.join(', ') || '—',
          `entry ${k.registeredAt}`,
        ]),
    ),
  );
}
