/*
 * A sequencer on a chain with an entropy policy, its seeds from a local drand-compatible beacon
 * (own key, real HTTP) and the VDF worker; status and metrics through the API (inject).
 *
 * Sequencer with the entropy service
 * ├── stamps every packet with a beacon-VDF seed; the engine's verdict and /v1/status agree
 * ├── beacon unreachable: keeps producing on the last verified round with OS randomness, marked
 * │   stale; CIR-511 once the configured number of rounds is stale, on /v1/status and /metrics;
 * │   the ledger still replays
 * └── a sequencer substituting its own seed is rejected (CIR-302 with the DRV_ENTROPY_* code),
 *     both with a beacon record and with a record of its own
 */
import { expect } from 'chai';
import { canonicalString } from '../../../runtime/codec';
import { entropyPolicyJson, type EntropyPolicy } from '../../../runtime/entropy';
import { startBeaconServer } from '../../../runtime/entropy/beacon-server';
import { EntropyService } from '../../../runtime/entropy/service';
import { VdfPool } from '../../../runtime/entropy/vdf-pool';
import { loadGenesis } from '../../../runtime/engine';
import { buildApp } from '../../../runtime/node/api';
import { verifyStore } from '../../../runtime/node/verify';
import { osEntropy, systemClock, type EntropySource } from '../../../runtime/node/clock';
import { Sequencer } from '../../../runtime/node/sequencer';
import { NodeStore } from '../../../runtime/node/store';
import { signTx, transferBody } from '../../../runtime/sdk/tx-builder';
import { CHAIN_ID, keys, testGenesis } from '../../support/engine';
import { TEST_BEACON, testPolicy } from '../../support/entropy';
import { silentLog, tempDir } from '../../support/node';
import path from 'node:path';

const policy: EntropyPolicy = testPolicy({ roundAgeMaxMs: '2000', staleRoundsCir511: '3' });

/** A store whose genesis carries the entropy policy (as `qfs init` writes). */
function policyStore(): string {
  const file = path.join(tempDir('qfs-entropy-'), 'qfs.db');
  const store = NodeStore.open(file);
  const genesis = { ...testGenesis(2), entropy: entropyPolicyJson(policy) };
  store.setMeta('genesis', canonicalString(genesis));
  const { keyGenesis } = loadGenesis(genesis);
  store.insertKeyEntry(0, canonicalString(keyGenesis), keyGenesis.entryHash);
  store.close();
  return file;
}

async function until(what: string, check: () => boolean, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('Sequencer with the entropy service', function () {
  this.timeout(120_000);
  const file = policyStore();
  const vdf = new VdfPool();
  let beacon: Awaited<ReturnType<typeof startBeaconServer>>;
  let seq: Sequencer;
  let service: EntropyService;
  let nonce = 0n;
  const send = async () => {
    nonce += 1n;
    const wire = signTx(
      keys.user(0),
      CHAIN_ID,
      nonce,
      transferBody('CHR', keys.user(1).address, '1'),
    );
    return (await seq.submit(wire)).txHash;
  };

  before(async () => {
    beacon = await startBeaconServer(TEST_BEACON, { nowMs: () => systemClock.nowMs() });
    service = new EntropyService({
      chainId: CHAIN_ID,
      policy,
      beacon: { urls: [beacon.url], chain: TEST_BEACON.chain, timeoutMs: 500 },
      qrng: null,
      vdf,
      nowMs: () => systemClock.nowMs(),
      anchor: () =>
        seq === undefined || seq.state.height === 0n
          ? null
          : { height: seq.state.height - 1n, sealHash: seq.lastSealHash },
      log: silentLog,
      waitMs: 5000,
    });
    seq = await Sequencer.open({
      store: NodeStore.open(file),
      key: keys.sequencer,
      clock: systemClock,
      entropy: service,
      limits: { bundleIntervalMs: 0, ackBatchDelayMs: 0 },
      log: silentLog,
    });
    seq.on('bundle', (r) => service.observe(r));
  });
  after(async () => {
    await service.stop();
    await vdf.close();
    await beacon.close();
    seq.store.close();
  });

  it('stamps packets with beacon-VDF seeds; the verdict and /v1/status agree', async () => {
    await send();
    const result = await seq.produceBundle();
    expect(result?.entropy).to.deep.include({ source: 'beacon-vdf', cir511: false });
    const record = seq.state.lastPacket?.entropy as Record<string, any>;
    expect(record.beacon.chainHash).to.equal(TEST_BEACON.chain.chainHash);
    expect(record.vdf.t).to.equal(policy.vdfT.toString());
    expect(record.anchor).to.equal(null); // the first round is bound to no seal yet
    await send();
    await seq.produceBundle();
    const app = buildApp({ sequencer: seq, version: 't', entropyStatus: () => service.status() });
    const status = (await app.inject({ url: '/v1/status' })).json();
    expect(status.entropy.mode).to.equal('beacon-vdf');
    expect(status.entropy.provider.reachable).to.equal(true);
    expect(status.entropy.lastPacket.source).to.equal('beacon-vdf');
    await app.close();
  });

  it('keeps producing on the last verified round when the beacon is down, stale and then CIR-511', async () => {
    await beacon.close();
    // Past the 2 s bound the packet is stale; three rounds behind it is a CIR-511 dissonance.
    const lastRoundMs = BigInt(service.status().round?.timeMs ?? '0');
    await until('three rounds to pass', () => systemClock.nowMs() > lastRoundMs + 3200n);
    await send();
    const result = await seq.produceBundle();
    expect(result?.entropy?.source).to.equal('beacon-vdf-stale+os');
    expect(result?.entropy?.staleRounds !== undefined && result.entropy.staleRounds >= 3n).to.equal(
      true,
    );
    expect(result?.entropy?.cir511).to.equal(true);
    const record = seq.state.lastPacket?.entropy as Record<string, any>;
    expect(record.osRandom).to.match(/^[0-9a-f]{64}$/);

    const app = buildApp({ sequencer: seq, version: 't', entropyStatus: () => service.status() });
    const status = (await app.inject({ url: '/v1/status' })).json();
    expect(status.entropy.provider.reachable).to.equal(false);
    expect(status.entropy.lastPacket).to.include({ source: 'beacon-vdf-stale+os', cir511: true });
    expect(status.entropy.cir511Bundles).to.equal(1);
    const metrics = (await app.inject({ url: '/metrics' })).body;
    expect(metrics).to.match(/^qfs_entropy_cir511_bundles 1$/m);
    expect(metrics).to.match(/^qfs_entropy_stale_rounds [3-9]/m);
    expect(metrics).to.match(/^qfs_entropy_fresh 0$/m);
    expect(metrics).to.match(/^qfs_entropy_provider_failures [1-9]/m);
    await app.close();

    const replay = await verifyStore(seq.store);
    expect(replay.difference).to.equal(null);
    expect(replay.stateRoot).to.equal(seq.state.stateRoot);
  });

  const substitutes: [string, (real: EntropySource) => EntropySource, string][] = [
    [
      'a seed of its own with the beacon record',
      (real) => ({
        prepare: () => real.prepare?.() ?? Promise.resolve(true),
        derive: (ctx) => {
          const honest = real.derive(ctx);
          return honest === null ? null : { ...honest, seed: 'ab'.repeat(32) };
        },
      }),
      'DRV_ENTROPY_SEED_MISMATCH',
    ],
    ['OS randomness of its own', () => osEntropy, 'DRV_ENTROPY_SOURCE_MISMATCH'],
  ];
  substitutes.forEach(([what, make, code], i) => {
    it(`rejects a sequencer that substitutes ${what}: CIR-302 with ${code}`, async () => {
      const other = await Sequencer.open({
        store: NodeStore.open(file),
        key: keys.sequencer,
        clock: systemClock,
        entropy: make(service),
        limits: { bundleIntervalMs: 0, ackBatchDelayMs: 0 },
        log: silentLog,
      });
      const height = other.state.height;
      nonce += 1n;
      const wire = signTx(
        keys.user(0),
        CHAIN_ID,
        nonce,
        transferBody('CHR', keys.user(1).address, `${2 + i}`),
      );
      const { txHash } = await other.submit(wire);
      expect(await other.produceBundle()).to.equal(null);
      expect(other.halted?.cir).to.equal(302);
      expect(other.halted?.reason).to.equal(`bundle failed: ${code}`);
      expect(other.state.height).to.equal(height);
      // The operator clears the halt so the next case starts from a running node.
      other.resume('test: next case');
      nonce -= 1n;
      other.store.rejectMempool([{ txHash, code: 'TEST', reason: 'test case over', atMs: 0 }]);
      other.store.close();
    });
  });
});
