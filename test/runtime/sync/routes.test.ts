/*
 * The sync routes on a sequencer's API (fastify inject, a real store):
 * ├── the OpenAPI document lists each with a success answer and the error envelope
 * ├── GET /v1/sync/genesis: the genesis and the hash `qfs replica init` checks
 * ├── GET /v1/sync/bundles/{h}: the sealed bundle a replica parses as it is; 404 past the head
 * ├── GET /v1/sync/seals/{h}: the seal and packet; 404 names the next height the node needs
 * ├── POST /v1/sync/attestations: each item judged alone; more than 256 refused whole
 * └── GET /v1/bundles/{h}/certificate: 404 until confirmed, then the certificate and its hash
 */
import { expect } from 'chai';
import path from 'node:path';
import { canonicalString } from '../../../runtime/codec';
import { loadGenesis } from '../../../runtime/engine';
import { buildApp } from '../../../runtime/node/api/app';
import { counterEntropy } from '../../../runtime/node/clock';
import { Sequencer } from '../../../runtime/node/sequencer';
import { NodeStore } from '../../../runtime/node/store';
import { signTx, transferBody } from '../../../runtime/sdk/tx-builder';
import { SyncHub } from '../../../runtime/sync/hub';
import {
  attestationJson,
  parseSealedBundle,
  signAttestation,
} from '../../../runtime/sync/protocol';
import { genesisHashOf } from '../../../runtime/sync/replica-dir';
import { syncRoutes } from '../../../runtime/sync/routes';
import { SyncStore } from '../../../runtime/sync/sync-store';
import { CHAIN_ID, keys } from '../../support/engine';
import { silentLog, tempDir } from '../../support/node';
import { replicaKey, syncGenesis } from '../../support/sync';

describe('sync routes', function () {
  const dir = tempDir('qfs-sync-routes-');
  const genesis = syncGenesis(3);
  let store: NodeStore;
  let sync: SyncStore;
  let hub: SyncHub;
  let app: ReturnType<typeof buildApp>;

  before(async () => {
    store = NodeStore.open(path.join(dir, 'qfs.db'));
    store.setMeta('genesis', canonicalString(genesis));
    const { keyGenesis } = loadGenesis(genesis);
    store.insertKeyEntry(0, canonicalString(keyGenesis), keyGenesis.entryHash);
    const clock = { nowMs: () => BigInt(Date.now()) };
    const sequencer = await Sequencer.open({
      store,
      key: keys.sequencer,
      clock,
      entropy: counterEntropy(),
      limits: { bundleIntervalMs: 0, ackBatchDelayMs: 0 },
      log: silentLog,
    });
    sync = SyncStore.open(path.join(dir, 'sync.db'));
    hub = new SyncHub({ sequencer, sync, clock, log: silentLog, driftMaxMs: 10_000n });
    hub.start();
    app = buildApp(
      {
        sequencer,
        version: 'test',
        confirmation: (h) => hub.confirmation(h),
        routes: [
          syncRoutes({
            store,
            sync,
            stream: hub.stream,
            receiveReport: (b) => hub.receiveReport(b),
          }),
        ],
      },
      { processMetrics: false },
    );
    await sequencer.submit(
      signTx(keys.user(0), CHAIN_ID, 1n, transferBody('CHR', keys.user(1).address, '1')),
    );
    await sequencer.produceBundle();
  });

  after(async () => {
    hub.stop();
    await app.close();
    store.close();
    sync.close();
  });

  it('documents each route with a success answer and the error envelope', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/docs/json' })).json() as {
      paths: Record<string, Record<string, { responses: object }>>;
    };
    const sync = Object.keys(doc.paths)
      .filter((p) => p.includes('/sync/') || p.endsWith('/certificate'))
      .sort();
    expect(sync).to.deep.equal([
      '/v1/bundles/{height}/certificate',
      '/v1/sync/attestations',
      '/v1/sync/attestations/{height}',
      '/v1/sync/bundles/{height}',
      '/v1/sync/dissonance',
      '/v1/sync/evidence',
      '/v1/sync/genesis',
      '/v1/sync/seals/{height}',
      '/v1/sync/stream',
    ]);
    for (const p of sync)
      for (const op of Object.values(doc.paths[p] ?? {}))
        expect(Object.keys(op.responses)).to.include.members(['200', '4XX', '5XX']);
  });

  it('serves the genesis with the hash replicas check', async () => {
    const body = (await app.inject({ method: 'GET', url: '/v1/sync/genesis' })).json() as {
      genesisHash: string;
      genesis: unknown;
    };
    expect(body.genesisHash).to.equal(genesisHashOf(genesis));
    expect(body.genesis).to.deep.equal(genesis);
  });

  it('serves the sealed bundle as replicas parse it, and 404 past the head', async () => {
    const res = await app.inject({ method: 'GET', url: '/v1/sync/bundles/0' });
    expect(res.statusCode).to.equal(200);
    const bundle = parseSealedBundle(res.json());
    expect(bundle.txs).to.have.length(1);
    expect(
      (await app.inject({ method: 'GET', url: '/v1/sync/bundles/1' })).json().error.code,
    ).to.equal('NOT_FOUND');
  });

  it('serves a seal, and names the next height it needs when it has none', async () => {
    const seal = (await app.inject({ method: 'GET', url: '/v1/sync/seals/0' })).json() as {
      sealHash: string;
    };
    expect(seal.sealHash).to.equal(store.coherence(0)?.sealHash);
    const none = (await app.inject({ method: 'GET', url: '/v1/sync/seals/5' })).json() as {
      error: { details: Record<string, number> };
    };
    expect(none.error.details).to.deep.equal({ height: 5, next: 1 });
  });

  it('judges reported attestations one by one, and certifies at the quorum', async () => {
    const row = store.coherence(0);
    if (row === undefined) throw new Error('no bundle');
    const attest = (i: number) =>
      attestationJson(
        signAttestation(
          {
            chainId: CHAIN_ID,
            height: 0n,
            sealHash: row.sealHash,
            entryHash: row.entryHash,
            replicaTimeMs: 1n,
          },
          replicaKey(i),
        ),
      );
    expect(
      (await app.inject({ method: 'GET', url: '/v1/bundles/0/certificate' })).statusCode,
    ).to.equal(404);
    const res = await app.inject({
      method: 'POST',
      url: '/v1/sync/attestations',
      payload: { attestations: [attest(0), { nonsense: true }, attest(1)] },
    });
    expect(res.statusCode).to.equal(200);
    const body = res.json() as {
      accepted: number;
      confirmed: number[];
      rejected: { index: number; code: string }[];
    };
    expect(body).to.deep.include({ accepted: 2, confirmed: [0] });
    expect(body.rejected.map((r) => [r.index, r.code])).to.deep.equal([[1, 'SYNC_MALFORMED']]);
    const cert = await app.inject({ method: 'GET', url: '/v1/bundles/0/certificate' });
    expect(cert.statusCode).to.equal(200);
    expect(cert.headers['x-certificate-hash']).to.equal(hub.confirmation(0));
    const tx = (
      await app.inject({ method: 'GET', url: `/v1/tx/${store.bundleTxHashes(0)[0]}` })
    ).json();
    expect(tx).to.deep.include({
      status: 'committed',
      confirmed: true,
      certificateHash: hub.confirmation(0),
    });
    const tooMany = await app.inject({
      method: 'POST',
      url: '/v1/sync/attestations',
      payload: { attestations: Array.from({ length: 257 }, () => ({})) },
    });
    expect(tooMany.statusCode).to.equal(400);
    expect(tooMany.json().error.code).to.equal('API_BAD_REQUEST');
  });
});
