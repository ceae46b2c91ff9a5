/*
 * The quantum integration test (issue 22): the whole devnet flow — a Hardhat chain (child
 * process), the contracts, the node with its own drand-compatible beacon (real HTTP, its own BLS
 * key), a QRNG provider replaying the recorded ANU answer, the VDF worker, signed transactions,
 * bundles, anchoring — with every packet's seed derived from beacon + VDF. Then, offline:
 *
 * ├── every packet's record verifies and names the beacon round, the QRNG bytes and the VDF
 * ├── `qfs verify` passes and `qfs replay` recomputes the node's state root and head hash
 * ├── a changed beacon signature, VDF output, VDF proof, round or QRNG byte in a stored packet
 * │   (re-signed by the sequencer key, so only the entropy check and the seal can object) is caught by
 * │   `qfs verify` naming the stored packet and the check it fails; so is a seed the sequencer
 * │   substituted
 * └── a byte changed without the sequencer key: the stored packet is not the one the seal names
 *
 * Kept lean: a 1 s beacon, T = 1024, a dozen transactions.
 */
import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import {
  DEVNET_PASSPHRASE,
  runDemoWorkload,
  startDevnet,
  type Devnet,
} from '../../../runtime/cli/devnet';
import { verifyPacketEntropy } from '../../../runtime/entropy';
import { parsePacket, signPacket, type DrvPacket } from '../../../runtime/ledger';
import { initDataDir, loadKey, paths } from '../../../runtime/node/data-dir';
import { NodeStore, toText } from '../../../runtime/node/store';
import { runCli } from '../../support/cli';
import { silentLog, tempDir } from '../../support/node';
import { anuReplay, type ReplayServer } from '../../support/replay-servers';

describe('quantum integration: the devnet flow with beacon + VDF seeds', function () {
  this.timeout(10 * 60_000);
  const dir = tempDir('qfs-quantum-');
  let qrng: ReplayServer;
  let devnet: Devnet | null = null;
  let status: { stateRoot: string; headHash: string; height: number };
  const savedKey = process.env.QFS_QRNG_API_KEY;

  before(async () => {
    qrng = await anuReplay();
    initDataDir({
      dir,
      passphrase: DEVNET_PASSPHRASE,
      scryptN: 2 ** 14,
      nowMs: BigInt(Date.now()),
      vdfT: 1024n,
      beaconPeriodSeconds: 1n,
    });
    const config = JSON.parse(fs.readFileSync(paths(dir).config, 'utf8'));
    config.entropyQrngUrl = qrng.url;
    config.entropyQrngIntervalMs = 1000;
    fs.writeFileSync(paths(dir).config, JSON.stringify(config));
    process.env.QFS_QRNG_API_KEY = 'replay-key';
    devnet = await startDevnet({ dir, passphrase: DEVNET_PASSPHRASE, log: silentLog });
  });

  after(async () => {
    await devnet?.stop();
    await qrng.close();
    if (savedKey === undefined) delete process.env.QFS_QRNG_API_KEY;
    else process.env.QFS_QRNG_API_KEY = savedKey;
  });

  it('commits and anchors a workload whose every packet seed derives from beacon + VDF', async () => {
    const d = devnet as Devnet;
    const report = await runDemoWorkload(d, 12, DEVNET_PASSPHRASE);
    expect(report.anchoredHeight).to.equal(report.committedHeight);
    const seq = d.node.sequencer;
    status = {
      stateRoot: seq.state.stateRoot,
      headHash: seq.coherenceHead?.entryHash ?? '',
      height: report.committedHeight,
    };
    const policy = seq.state.entropy;
    if (policy === null) throw new Error('the devnet genesis has no entropy policy');
    let previous: DrvPacket | null = null;
    const seeds = new Set<string>();
    for (let h = 0; h <= report.committedHeight; h++) {
      const packet = parsePacket(JSON.parse(seq.store.bundle(h)?.packet ?? 'null'));
      const record = packet.entropy as Record<string, any>;
      expect(record.source, `packet ${h}`).to.equal('beacon-vdf');
      expect(record.qrng).to.include({
        provider: 'anu-quantum-numbers',
        bytes: '2f2497d207a39d67dd537fa2b1c4c6b2',
      });
      expect(record.beacon.chainHash).to.equal(policy.beacons[0]?.chainHash);
      expect(record.vdf.t).to.equal('1024');
      verifyPacketEntropy(policy, packet, previous);
      seeds.add(packet.seed);
      previous = packet;
    }
    expect(seeds.size).to.equal(report.committedHeight + 1);
    expect(qrng.requests.length).to.be.at.least(1);
    expect(qrng.requests[0]?.headers['x-api-key']).to.equal('replay-key');
    const entropy = d.node.entropy.status();
    expect(entropy?.lastPacket?.source).to.equal('beacon-vdf');
    expect(entropy?.qrng?.reachable).to.equal(true);
    await d.stop();
    devnet = null;
  });

  it('verifies and replays offline to the same hashes', async () => {
    const verify = await runCli(['verify', '--dir', dir, '--quiet']);
    expect(verify.code, verify.stdout + verify.stderr).to.equal(0);
    expect(verify.stdout).to.match(new RegExp(`^ok: ${status.height + 1} bundles`));
    const replay = await runCli(['replay', '--dir', dir, '--json']);
    const out = JSON.parse(replay.stdout) as { stateRoot: string; headHash: string };
    expect(out.stateRoot).to.equal(status.stateRoot);
    expect(out.headHash).to.equal(status.headHash);
  });

  /** A copy of the data directory with the packet at `height` edited and re-signed. */
  function tampered(edit: (p: Record<string, any>) => void, resign = true): string {
    const copy = tempDir('qfs-quantum-tampered-');
    for (const name of fs.readdirSync(dir))
      if (name.startsWith('qfs.db')) fs.copyFileSync(path.join(dir, name), path.join(copy, name));
    const store = NodeStore.open(path.join(copy, 'qfs.db'));
    try {
      const height = status.height;
      const json = JSON.parse(store.bundle(height)?.packet ?? 'null') as Record<string, any>;
      edit(json);
      let packet: DrvPacket = parsePacket(json);
      if (resign) {
        const key = loadKey(dir, 'sequencer', DEVNET_PASSPHRASE);
        packet = signPacket(packet, key);
      }
      store.rawExec('UPDATE bundles SET packet = ? WHERE height = ?', toText(packet), height);
    } finally {
      store.close();
    }
    return copy;
  }

  const flip = (hex: string, at: number) =>
    `${hex.slice(0, at)}${((parseInt(hex[at] as string, 16) + 1) % 16).toString(16)}${hex.slice(at + 1)}`;
  const cases: [string, (p: Record<string, any>) => void, string][] = [
    [
      'the beacon signature',
      (p) => (p.entropy.beacon.signature = flip(p.entropy.beacon.signature, 20)),
      'DRV_ENTROPY_BEACON_SIGNATURE',
    ],
    [
      'the VDF output',
      (p) => (p.entropy.vdf.output = flip(p.entropy.vdf.output, 300)),
      'DRV_ENTROPY_VDF_PROOF',
    ],
    [
      'the VDF proof',
      (p) => (p.entropy.vdf.proof = flip(p.entropy.vdf.proof, 300)),
      'DRV_ENTROPY_VDF_PROOF',
    ],
    [
      'the round',
      (p) => (p.entropy.beacon.round = String(BigInt(p.entropy.beacon.round) + 1n)),
      'DRV_ENTROPY_BEACON_SIGNATURE',
    ],
    [
      'a QRNG byte',
      (p) => (p.entropy.qrng.bytes = flip(p.entropy.qrng.bytes, 0)),
      'DRV_ENTROPY_QRNG_HASH',
    ],
    [
      'the seed (a sequencer substituting its own)',
      (p) => (p.seed = flip(p.seed, 0)),
      'DRV_ENTROPY_SEED_MISMATCH',
    ],
  ];
  for (const [what, edit, code] of cases) {
    it(`makes qfs verify fail at the packet naming ${code} when ${what} changed`, async () => {
      const copy = tampered(edit);
      const verify = await runCli(['verify', '--dir', copy, '--quiet']);
      expect(verify.code).to.equal(1);
      // The stored packet is no longer the one the seal names: the report names the cell and
      // the entropy check the changed packet fails.
      expect(verify.stdout, verify.stdout).to.match(
        new RegExp(`^MISMATCH at height ${status.height}: bundles .*: packet: .*fails ${code}`),
      );
    });
  }

  it('makes qfs verify fail the stored packet when a byte changed without the sequencer key', async () => {
    const copy = tampered((p) => (p.entropy.vdf.proof = flip(p.entropy.vdf.proof, 300)), false);
    const verify = await runCli(['verify', '--dir', copy, '--quiet']);
    expect(verify.code).to.equal(1);
    expect(verify.stdout).to.match(/: packet: expected a packet hashing to [0-9a-f]{64}/);
  });
});
