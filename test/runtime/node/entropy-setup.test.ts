/*
 * setUpEntropy: the node's entropy from the genesis policy and config.json.
 *
 * ├── a genesis without a policy: OS randomness, no service, status null
 * ├── the devnet genesis: the first beacon (the devnet's), served by the node on loopback, whose
 * │   rounds verify; "entropyBeacon": "quicknet" selects quicknet's relays instead
 * └── NODE_CONFIG for a beacon the genesis does not name, and for a QRNG URL without its key (before starting anything)
 */
import { expect } from 'chai';
import { entropyPolicyJson, parseEntropyPolicy, QUICKNET } from '../../../runtime/entropy';
import { fetchBeaconRound } from '../../../runtime/entropy/beacon-client';
import { readDevnetBeacon } from '../../../runtime/entropy/beacon-server';
import { DEFAULT_CONFIG, initDataDir, paths } from '../../../runtime/node/data-dir';
import { osEntropy } from '../../../runtime/node/clock';
import { QUICKNET_RELAYS, setUpEntropy } from '../../../runtime/node/entropy-setup';
import { silentLog, tempDir } from '../../support/node';

describe('setUpEntropy', function () {
  this.timeout(60_000);
  const dir = tempDir('qfs-entropy-setup-');
  initDataDir({ dir, passphrase: 'p', scryptN: 2 ** 14, nowMs: BigInt(Date.now()), vdfT: 64n });
  const devnet = readDevnetBeacon(paths(dir).devnetBeacon);
  const policy = parseEntropyPolicy({
    beacons: [devnet.chain, QUICKNET].map((c) => ({
      ...c,
      genesisTime: c.genesisTime.toString(),
      periodSeconds: c.periodSeconds.toString(),
    })),
  });
  const base = {
    dir,
    chainId: 'qfs-devnet',
    nowMs: () => BigInt(Date.now()),
    log: silentLog,
    anchor: () => null,
    env: {},
  };

  it('uses OS randomness on a chain without a policy', async () => {
    const e = await setUpEntropy({ ...base, config: DEFAULT_CONFIG, policy: null });
    expect(e.source).to.equal(osEntropy);
    expect([e.service, e.status()]).to.deep.equal([null, null]);
  });

  it('serves and fetches the devnet beacon by default; quicknet by one config line', async () => {
    const e = await setUpEntropy({ ...base, config: DEFAULT_CONFIG, policy });
    try {
      expect(e.status()?.beacon.name).to.equal('devnet');
      const url = e.beaconUrl as string;
      expect(url).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
      const round = await fetchBeaconRound(
        { urls: [url], chain: devnet.chain, timeoutMs: 2000 },
        'latest',
      );
      expect(round.round >= 1n).to.equal(true);
    } finally {
      await e.close();
    }
    const q = await setUpEntropy({
      ...base,
      config: { ...DEFAULT_CONFIG, entropyBeacon: 'quicknet' },
      policy,
    });
    try {
      expect(q.beaconUrl).to.equal(null);
      expect(q.status()?.beacon).to.deep.equal({
        name: 'quicknet',
        chainHash: QUICKNET.chainHash,
        urls: [...QUICKNET_RELAYS],
      });
    } finally {
      await q.close();
    }
  });

  it('throws NODE_CONFIG for a beacon the genesis does not name, and a QRNG URL without a key', async () => {
    const unknown = await setUpEntropy({
      ...base,
      config: { ...DEFAULT_CONFIG, entropyBeacon: 'mainnet' },
      policy,
    }).catch((e: unknown) => e);
    expect(unknown).to.have.property('code', 'NODE_CONFIG');
    expect((unknown as Error).message).to.match(
      /"mainnet" is not a beacon of the genesis \(devnet, quicknet\)/,
    );
    const noKey = await setUpEntropy({
      ...base,
      config: { ...DEFAULT_CONFIG, entropyQrngUrl: 'http://127.0.0.1:1' },
      policy,
    }).catch((e: unknown) => e);
    expect(noKey).to.have.property('code', 'NODE_CONFIG');
    expect((noKey as Error).message).to.match(/QFS_QRNG_API_KEY/);
    expect(entropyPolicyJson(policy)).to.have.property('beacons').with.length(2);
  });
});
