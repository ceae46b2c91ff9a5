/**
 * The explorer: a single page served by the node at `/`, routed by the URL's hash so every object
 * has a deep link (`#/bundle/3`, `#/tx/<hash>`, `#/account/<address>`, `#/keyledger`, `#/halts`).
 * It reads the node's API and checks what it shows with the runtime's own code (verify.ts). Live
 * pages re-render at each status poll. Issue 23.
 * @module
 */
import './style.css';
import { h } from './dom';
import { accountPage } from './pages/account';
import { bundlePage } from './pages/bundle';
import { bundlesPage } from './pages/bundles';
import { haltsPage } from './pages/halts';
import { keyLedgerPage } from './pages/keyledger';
import type { Page } from './pages/page';
import { statusPage } from './pages/status';
import { txPage } from './pages/tx';
import { selectBrowserBackends } from './verify';

/** How often live pages poll the node. */
export const POLL_INTERVAL_MS = 2_000;

const ROUTES: Readonly<Record<string, Page>> = {
  '': statusPage,
  bundles: bundlesPage,
  bundle: bundlePage,
  tx: txPage,
  account: accountPage,
  keyledger: keyLedgerPage,
  halts: haltsPage,
};

let generation = 0;
let timer: ReturnType<typeof setTimeout> | undefined;

/** Renders the page the hash names; a newer navigation cancels an older render and its polling. */
async function route(): Promise<void> {
  const mine = ++generation;
  if (timer !== undefined) clearTimeout(timer);
  const parts = location.hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  const page = ROUTES[parts[0] ?? ''];
  const root = document.getElementById('main') as HTMLElement;
  document
    .querySelectorAll('nav a')
    .forEach((a) => a.classList.toggle('active', a.getAttribute('href') === `#/${parts[0] ?? ''}`));
  if (page === undefined) {
    root.replaceChildren(h('h1', {}, 'Not found'), h('p', {}, `No page ${location.hash}.`));
    return;
  }
  document.title = `${page.title} · QFS explorer`;
  root.replaceChildren(h('p', { class: 'loading' }, 'Loading and checking…'));
  const isCurrent = () => mine === generation;
  const once = async () => {
    try {
      await page.render(root, isCurrent, parts.slice(1));
      setConnection(null);
    } catch (err) {
      if (!isCurrent()) return;
      if (root.querySelector('.loading') !== null || !page.live)
        root.replaceChildren(
          h('h1', {}, page.title),
          h(
            'p',
            { class: 'bad-text', 'data-field': 'error' },
            String(err instanceof Error ? err.message : err),
          ),
        );
      else setConnection(String(err instanceof Error ? err.message : err));
    }
    if (page.live && isCurrent()) timer = setTimeout(() => void once(), POLL_INTERVAL_MS);
  };
  await once();
}

function setConnection(problem: string | null): void {
  const el = document.getElementById('connection') as HTMLElement;
  el.textContent = problem === null ? '' : `node unreachable: ${problem}`;
}

/** Where a search term leads: a height, a transaction hash or an address. */
export function searchTarget(term: string): string | null {
  const t = term.trim();
  if (/^(0|[1-9][0-9]{0,15})$/.test(t)) return `bundle/${t}`;
  if (/^(0x)?[0-9a-fA-F]{64}$/.test(t)) return `tx/${t.replace(/^0x/, '').toLowerCase()}`;
  if (/^0x[0-9a-fA-F]{40}$/.test(t)) return `account/${t}`;
  return null;
}

function start(): void {
  selectBrowserBackends();
  const form = document.getElementById('search') as HTMLFormElement;
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const input = form.querySelector('input') as HTMLInputElement;
    const target = searchTarget(input.value);
    const hint = document.getElementById('search-hint') as HTMLElement;
    hint.textContent =
      target === null ? 'Enter a height, a 64-digit transaction hash or a 0x address.' : '';
    if (target !== null) location.hash = `#/${target}`;
  });
  window.addEventListener('hashchange', () => void route());
  void route();
}

start();
