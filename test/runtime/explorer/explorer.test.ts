/// <reference lib="dom" />
/*
 * The explorer in a real browser (Debian's Chromium through playwright-core) against the devnet
 * of `npm start`: Hardhat chain, contracts, sequencer with its API and explorer, anchoring, signed
 * workload. Each page is opened and read as a person would (screenshots in test-output/explorer/).
 * ├── status: the latest height, a verified latest seal, the confirmed height and the two replicas
 * ├── bundles: every packet, entry, seal and link verified
 * ├── bundle: a transfer's amount, every transaction, payload and bundle hash verified, and its
 * │   HolonetSync certificate (two replicas' cosignatures) verified
 * ├── transaction: amount, status, verified
 * ├── account: five balances, key status, on-chain balances read through ethers, "equal"
 * ├── KeyLedger: the genesis hash, a registration verified, the KeyLedger seal verified
 * ├── search: a height, a transaction hash, an address; phone width without horizontal scrolling
 * ├── tampered through a proxy: a changed seal → INVALID for that seal only; a changed transaction
 * │   → INVALID for that transaction (and for the payload and bundle hash that commit to it)
 * └── halts: a CIR-302 halt record, signature verified
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { pino } from 'pino';
import { runDemoWorkload, startDevnet, type Devnet } from '../../../runtime/cli/devnet';
import { generateKeyPair } from '../../../runtime/crypto';
import { getAccount, TOKEN_IDS } from '../../../runtime/engine';
import { loadKey } from '../../../runtime/node/data-dir';
import { PROJECT_ROOT } from '../../../runtime/node/integrity';
import { registerBody, signTx, transferBody } from '../../../runtime/sdk/tx-builder';
import { launchChromium } from '../../support/browser';
import { tempDir } from '../../support/node';

const SHOTS = path.join(PROJECT_ROOT, 'test-output', 'explorer');
const WAIT_MS = 30_000;

describe('explorer (Chromium against the devnet)', function () {
  this.timeout(5 * 60_000);
  let devnet: Devnet;
  let browser: Browser;
  let page: Page;
  let transfer: { hash: string; height: number };
  let bob: string;

  before(async () => {
    fs.mkdirSync(SHOTS, { recursive: true });
    devnet = await startDevnet({
      dir: tempDir('qfs-explorer-'),
      log: pino({ level: 'silent' }),
      apiPort: 0,
      replicas: 2,
    });
    await runDemoWorkload(devnet, 4, 'qfs-devnet-insecure');
    transfer = await submitTransferAndRegistration(devnet);
    const confirmedBy = Date.now() + 60_000;
    while (devnet.sync.hub().confirmation(transfer.height) === null) {
      if (Date.now() > confirmedBy) throw new Error('the transfer’s bundle was not confirmed');
      await new Promise((r) => setTimeout(r, 100));
    }
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  });

  after(async () => {
    await browser?.close();
    await devnet?.stop();
  });

  const open = async (route: string, base = devnet.node.url) => {
    await page.goto(`${base}/#/${route}`);
  };
  const text = (selector: string) =>
    page.locator(selector).first().textContent({ timeout: WAIT_MS });
  const shot = (name: string) =>
    page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
  /** Waits until no mark on the page is "not checked" while loading and returns every mark's state by id. */
  const marks = async (expected: number) => {
    await page.waitForFunction(
      (n) => document.querySelectorAll('[data-check]').length >= n,
      expected,
      { timeout: WAIT_MS },
    );
    return page.$$eval('[data-check]', (els) =>
      Object.fromEntries(els.map((e) => [e.getAttribute('data-check'), e.textContent])),
    );
  };

  it('status: shows the latest height, the latest seal verified and the replicas’ confirmations', async () => {
    await open('');
    const head = Number(devnet.node.sequencer.state.height) - 1;
    await page.waitForFunction(
      (h) => document.querySelector('[data-field=height]')?.textContent === String(h),
      head,
      { timeout: WAIT_MS },
    );
    expect(await text(`[data-check=seal-${head}]`)).to.equal('verified');
    expect(await text('[data-field=halt]')).to.equal('running');
    expect(await text('[data-field=anchoring]')).to.match(
      /^anchored to height \d+; lag \d+ bundles/,
    );
    expect(await text('[data-field=confirmed]')).to.match(
      /^confirmed to height \d+ \(quorum 2 of 2 replicas\)$/,
    );
    await page.waitForSelector('[data-chart=c-holo] canvas', { timeout: WAIT_MS });
    // The lag chart draws from the second status poll on (one every 2 s).
    await page.waitForSelector('[data-chart=lag] canvas', { timeout: WAIT_MS });
    await shot('status');
  });

  it('bundles: every packet, ledger entry, seal and link is verified, link by link', async () => {
    await open('bundles');
    const head = Number(devnet.node.sequencer.state.height) - 1;
    const states = await marks(4 * (head + 1));
    for (let h = 0; h <= head; h++) {
      for (const kind of ['packet', 'entry', 'seal', 'link'])
        expect(states[`${kind}-${h}`], `${kind}-${h}`).to.equal('verified');
    }
    await shot('bundles');
  });

  it('bundle: shows the transfer and verifies every transaction, the payload, the bundle hash and its certificate', async () => {
    await open(`bundle/${transfer.height}`);
    const states = await marks(6);
    await page.waitForSelector(`[data-check="tx-${transfer.hash}"]`, { timeout: WAIT_MS });
    const all = await marks(6);
    expect(
      Object.values(all).every((s) => s === 'verified'),
      JSON.stringify(all),
    ).to.equal(true);
    expect(states[`bundle-hash-${transfer.height}`]).to.equal('verified');
    expect(await page.locator('table.list').first().textContent()).to.contain('transfer 12.25 CHR');
    expect(await text('[data-field=entropy]')).to.contain('"source"');
    expect(all[`certificate-${transfer.height}`]).to.equal('verified');
    expect(await text('[data-slot=certificate]')).to.match(/^2 cosignatures verified/);
    await shot('bundle');
  });

  it('transaction: shows the amount, its status and the verified signature', async () => {
    await open(`tx/${transfer.hash}`);
    expect(await text('[data-field=amount]')).to.equal('12.25 CHR');
    expect(await text('[data-field=tx-status]')).to.equal('committed');
    expect(await text(`[data-check="tx-${transfer.hash}"]`)).to.equal('verified');
    await shot('transaction');
  });

  it('account: five balances, key status, and the on-chain balances read through ethers, equal', async () => {
    await open(`account/${bob}`);
    const api = (await (await fetch(`${devnet.node.url}/v1/accounts/${bob}`)).json()) as {
      balances: Record<string, string>;
    };
    for (const [token, amount] of Object.entries(api.balances))
      expect(await text(`[data-balance=${token}]`), token).to.equal(trim(amount));
    expect(await page.locator('[data-balance]').count()).to.equal(5);
    expect(await text('[data-field=key-status]')).to.equal('active');
    await page.waitForSelector('[data-compare=CHR]', { timeout: WAIT_MS });
    const compare = await page.$$eval('[data-compare]', (els) => els.map((e) => e.textContent));
    expect(compare).to.deep.equal(['equal', 'equal', 'equal', 'equal', 'equal']);
    const onchainChr = await text('[data-onchain=CHR]');
    const anchored = await devnet.contracts.token.balanceOf(bob, TOKEN_IDS.CHR);
    expect(onchainChr).to.equal(trim(formatRaw(anchored)));
    await shot('account');
  });

  it('KeyLedger: the genesis hash, every entry and the KeyLedger seal verified', async () => {
    await open('keyledger');
    const entries = devnet.node.sequencer.store.keyEntries();
    expect(await text('[data-field=genesis]')).to.equal(entries[0]?.entryHash);
    const states = await marks(entries.length + 1);
    for (let i = 0; i < entries.length; i++) expect(states[`key-entry-${i}`]).to.equal('verified');
    expect(states['key-seal']).to.equal('verified');
    await shot('keyledger');
  });

  it('search: a height, a transaction hash and an address lead to their pages', async () => {
    await open('');
    const search = async (term: string, route: string) => {
      await page.fill('#search input', term);
      await page.press('#search input', 'Enter');
      await page.waitForFunction((r) => location.hash === `#/${r}`, route, { timeout: WAIT_MS });
    };
    await search(String(transfer.height), `bundle/${transfer.height}`);
    await search(transfer.hash, `tx/${transfer.hash}`);
    await search(bob, `account/${bob}`);
    expect(await text('[data-field=address]')).to.equal(bob);
  });

  it('phone width: the status and bundle pages fit 390 px without horizontal scrolling', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      for (const route of ['', `bundle/${transfer.height}`]) {
        await open(route);
        await page.waitForSelector('[data-check]', { timeout: WAIT_MS });
        const width = await page.evaluate(() => document.documentElement.scrollWidth);
        expect(width, route).to.be.at.most(390);
      }
      await shot('bundle-phone');
    } finally {
      await page.setViewportSize({ width: 1280, height: 800 });
    }
  });

  describe('served through a proxy that tampers with one object', () => {
    let proxy: TamperProxy;
    // The seal of the bundle after the transfer's, between two bundles whose links stay verified.
    const sealHeight = () => transfer.height + 1;

    before(async () => {
      expect(Number(devnet.node.sequencer.state.height) - 1).to.be.at.least(sealHeight() + 1);
      proxy = await startTamperProxy(devnet.node.url, {
        [`/v1/bundles/${sealHeight()}`]: (body) => {
          const seal = body.seal as Record<string, string>;
          seal.timestamp = String(BigInt(String(seal.timestamp)) + 1n);
        },
        [`/v1/bundles/${transfer.height}/txs`]: (body) => {
          const txs = body.txs as { txHash: string; tx: { body: Record<string, string> } }[];
          const target = txs.find((t) => t.txHash === transfer.hash);
          if (target !== undefined) target.tx.body.amount = '1225';
        },
      });
    });

    after(async () => proxy.close());

    it('bundles: the altered seal is INVALID and every other object verified', async () => {
      await open('bundles', proxy.url);
      const head = Number(devnet.node.sequencer.state.height) - 1;
      const states = await marks(4 * (head + 1));
      const invalid = Object.entries(states).filter(([, s]) => s !== 'verified');
      expect(invalid).to.deep.equal([[`seal-${sealHeight()}`, 'INVALID']]);
      expect(await text('[data-field=problems]')).to.contain(
        `bundle ${sealHeight()}, seal: signature`,
      );
      await shot('bundles-tampered');
    });

    it('bundle: the altered transaction is INVALID, the others and the signed header verified', async () => {
      await open(`bundle/${transfer.height}`, proxy.url);
      await page.waitForSelector(`[data-check="tx-${transfer.hash}"]`, { timeout: WAIT_MS });
      const states = await marks(6);
      expect(states[`tx-${transfer.hash}`]).to.equal('INVALID');
      const h = transfer.height;
      for (const id of [`packet-${h}`, `entry-${h}`, `seal-${h}`, `link-${h}`])
        expect(states[id], id).to.equal('verified');
      // The payload and the bundle hash commit to the real transaction, so they fail with it.
      expect(states[`payload-${h}`]).to.equal('INVALID');
      expect(states[`bundle-hash-${h}`]).to.equal('INVALID');
      const others = Object.entries(states).filter(
        ([id]) => id.startsWith('tx-') && id !== `tx-${transfer.hash}`,
      );
      expect(others.length).to.be.greaterThan(0);
      expect(others.every(([, s]) => s === 'verified')).to.equal(true);
      await shot('bundle-tampered');
    });
  });

  it('halts: a CIR-302 halt shows on the status page and its signed record verifies', async () => {
    devnet.node.sequencer.halt(302, 'explorer test halt', { probe: 'browser' });
    await open('halts');
    expect(await text('[data-field=halt]')).to.contain('HALTED: CIR-302');
    const states = await marks(1);
    expect(Object.values(states)).to.deep.equal(['verified']);
    expect(await page.locator('table.list').first().textContent()).to.contain('explorer test halt');
    await shot('halts');
  });

  /**
   * Three more bundles, each waited for: two transfers from alice to bob (12.25 and 0.5 CHR), a key
   * registration, and a last transfer, so that the chain has a bundle on each side of the one the
   * proxy tampers with.
   */
  async function submitTransferAndRegistration(
    d: Devnet,
  ): Promise<{ hash: string; height: number }> {
    const seq = d.node.sequencer;
    const chainId = seq.state.chainId;
    const alice = loadKey(d.dir, 'alice', 'qfs-devnet-insecure');
    bob = loadKey(d.dir, 'bob', 'qfs-devnet-insecure').address;
    let nonce = getAccount(seq.state.accounts, alice.address)?.nonce ?? 0n;
    const newcomer = generateKeyPair(new Uint8Array(32).fill(23));
    const commit = async (wires: ReturnType<typeof signTx>[]) => {
      const hashes: string[] = [];
      for (const wire of wires) hashes.push((await seq.submit(wire)).txHash);
      for (let i = 0; i < 600 && hashes.some((x) => seq.txStatus(x)?.status !== 'committed'); i++)
        await new Promise((r) => setTimeout(r, 50));
      const first = seq.txStatus(hashes[0] as string);
      if (first?.status !== 'committed') throw new Error('a transaction did not commit');
      return { hash: hashes[0] as string, height: first.height };
    };
    const sent = await commit([
      signTx(alice, chainId, ++nonce, transferBody('CHR', bob, '12.25')),
      signTx(alice, chainId, ++nonce, transferBody('CHR', bob, '0.5')),
    ]);
    await commit([signTx(newcomer, chainId, 1n, registerBody(chainId, newcomer))]);
    await commit([signTx(alice, chainId, ++nonce, transferBody('FLX', bob, '3'))]);
    // Anchoring catches up, so the on-chain balances the page reads do not move under it.
    const head = Number(seq.state.height) - 1;
    for (let i = 0; i < 600 && (d.anchoring.service.status.anchoredHeight ?? -1) < head; i++) {
      await d.anchoring.service.tick();
      await new Promise((r) => setTimeout(r, 100));
    }
    if ((d.anchoring.service.status.anchoredHeight ?? -1) < head)
      throw new Error('anchoring did not catch up');
    return sent;
  }
});

function trim(amount: string): string {
  const t = amount.replace(/0+$/, '');
  return t.endsWith('.') ? t.slice(0, -1) : t;
}

function formatRaw(raw: bigint): string {
  const text = raw.toString().padStart(19, '0');
  return `${text.slice(0, -18)}.${text.slice(-18)}`;
}

type TamperProxy = { readonly url: string; close(): Promise<void> };

/**
 * An HTTP proxy in front of the node that rewrites the JSON answers of the paths given (the
 * query string ignored), to serve a tampered object to the page.
 */
async function startTamperProxy(
  target: string,
  edits: Record<string, (body: Record<string, unknown>) => void>,
): Promise<TamperProxy> {
  const server = http.createServer((req, res) => {
    void (async () => {
      const upstream = await fetch(`${target}${req.url ?? '/'}`, { method: req.method ?? 'GET' });
      const pathname = new URL(req.url ?? '/', target).pathname;
      const edit = edits[pathname];
      const headers: Record<string, string> = {};
      upstream.headers.forEach((v, k) => {
        if (!['content-length', 'content-encoding', 'transfer-encoding', 'connection'].includes(k))
          headers[k] = v;
      });
      let body = Buffer.from(await upstream.arrayBuffer());
      if (edit !== undefined && upstream.ok) {
        const json = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
        edit(json);
        body = Buffer.from(JSON.stringify(json));
      }
      res.writeHead(upstream.status, headers);
      res.end(body);
    })().catch((err: unknown) => {
      res.writeHead(502);
      res.end(String(err));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
