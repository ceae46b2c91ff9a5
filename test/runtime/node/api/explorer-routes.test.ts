/*
 * The explorer's read-only routes and its static files.
 * GET /v1/tx/:hash/signed → status and the signed wire form (hash recomputes) | 404
 * GET /v1/bundles/:height/txs → signed txs and receipts in order, paged | 404 | 400 bad query
 * GET /v1/keyledger/entries → entries as stored, paged, with the count
 * GET /v1/halts → signed halt records (verify with the sequencer key) and dissonance
 * GET /v1/accounts/:address/at/:height → balances at a past height | 404 beyond the head
 * GET /v1/explorer/chain → null without a chain; publicChainInfo withholds non-loopback RPC URLs
 * GET / → index.html with a CSP; a missing file → JSON envelope 404; not built → 404 NOT_FOUND
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { parseTx } from '../../../../runtime/engine';
import { buildApp } from '../../../../runtime/node/api';
import { publicChainInfo } from '../../../../runtime/node/api/routes/explorer';
import { parseOperatorRecord, verifyOperatorRecord } from '../../../../runtime/node/records';
import type { Sequencer } from '../../../../runtime/node/sequencer';
import { registerBody, signTx, transferBody } from '../../../../runtime/sdk/tx-builder';
import { expectError } from '../../../support/api';
import { CHAIN_ID, keys } from '../../../support/engine';
import { testKey } from '../../../support/keys';
import { initStore, openSequencer, tempDir } from '../../../support/node';
import type { ChainFacts } from '../../../../runtime/node/api/routes/explorer';

describe('explorer routes', () => {
  const a = keys.user(0);
  const b = keys.user(1);
  const newcomer = testKey(303);
  const explorerDir = tempDir('qfs-explorer-dist-');
  let seq: Sequencer;
  let app: ReturnType<typeof buildApp>;
  const hashes: string[] = [];
  const get = (url: string) => app.inject({ method: 'GET', url });

  before(async () => {
    fs.writeFileSync(path.join(explorerDir, 'index.html'), '<!doctype html><title>x</title>');
    fs.writeFileSync(path.join(explorerDir, 'main.js'), 'export {};');
    seq = await openSequencer(initStore(tempDir()));
    app = buildApp(
      { sequencer: seq, version: '0.0.0-test', explorer: { dir: explorerDir } },
      { processMetrics: false },
    );
    for (const wire of [
      signTx(a, CHAIN_ID, 1n, transferBody('CHR', b.address, '2.5')),
      signTx(a, CHAIN_ID, 2n, transferBody('FLX', b.address, '1')),
      signTx(b, CHAIN_ID, 1n, transferBody('CHR', a.address, '0.5')),
    ]) {
      hashes.push((await seq.submit(wire)).txHash);
    }
    await seq.produceBundle();
    await seq.submit(signTx(newcomer, CHAIN_ID, 1n, registerBody(CHAIN_ID, newcomer)));
    await seq.produceBundle();
  });

  after(async () => {
    await app.close();
    await seq.stop();
    seq.store.close();
  });

  describe('GET /v1/tx/:hash/signed', () => {
    it('answers the status with the signed wire form, whose bytes hash to the path hash', async () => {
      const res = await get(`/v1/tx/${hashes[0]}/signed`);
      expect(res.statusCode).to.equal(200);
      const body = res.json();
      expect(body).to.include({ txHash: hashes[0], status: 'committed', height: 0, index: 0 });
      expect(body.tx.body).to.deep.equal({
        type: 'transfer',
        token: 'CHR',
        to: b.address,
        amount: '2.5',
      });
      expect(parseTx(body.tx).hash).to.equal(hashes[0]);
    });

    it('answers 404 NOT_FOUND for an unknown hash', async () => {
      expectError(await get(`/v1/tx/${'ab'.repeat(32)}/signed`), 'NOT_FOUND');
    });
  });

  describe('GET /v1/bundles/:height/txs', () => {
    it('answers every transaction in order with its receipt', async () => {
      const res = await get('/v1/bundles/0/txs');
      expect(res.statusCode).to.equal(200);
      const body = res.json();
      expect(body.txCount).to.equal(3);
      expect(body.txs.map((t: { txHash: string }) => t.txHash)).to.deep.equal(hashes);
      expect(body.txs.map((t: { index: number }) => t.index)).to.deep.equal([0, 1, 2]);
      expect(body.txs[0].receipt).to.deep.equal({ status: 'ok' });
    });

    it('pages with offset and limit', async () => {
      const body = (await get('/v1/bundles/0/txs?offset=1&limit=1')).json();
      expect(body.offset).to.equal(1);
      expect(body.txs.map((t: { txHash: string }) => t.txHash)).to.deep.equal([hashes[1]]);
    });

    it('refuses a malformed query with 400 API_BAD_REQUEST', async () => {
      expectError(await get('/v1/bundles/0/txs?limit=0'), 'API_BAD_REQUEST');
      expectError(await get('/v1/bundles/0/txs?offset=-1'), 'API_BAD_REQUEST');
      expectError(await get('/v1/bundles/0/txs?extra=1'), 'API_BAD_REQUEST');
    });

    it('answers 404 NOT_FOUND beyond the head', async () => {
      expectError(await get('/v1/bundles/9/txs'), 'NOT_FOUND');
    });
  });

  it('GET /v1/keyledger/entries answers the stored entries with their count, paged', async () => {
    const all = (await get('/v1/keyledger/entries')).json();
    expect(all.entryCount).to.equal(2);
    expect(all.entries.map((e: { type: string }) => e.type)).to.deep.equal(['genesis', 'register']);
    expect(all.entries[1].data.keyId).to.equal(newcomer.address);
    const page = (await get('/v1/keyledger/entries?offset=1&limit=1')).json();
    expect(page.entries).to.deep.equal([all.entries[1]]);
  });

  it('GET /v1/accounts/:address/at/:height answers the balances after that bundle', async () => {
    const at0 = (await get(`/v1/accounts/${b.address}/at/0`)).json();
    expect(at0).to.deep.include({ address: b.address, height: 0, nonce: '1' });
    expect(at0.balances.CHR).to.equal('1002.000000000000000000');
    expect(at0.balances.FLX).to.equal('1001.000000000000000000');
    const untouched = (await get(`/v1/accounts/${newcomer.address}/at/0`)).json();
    expect(untouched.balances.CHR).to.equal('0.000000000000000000');
    expectError(await get(`/v1/accounts/${b.address}/at/2`), 'NOT_FOUND');
  });

  it('GET /v1/explorer/chain answers null when the node has no chain', async () => {
    const res = await get('/v1/explorer/chain');
    expect(res.statusCode).to.equal(200);
    expect(res.json()).to.equal(null);
  });

  it('GET /v1/halts answers no records, then the signed halt record', async () => {
    expect((await get('/v1/halts')).json()).to.deep.equal({ records: [], dissonance: [] });
    seq.halt(302, 'explorer route test', { probe: '1' });
    const body = (await get('/v1/halts')).json();
    expect(body.records).to.have.length(1);
    expect(body.records[0]).to.include({ kind: 'halt', atHeight: 2 });
    const record = parseOperatorRecord(JSON.stringify(body.records[0].record));
    expect(record.reason).to.equal('explorer route test');
    expect(verifyOperatorRecord(record, keys.sequencer.publicKey)).to.equal(true);
  });

  describe('static files', () => {
    it('GET / answers index.html with a content security policy', async () => {
      const res = await get('/');
      expect(res.statusCode).to.equal(200);
      expect(res.headers['content-type']).to.match(/^text\/html/);
      expect(res.body).to.contain('<title>x</title>');
      expect(res.headers['content-security-policy']).to.contain("connect-src 'self'");
    });

    it('a missing file answers the JSON error envelope', async () => {
      const details = expectError(await get('/missing.js'), 'API_ROUTE_NOT_FOUND');
      expect(details).to.deep.equal({ method: 'GET', url: '/missing.js' });
    });

    it('GET / answers 404 NOT_FOUND naming the build when the explorer is not built', async () => {
      const bare = buildApp(
        { sequencer: seq, version: '0', explorer: { dir: tempDir('qfs-empty-') } },
        { processMetrics: false },
      );
      try {
        const details = expectError(await bare.inject({ method: 'GET', url: '/' }), 'NOT_FOUND');
        expect(details.build).to.equal('npm run build:explorer');
      } finally {
        await bare.close();
      }
    });
  });
});

describe('publicChainInfo', () => {
  const config = (rpcUrl: string): ChainFacts => ({
    rpcUrl,
    evmChainId: 31337,
    contracts: {
      token: `0x${'1'.repeat(40)}`,
      anchor: `0x${'2'.repeat(40)}`,
      registry: `0x${'3'.repeat(40)}`,
    },
    epochLength: 4,
  });

  it('is null without a chain', () => {
    expect(publicChainInfo(null, {})).to.equal(null);
  });

  it('publishes a loopback RPC URL and the contract addresses', () => {
    const info = publicChainInfo(config('http://127.0.0.1:8545'), {});
    expect(info).to.deep.equal({
      rpcUrl: 'http://127.0.0.1:8545',
      evmChainId: 31337,
      token: `0x${'1'.repeat(40)}`,
      anchor: `0x${'2'.repeat(40)}`,
      registry: `0x${'3'.repeat(40)}`,
      epochLength: 4,
      note: null,
    });
  });

  it('withholds a remote RPC URL (it may carry an API key) unless the operator publishes one', () => {
    const remote = config('https://rpc.example/v3/SECRET');
    const withheld = publicChainInfo(remote, {});
    expect(withheld?.rpcUrl).to.equal(null);
    expect(withheld?.note).to.contain('QFS_EXPLORER_RPC_URL');
    expect(JSON.stringify(withheld)).to.not.contain('SECRET');
    const published = publicChainInfo(remote, { QFS_EXPLORER_RPC_URL: 'https://public.example' });
    expect(published?.rpcUrl).to.equal('https://public.example');
    expect(
      publicChainInfo(config('http://127.0.0.1:8545'), { QFS_EXPLORER_RPC_URL: 'none' })?.rpcUrl,
    ).to.equal(null);
  });
});
