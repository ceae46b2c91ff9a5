/*
 * The devnet beacon server: drand's HTTP API over a key of its own, fetched and verified with the
 * same client as quicknet.
 *
 * ├── /info is a drand chain description whose hash recomputes to the chain's
 * ├── latest is the round of the clock; every served round verifies under the chain key
 * ├── a future round is 404; another chain hash is 404
 * └── a beacon file round-trips; a file whose key does not match its chain is refused
 */
import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import { beaconChainFromDrandInfo, roundTimeMs } from '../../../runtime/entropy';
import { fetchBeaconRound } from '../../../runtime/entropy/beacon-client';
import {
  createDevnetBeacon,
  readDevnetBeacon,
  startBeaconServer,
  writeDevnetBeacon,
} from '../../../runtime/entropy/beacon-server';
import { tempDir } from '../../support/node';
import { TEST_BEACON } from '../../support/entropy';

describe('startBeaconServer', () => {
  const chain = TEST_BEACON.chain;
  let now = roundTimeMs(chain, 500n) + 250n;
  let server: Awaited<ReturnType<typeof startBeaconServer>>;
  before(async () => {
    server = await startBeaconServer(TEST_BEACON, { nowMs: () => now });
  });
  after(() => server.close());
  const options = { urls: [''], chain, timeoutMs: 2000 };

  it('serves a drand /info whose chain hash recomputes', async () => {
    const info = await (await fetch(`${server.url}/${chain.chainHash}/info`)).json();
    expect(beaconChainFromDrandInfo(info, 'devnet')).to.deep.equal(chain);
  });

  it('serves the round of the clock as latest, verified by the quicknet client', async () => {
    const latest = await fetchBeaconRound({ ...options, urls: [server.url] }, 'latest');
    expect(latest.round).to.equal(500n);
    now += 1000n;
    expect((await fetchBeaconRound({ ...options, urls: [server.url] }, 'latest')).round).to.equal(
      501n,
    );
    expect((await fetchBeaconRound({ ...options, urls: [server.url] }, 17n)).round).to.equal(17n);
  });

  it('answers 404 for a round not yet published and for another chain', async () => {
    expect((await fetch(`${server.url}/${chain.chainHash}/public/999999`)).status).to.equal(404);
    expect((await fetch(`${server.url}/${'00'.repeat(32)}/public/latest`)).status).to.equal(404);
  });
});

describe('writeDevnetBeacon / readDevnetBeacon', () => {
  it('round-trips a beacon (mode 0600) and refuses a key that is not the chain’s', () => {
    const dir = tempDir('qfs-beacon-');
    const file = path.join(dir, 'beacon-devnet.json');
    const beacon = createDevnetBeacon({ genesisTime: 1_700_000_000n, periodSeconds: 3n });
    writeDevnetBeacon(file, beacon);
    expect(fs.statSync(file).mode & 0o777).to.equal(0o600);
    expect(readDevnetBeacon(file)).to.deep.equal(beacon);
    const other = JSON.parse(fs.readFileSync(file, 'utf8'));
    other.secretKey = Buffer.from(TEST_BEACON.secretKey).toString('hex');
    fs.writeFileSync(file, JSON.stringify(other));
    expect(() => readDevnetBeacon(file)).to.throw(/does not match/);
  });
});
