/**
 * An account: five balances, nonce, KeyLedger status and history, and, when the node anchors to a
 * chain and publishes an RPC URL, the on-chain balances read here through ethers from the token
 * contract, next to the runtime's balances at the height those on-chain balances reflect, with an
 * equal/differs mark. ethers loads only when a chain is configured.
 * @module
 */
import { TOKEN_IDS, TOKENS } from '../../engine';
import { getJson, type AccountView, type Amounts, type ChainInfo } from '../api';
import { fields, h, link, mark, section, short, table } from '../dom';
import { trimAmount, utc } from '../format';
import { chainInfo, checkedKeys } from '../state';
import type { KeyLedgerCheck } from '../verify';
import type { Page } from './page';

/** The token contract's reads the page needs (ERC-1155 balances and the applied-balances head). */
const TOKEN_ABI = [
  'function balanceOfBatch(address[] accounts, uint256[] ids) view returns (uint256[])',
  'function balanceHead() view returns (tuple(uint64 nextEpoch, uint64 nextChunk, uint64 changesApplied, uint64 sealHeight, bytes32 sealHash))',
];
/** How long the on-chain reads may take. */
const CHAIN_TIMEOUT_MS = 10_000;

export const accountPage: Page = {
  title: 'Account',
  live: false,
  async render(root, isCurrent, params) {
    const account = await getJson<AccountView>(`v1/accounts/${String(params[0] ?? '')}`);
    const keys = await checkedKeys();
    const chain = await chainInfo();
    const onchain = await readOnChain(account.address, chain);
    if (!isCurrent()) return;
    root.replaceChildren(
      h('h1', {}, 'Account'),
      h('p', {}, h('code', { class: 'wrap', 'data-field': 'address' }, account.address)),
      balances(account, chain, onchain),
      keySection(account),
      history(account.address, keys),
    );
  },
};

type OnChain =
  | { readonly kind: 'none'; readonly why: string }
  | { readonly kind: 'error'; readonly why: string }
  | {
      readonly kind: 'read';
      readonly sealHeight: number | null;
      /** Chunks of the next epoch applied so far (> 0: its balances are partly on-chain). */
      readonly nextChunk: number;
      readonly amounts: Amounts;
      readonly runtimeThen: Amounts | null;
    };

async function readOnChain(address: string, chain: ChainInfo): Promise<OnChain> {
  if (chain === null) return { kind: 'none', why: 'this node is not configured with a chain' };
  if (chain.rpcUrl === null)
    return { kind: 'none', why: chain.note ?? 'the node publishes no RPC URL' };
  try {
    const { Contract, JsonRpcProvider } = await import('ethers');
    const provider = new JsonRpcProvider(chain.rpcUrl, chain.evmChainId, { staticNetwork: true });
    const token = new Contract(chain.token, TOKEN_ABI, provider);
    const ids = TOKENS.map((t) => TOKEN_IDS[t]);
    const read = Promise.all([
      token.getFunction('balanceOfBatch').staticCall(
        ids.map(() => address),
        ids,
      ) as Promise<bigint[]>,
      token.getFunction('balanceHead').staticCall() as Promise<{
        nextEpoch: bigint;
        nextChunk: bigint;
        sealHeight: bigint;
      }>,
    ]);
    const timeout = new Promise<never>((_, reject) =>
      setTimeout(
        () => reject(new Error(`no answer from ${chain.rpcUrl} in ${CHAIN_TIMEOUT_MS} ms`)),
        CHAIN_TIMEOUT_MS,
      ),
    );
    const [raw, head] = await Promise.race([read, timeout]);
    provider.destroy();
    const amounts = Object.fromEntries(
      TOKENS.map((t, i) => [t, formatRaw(raw[i] ?? 0n)]),
    ) as Amounts;
    const sealHeight = head.nextEpoch === 0n ? null : Number(head.sealHeight);
    const runtimeThen =
      sealHeight === null
        ? null
        : (await getJson<{ balances: Amounts }>(`v1/accounts/${address}/at/${sealHeight}`))
            .balances;
    return { kind: 'read', sealHeight, nextChunk: Number(head.nextChunk), amounts, runtimeThen };
  } catch (err) {
    return { kind: 'error', why: err instanceof Error ? err.message : String(err) };
  }
}

/** A raw 18-decimal integer as the API writes amounts. */
function formatRaw(raw: bigint): string {
  const text = raw.toString().padStart(19, '0');
  return `${text.slice(0, -18)}.${text.slice(-18)}`;
}

function balances(account: AccountView, chain: ChainInfo, onchain: OnChain): HTMLElement {
  const headers = ['token', `runtime (height ${account.height - 1})`];
  if (onchain.kind === 'read')
    headers.push(
      `on-chain (height ${onchain.sealHeight ?? '—'})`,
      'runtime at that height',
      'on-chain vs runtime',
    );
  const rows = TOKENS.map((t) => {
    const cells: (Node | string)[] = [
      t,
      h('span', { 'data-balance': t }, trimAmount(account.balances[t])),
    ];
    if (onchain.kind === 'read') {
      const then = onchain.runtimeThen?.[t] ?? '0.000000000000000000';
      const equal = onchain.amounts[t] === then;
      // While an epoch's chunks are being applied the balances are between two anchored heights.
      const applying = onchain.nextChunk > 0 && !equal;
      cells.push(
        h('span', { 'data-onchain': t }, trimAmount(onchain.amounts[t])),
        trimAmount(then),
        h(
          'span',
          {
            class: `mark ${equal ? 'verified' : applying ? 'unchecked' : 'invalid'}`,
            'data-compare': t,
          },
          equal ? 'equal' : applying ? 'epoch being applied' : 'differs',
        ),
      );
    }
    return cells;
  });
  const note =
    onchain.kind === 'read'
      ? `On-chain balances read in this browser through ethers from ${chain?.rpcUrl ?? ''}, token ${chain?.token ?? ''}; they are the runtime's as of the last anchored epoch (height ${onchain.sealHeight ?? 'none yet'}), compared with the runtime's balances at that height.`
      : onchain.kind === 'error'
        ? `On-chain balances could not be read: ${onchain.why}`
        : `No on-chain column: ${onchain.why}.`;
  return section(
    'Balances',
    table(headers, rows),
    h(
      'p',
      { class: onchain.kind === 'error' ? 'bad-text' : 'note', 'data-field': 'onchain-note' },
      note,
    ),
    fields([
      ['nonce (last committed)', account.nonce],
      ['next nonce', account.nextNonce],
    ]),
  );
}

function keySection(account: AccountView): HTMLElement {
  const key = account.key;
  if (key === null)
    return section('Key', h('p', { class: 'empty' }, 'no key registered for this address'));
  return section(
    'Key',
    fields([
      ['status', h('strong', { 'data-field': 'key-status' }, key.status)],
      ['capabilities', key.capabilities.length === 0 ? 'none' : key.capabilities.join(', ')],
      ['registered at', `KeyLedger entry ${key.registeredAt}`],
      ['last changed at', `KeyLedger entry ${key.changedAt}`],
      [
        'rotated from',
        key.rotatedFrom === null ? '—' : link(`account/${key.rotatedFrom}`, key.rotatedFrom),
      ],
      [
        'rotated to',
        key.rotatedTo === null ? '—' : link(`account/${key.rotatedTo}`, key.rotatedTo),
      ],
    ]),
  );
}

/** The KeyLedger entries that name this address, each with its check. */
function history(address: string, keys: KeyLedgerCheck): HTMLElement {
  const lower = address.toLowerCase();
  const rows = keys.entries
    .map((e, i) => ({ e, i }))
    .filter(({ e }) =>
      JSON.stringify(e.json.data ?? {})
        .toLowerCase()
        .includes(lower),
    )
    .map(({ e, i }) => [
      String(i),
      String(e.json.type),
      utc(String(e.json.timestamp)),
      short(String(e.json.entryHash)),
      mark(e.verdict, `key-entry-${i}`),
    ]);
  return section(
    'Key history',
    rows.length === 0
      ? h('p', { class: 'empty' }, 'no KeyLedger entry names this address')
      : table(['entry', 'event', 'time (UTC)', 'entry hash', 'check'], rows),
    h('p', {}, link('keyledger', 'Whole KeyLedger →')),
  );
}
