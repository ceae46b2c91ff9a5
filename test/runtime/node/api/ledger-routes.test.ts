/*
 * GET /v1/accounts/:address
 * ├── funded → 18-decimal balances, nonce, key status and capabilities; any letter case
 * ├── well-formed but untouched → zeros, nonce 0, key null
 * └── malformed → 400 API_BAD_REQUEST; wrong EIP-55 checksum → 400 CODEC_BAD_ADDRESS
 * GET /v1/bundles/:height → the bundle (signed packet, tx hashes, summary, entry, seal) | 404 | 400
 * GET /v1/seals/latest → 404 before the first bundle, then the seal that verifies
 * GET /v1/keyledger/seal → 404 until a bundle carries a key event, then its seal
 * GET /v1/status → chain, heights, head hashes, halt, mempool depth, anchoring, entropy
 */
import type { AnchorStatus } from '../../../../runtime/node';
import { expect } from 'chai';
import { parseAddress } from '../../../../runtime/codec';
import { parseCoherenceEntry, parseCoherenceSeal } from '../../../../runtime/node/records';
import {
  coherenceSealHash,
  keySealHash,
  packetHash,
  verifyCoherenceSeal,
} from '../../../../runtime/ledger';
import { actionBody, registerBody, signTx, transferBody } from '../../../../runtime/sdk/tx-builder';
import { CHAIN_ID, keys } from '../../../support/engine';
import { testKey } from '../../../support/keys';
import { apiNode, expectError, type ApiNode } from '../../../support/api';

const get = (node: ApiNode, url: string) => node.app.inject({ method: 'GET', url });
const ZERO = '0.000000000000000000';

describe('ledger routes', () => {
  const a = keys.user(0);
  const b = keys.user(1);
  const newcomer = testKey(302);
  let node: ApiNode;
  let anchor: AnchorStatus | null = null;
  let txHashes: string[];

  before(async () => {
    node = await apiNode({ anchorStatus: () => anchor });
  });

  after(async () => node.close());

  describe('before the first bundle', () => {
    it('GET /v1/seals/latest answers 404 NOT_FOUND', async () => {
      expectError(await get(node, '/v1/seals/latest'), 'NOT_FOUND');
    });

    it('GET /v1/keyledger/seal answers 404 NOT_FOUND', async () => {
      expectError(await get(node, '/v1/keyledger/seal'), 'NOT_FOUND');
    });

    it('GET /v1/bundles/0 answers 404 NOT_FOUND', async () => {
      expect(expectError(await get(node, '/v1/bundles/0'), 'NOT_FOUND')).to.deep.equal({
        height: 0,
      });
    });

    it('GET /v1/status reports no head yet', async () => {
      const res = await get(node, '/v1/status');
      expect(res.statusCode).to.equal(200);
      expect(res.json()).to.deep.equal({
        chainId: CHAIN_ID,
        version: '0.0.0-test',
        height: null,
        nextHeight: 0,
        stateRoot: node.seq.state.stateRoot,
        headHash: null,
        lastSealHash: null,
        halted: null,
        mempoolDepth: 0,
        anchoring: null,
        // A chain without a genesis entropy policy, and no packet yet.
        entropy: { mode: 'unverified', lastSource: null },
        sync: null, // no HolonetSync on this app
      });
    });
  });

  describe('after bundles', () => {
    before(async () => {
      const wires = [
        signTx(a, CHAIN_ID, 1n, transferBody('RES', b.address, '0.25')),
        signTx(b, CHAIN_ID, 1n, actionBody('compute', 2n)),
      ];
      txHashes = [];
      for (const wire of wires) {
        const res = await node.app.inject({ method: 'POST', url: '/v1/tx', payload: wire });
        txHashes.push(res.json().txHash);
      }
      await node.seq.produceBundle();
      const register = signTx(newcomer, CHAIN_ID, 1n, registerBody(CHAIN_ID, newcomer));
      await node.app.inject({ method: 'POST', url: '/v1/tx', payload: register });
      await node.seq.produceBundle();
    });

    it('GET /v1/accounts shows balances, nonce and the key record', async () => {
      const res = await get(node, `/v1/accounts/${a.address}`);
      expect(res.statusCode).to.equal(200);
      expect(res.json()).to.deep.equal({
        address: a.address,
        height: 2,
        balances: {
          CHR: '1000.000000000000000000',
          FLX: '1000.000000000000000000',
          PSI: '1000.000000000000000000',
          ATR: '1000.000000000000000000',
          RES: '999.750000000000000000',
        },
        nonce: '1',
        nextNonce: '2',
        key: {
          status: 'active',
          capabilities: [],
          registeredAt: '0',
          changedAt: '0',
          rotatedFrom: null,
          rotatedTo: null,
        },
      });
    });

    it('accepts an all-lowercase address and answers with the checksummed one', async () => {
      const res = await get(node, `/v1/accounts/${a.address.toLowerCase()}`);
      expect(res.json().address).to.equal(a.address);
    });

    it('shows the capabilities a key holds', async () => {
      const view = (await get(node, `/v1/accounts/${keys.sequencer.address}`)).json();
      expect(view.key.capabilities).to.deep.equal(['sequencer']);
      expect(view.balances.CHR).to.equal(ZERO);
    });

    it('shows a key registered by a transaction, with no balance', async () => {
      const view = (await get(node, `/v1/accounts/${newcomer.address}`)).json();
      expect(view.key.status).to.equal('active');
      expect(view.nonce).to.equal('1');
    });

    it('answers an untouched address with zeros, nonce 0 and no key', async () => {
      const address = '0x00000000000000000000000000000000000000aa';
      const view = (await get(node, `/v1/accounts/${address}`)).json();
      expect(view).to.deep.equal({
        address: parseAddress(address),
        height: 2,
        balances: { CHR: ZERO, FLX: ZERO, PSI: ZERO, ATR: ZERO, RES: ZERO },
        nonce: '0',
        nextNonce: '1',
        key: null,
      });
    });

    for (const bad of [
      '0x1234',
      'deadbeef'.repeat(5),
      '0x' + 'g'.repeat(40),
      `${'0x' + 'a'.repeat(41)}`,
    ]) {
      it(`answers 400 API_BAD_REQUEST for the address ${bad.slice(0, 10)}…`, async () => {
        expectError(await get(node, `/v1/accounts/${bad}`), 'API_BAD_REQUEST');
      });
    }

    it('answers 400 CODEC_BAD_ADDRESS for a mixed-case address with a wrong checksum', async () => {
      const digits = a.address.slice(2);
      const swapped =
        '0x' +
        [...digits]
          .map((ch) => (ch === ch.toUpperCase() ? ch.toLowerCase() : ch.toUpperCase()))
          .join('');
      expectError(await get(node, `/v1/accounts/${swapped}`), 'CODEC_BAD_ADDRESS');
    });

    it('GET /v1/bundles/0 shows the packet, transactions, summary and seal', async () => {
      const res = await get(node, '/v1/bundles/0');
      expect(res.statusCode).to.equal(200);
      const view = res.json();
      const row = node.seq.store.bundle(0)!;
      expect(view).to.deep.include({
        height: 0,
        packetHash: row.packetHash,
        bundleHash: row.bundleHash,
        opLogHash: row.opLogHash,
        stateRoot: row.stateRoot,
        txCount: 2,
        txHashes,
      });
      expect(packetHash(view.packet)).to.equal(row.packetHash);
      expect(view.packet.sequence).to.equal('0');
      expect(view.metrics.cHolo).to.match(/^[0-9]+\.[0-9]{18}$/);
      expect(view.allocations.map((x: { address: string }) => x.address)).to.include(b.address);
      expect(view.rewards.granted).to.have.keys(['CHR', 'FLX', 'PSI', 'ATR', 'RES']);
      expect(view.fees).to.match(/^[0-9]+\.[0-9]{18}$/);
      expect(view.opLogEntryCount).to.be.greaterThan(0);
      expect(view.coherenceEntry.height).to.equal('0');
      expect(coherenceSealHash(view.seal)).to.equal(view.sealHash);
    });

    it('GET /v1/bundles answers 404 NOT_FOUND past the head', async () => {
      expectError(await get(node, '/v1/bundles/2'), 'NOT_FOUND');
      expectError(await get(node, `/v1/bundles/${2 ** 53}`), 'NOT_FOUND');
    });

    for (const bad of ['-1', '01', '1.5', 'abc', '1e3', '9007199254740993', '1'.repeat(17)]) {
      it(`GET /v1/bundles/${bad} answers 400 API_BAD_REQUEST`, async () => {
        const details = expectError(await get(node, `/v1/bundles/${bad}`), 'API_BAD_REQUEST');
        expect(details.context).to.equal('params');
      });
    }

    it('GET /v1/seals/latest serves the head seal, which verifies with the sequencer key', async () => {
      const res = await get(node, '/v1/seals/latest');
      expect(res.statusCode).to.equal(200);
      const view = res.json();
      const row = node.seq.store.coherence(1)!;
      expect(view).to.deep.include({ height: 1, entryHash: row.entryHash, sealHash: row.sealHash });
      const seal = parseCoherenceSeal(JSON.stringify(view.seal));
      const entry = parseCoherenceEntry(row.entry);
      expect(verifyCoherenceSeal(seal, entry, keys.sequencer.publicKey)).to.equal(null);
      expect(coherenceSealHash(seal)).to.equal(view.sealHash);
    });

    it('GET /v1/keyledger/seal serves the seal the registration bundle wrote', async () => {
      const res = await get(node, '/v1/keyledger/seal');
      expect(res.statusCode).to.equal(200);
      const view = res.json();
      expect(view.height).to.equal(1);
      expect(view.seal.component).to.equal('KEY_FINALITY_SEAL');
      expect(keySealHash(view.seal)).to.equal(view.sealHash);
    });

    it('GET /v1/status reports the head, seal and where anchoring stands', async () => {
      anchor = {
        localHeight: 1,
        anchoredHeight: 0,
        anchoredEpochs: 1,
        lag: 1,
        epochLength: 1,
        onChain: {
          coherenceHeight: 0,
          keySeals: 1,
          balanceEpochs: 1,
          balanceChunks: 0,
          allocationEpochs: 1,
          certificateHeight: null,
        },
        lastError: 'connect ECONNREFUSED 127.0.0.1:8545',
        lastErrorAtMs: 1_700_000_000_000,
        consecutiveFailures: 2,
        lastAnchorAtMs: 1_699_999_999_000,
        nextRetryAtMs: 1_700_000_002_000,
      };
      const view = (await get(node, '/v1/status')).json();
      expect(view).to.deep.include({
        height: 1,
        nextHeight: 2,
        stateRoot: node.seq.state.stateRoot,
        headHash: node.seq.coherenceHead?.entryHash,
        lastSealHash: node.seq.store.coherence(1)!.sealHash,
        halted: null,
        mempoolDepth: 0,
      });
      expect(view.anchoring).to.deep.equal(anchor);
    });

    it('GET /v1/status reports a halt with its CIR code, reason and height', async () => {
      node.seq.halt(412, 'tamper test', { file: 'x' });
      const view = (await get(node, '/v1/status')).json();
      expect(view.halted).to.deep.equal({
        cir: 412,
        reason: 'tamper test',
        height: 2,
        evidence: { file: 'x' },
      });
    });
  });
});
