/*
 * GET /v1/export (issue 19): the records `qfs export` writes, streamed over HTTP with limits.
 * ├── the whole ledger: the same lines as exportLines, and they verify to the head
 * ├── a slice from..to starts with a checkpoint and verifies on its own
 * └── a range the ledger does not hold, more bundles than one request may carry, or an unknown
 *     parameter: 400 API_BAD_REQUEST
 */
import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import { buildApp } from '../../../../runtime/node/api';
import { exportLines } from '../../../../runtime/node/export/export-store';
import { EXPORT_BUNDLES_PER_REQUEST_MAX } from '../../../../runtime/node/export/records';
import { verifyExportFile } from '../../../../runtime/node/export/verify-export';
import { expectError } from '../../../support/api';
import { ledgerCopy } from '../../../support/ledger';
import { openSequencer, tempDir } from '../../../support/node';

async function exportNode() {
  const seq = await openSequencer(await ledgerCopy());
  const app = buildApp({ sequencer: seq, version: '0.0.0-test' }, { processMetrics: false });
  return {
    seq,
    app,
    close: async () => {
      await app.close();
      seq.store.close();
    },
  };
}

function verifyText(text: string) {
  const file = path.join(tempDir('qfs-export-api-'), 'ledger.jsonl');
  fs.writeFileSync(file, text);
  return verifyExportFile(file);
}

describe('GET /v1/export', function () {
  this.timeout(120_000);

  it('streams the whole ledger as the records qfs export writes, which verify to the head', async () => {
    const node = await exportNode();
    try {
      const res = await node.app.inject({ method: 'GET', url: '/v1/export' });
      expect(res.statusCode).to.equal(200);
      expect(res.headers['content-type']).to.match(/^application\/x-ndjson/);
      const expected = [...exportLines(node.seq.store)].map((l) => `${l}\n`).join('');
      expect(res.body).to.equal(expected);
      const result = await verifyText(res.body);
      expect(result.difference).to.equal(null);
      expect(result.stateRoot).to.equal(node.seq.state.stateRoot);
    } finally {
      await node.close();
    }
  });

  it('streams a slice that starts with a checkpoint and verifies on its own', async () => {
    const node = await exportNode();
    try {
      const res = await node.app.inject({ method: 'GET', url: '/v1/export?from=1&to=2' });
      expect(res.statusCode).to.equal(200);
      const records = res.body
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { record: string }).record);
      expect(records.slice(0, 3)).to.deep.equal(['header', 'genesis', 'checkpoint']);
      const result = await verifyText(res.body);
      expect(result.difference).to.equal(null);
      expect(result.height).to.equal(2);
      expect(result.stateRoot).to.equal(node.seq.store.bundle(2)?.stateRoot);
    } finally {
      await node.close();
    }
  });

  it('answers 400 for a range the ledger does not hold, too many bundles, or an unknown parameter', async () => {
    const node = await exportNode();
    try {
      const beyond = await node.app.inject({ method: 'GET', url: '/v1/export?to=9' });
      expect(expectError(beyond, 'API_BAD_REQUEST')).to.deep.include({ head: 3, to: 9 });
      const many = await node.app.inject({
        method: 'GET',
        url: `/v1/export?from=0&to=${EXPORT_BUNDLES_PER_REQUEST_MAX}`,
      });
      expect(expectError(many, 'API_BAD_REQUEST')).to.deep.include({
        max: EXPORT_BUNDLES_PER_REQUEST_MAX,
      });
      expectError(
        await node.app.inject({ method: 'GET', url: '/v1/export?since=1' }),
        'API_BAD_REQUEST',
      );
      expectError(
        await node.app.inject({ method: 'GET', url: '/v1/export?from=-1' }),
        'API_BAD_REQUEST',
      );
    } finally {
      await node.close();
    }
  });
});
