/*
 * The entropy service against a local devnet beacon (own key, drand API) and a local QRNG replay,
 * with a clock the test moves. Every packet it derives is checked with verifyPacketEntropy, the
 * check the engine runs.
 *
 * EntropyService
 * ├── derives a fresh packet from the newest round: beacon, QRNG record, anchor, VDF; it verifies
 * ├── evaluates the next round once the current one nears the age bound; the seed order verifies
 * ├── a failing VDF worker is recorded, not thrown at the caller
 * ├── when the beacon goes down: keeps the last verified round, marks packets stale with OS
 * │   randomness, counts failures; the verdict's stale rounds reach CIR-511, which observe counts
 * ├── after a restart with the beacon down: resumes from the last packet's round
 * ├── with no round ever verified: prepare resolves false and derive gives nothing
 * └── derive gives nothing when the clock is behind the round, or the round is behind the
 *     previous packet's
 */
import { expect } from 'chai';
import {
  evaluateVdf,
  roundTimeMs,
  verifyPacketEntropy,
  type EntropyAnchor,
  type EntropyPacket,
} from '../../../runtime/entropy';
import { startBeaconServer } from '../../../runtime/entropy/beacon-server';
import { EntropyService, type EntropyServiceOptions } from '../../../runtime/entropy/service';
import type { BundleResult } from '../../../runtime/engine';
import type { DrvPacket } from '../../../runtime/ledger';
import { TEST_BEACON, testPolicy } from '../../support/entropy';
import { silentLog } from '../../support/node';
import { anuReplay, type ReplayServer } from '../../support/replay-servers';

const chain = TEST_BEACON.chain;
const policy = testPolicy();
const inline = { evaluate: async (input: string, t: bigint) => evaluateVdf(input, t) };

describe('EntropyService', () => {
  let now = roundTimeMs(chain, 1000n) + 100n;
  let anchor: EntropyAnchor | null = null;
  let beacon: Awaited<ReturnType<typeof startBeaconServer>>;
  let qrng: ReplayServer;
  const services: EntropyService[] = [];

  before(async () => {
    beacon = await startBeaconServer(TEST_BEACON, { nowMs: () => now });
    qrng = await anuReplay();
  });
  after(async () => {
    await Promise.all(services.map((s) => s.stop()));
    await beacon.close();
    await qrng.close();
  });

  function service(overrides: Partial<EntropyServiceOptions> = {}): EntropyService {
    const s = new EntropyService({
      chainId: 'qfs-test',
      policy,
      beacon: { urls: [beacon.url], chain, timeoutMs: 1000 },
      qrng: {
        url: qrng.url,
        provider: 'anu-quantum-numbers',
        apiKey: 'k',
        blocks: 2,
        blockSize: 4,
        timeoutMs: 1000,
        intervalMs: 60_000,
      },
      vdf: inline,
      nowMs: () => now,
      anchor: () => anchor,
      log: silentLog,
      waitMs: 5000,
      ...overrides,
    });
    services.push(s);
    return s;
  }

  /** The packet the sequencer would build at `height` now. */
  function stamp(s: EntropyService, height: bigint, previous: EntropyPacket | null) {
    const derived = s.derive({
      height,
      ttsTimestamp: now,
      previous: previous as DrvPacket | null,
    });
    if (derived === null) return null;
    return { chainId: 'qfs-test', sequence: height, ttsTimestamp: now, ...derived };
  }

  let main: EntropyService;
  let last: EntropyPacket;

  it('derives a fresh, verifiable packet from the newest round', async () => {
    main = service();
    anchor = { height: 2n, sealHash: 'a1'.repeat(32) };
    expect(await main.prepare()).to.equal(true);
    const packet = stamp(main, 3n, null) as EntropyPacket;
    const record = packet.entropy as Record<string, any>;
    expect(record.source).to.equal('beacon-vdf');
    expect(record.beacon.round).to.equal('1000');
    expect(record.anchor).to.deep.equal({ height: '2', sealHash: 'a1'.repeat(32) });
    expect(record.qrng).to.include({ provider: 'anu-quantum-numbers', requestId: 'replay-1' });
    expect(record.qrng.bytes).to.equal('2f2497d207a39d67dd537fa2b1c4c6b2');
    expect(verifyPacketEntropy(policy, packet, null)).to.include({ round: 1000n, staleRounds: 0n });
    expect(main.status()).to.deep.include({ mode: 'beacon-vdf', evaluating: false });
    last = packet;
  });

  it('evaluates the next round once the current one nears the age bound', async () => {
    now += 2500n;
    anchor = { height: 5n, sealHash: 'b2'.repeat(32) };
    expect(await main.prepare()).to.equal(true);
    const packet = stamp(main, 6n, last) as EntropyPacket;
    expect((packet.entropy as Record<string, any>).beacon.round).to.equal('1002');
    expect(verifyPacketEntropy(policy, packet, last)).to.include({ round: 1002n, staleRounds: 0n });
    // The QRNG is asked once per interval: the second round reuses its record.
    expect(qrng.requests).to.have.length(1);
    last = packet;
  });

  it('records a failing VDF worker instead of failing the caller', async () => {
    const broken = service({
      beacon: { urls: [beacon.url], chain, timeoutMs: 500 },
      vdf: { evaluate: () => Promise.reject(new Error('worker died')) },
    });
    expect(await broken.prepare()).to.equal(false);
    expect(broken.status().provider.lastError).to.equal('worker died');
  });

  it('keeps the last verified round when the beacon is down, marked stale, and counts CIR-511', async () => {
    await beacon.close();
    now += 9000n;
    expect(await main.prepare()).to.equal(true);
    const packet = stamp(main, 7n, last) as EntropyPacket;
    const record = packet.entropy as Record<string, any>;
    expect(record.source).to.equal('beacon-vdf-stale+os');
    expect(record.osRandom).to.match(/^[0-9a-f]{64}$/);
    expect(record.beacon.round).to.equal('1002');
    const verdict = verifyPacketEntropy(policy, packet, last);
    expect(verdict).to.include({ staleRounds: 9n, cir511: true });
    const status = main.status();
    expect(status.provider.reachable).to.equal(false);
    expect(status.provider.consecutiveFailures).to.be.at.least(1);
    expect(status.provider.lastError).to.match(/beacon devnet/);
    main.observe({ entropy: verdict, height: 7n } as unknown as BundleResult);
    expect(main.status().cir511Bundles).to.equal(1);
    expect(main.status().lastPacket).to.deep.equal({
      source: 'beacon-vdf-stale+os',
      round: '1002',
      staleRounds: '9',
      cir511: true,
    });
    last = packet;
  });

  it('resumes from the last packet’s round after a restart with the beacon down', async () => {
    const restarted = service({ beacon: { urls: ['http://127.0.0.1:1'], chain, timeoutMs: 500 } });
    restarted.resumeFrom(last as DrvPacket);
    expect(await restarted.prepare()).to.equal(true);
    const packet = stamp(restarted, 8n, last) as EntropyPacket;
    expect(verifyPacketEntropy(policy, packet, last).round).to.equal(1002n);
  });

  it('gives nothing when no round was ever verified', async () => {
    const fresh = service({ beacon: { urls: ['http://127.0.0.1:1'], chain, timeoutMs: 500 } });
    expect(await fresh.prepare()).to.equal(false);
    expect(stamp(fresh, 0n, null)).to.equal(null);
  });

  it('gives nothing when the clock is behind the round or the round behind the previous packet', async () => {
    const behind = service({ beacon: { urls: ['http://127.0.0.1:1'], chain, timeoutMs: 500 } });
    behind.resumeFrom(last as DrvPacket);
    const saved = now;
    now = roundTimeMs(chain, 1002n) - 1500n; // more than the 1 s skew before the round
    expect(stamp(behind, 9n, null)).to.equal(null);
    now = saved;
    const later = {
      ...last,
      entropy: { ...last.entropy, beacon: { ...(last.entropy as any).beacon, round: '1003' } },
    };
    expect(stamp(behind, 9n, later)).to.equal(null);
  });
});
