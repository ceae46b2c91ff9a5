/*
 * HolonetSync's confirmations on-chain, on the devnet (Hardhat node, contracts, sequencer, two
 * replicas as child processes) as an auditor checks them with ethers and the node's HTTP API:
 * ├── every committed height's quorum certificate is anchored after its seal: SealAnchor's root of
 * │   each range equals the Merkle root of the certificates the node serves, each of which verifies
 * │   under the genesis membership and certifies the seal anchored for that height
 * └── equivocation evidence the sequencer's store holds (two seals of one height signed by the
 *     sequencer key) is anchored once, by its hash
 * No timed assertions: every wait is bounded and polls state.
 */
import { expect } from 'chai';
import { pino } from 'pino';
import { runDemoWorkload, startDevnet, type Devnet } from '../../../runtime/cli/devnet';
import { bytesToHex, merkleRoot } from '../../../runtime/codec';
import { loadGenesis } from '../../../runtime/engine';
import { appendCoherenceEntry, keyLedgerView } from '../../../runtime/ledger';
import { loadKey, paths } from '../../../runtime/node/data-dir';
import {
  certificateHash,
  certificateIssue,
  evidenceHash,
  evidenceIssue,
  evidenceJson,
  membershipOf,
  parseCertificate,
  sealEvidence,
} from '../../../runtime/sync/protocol';
import { SyncStore } from '../../../runtime/sync/sync-store';
import { getJson, until } from '../../support/cluster';
import { tempDir } from '../../support/node';
import { signCoherenceSeal } from '../../support/seal';

describe('HolonetSync certificates and evidence anchored (devnet, two replicas)', function () {
  this.timeout(5 * 60_000);
  let devnet: Devnet;

  before(async () => {
    devnet = await startDevnet({
      dir: tempDir('qfs-sync-anchor-'),
      log: pino({ level: 'silent' }),
      apiPort: 0,
      replicas: 2,
    });
  });
  after(async () => {
    await devnet?.stop();
  });

  /** The anchoring service's passes until `done` holds (bounded). */
  const anchoredUntil = (what: string, done: () => Promise<boolean>) =>
    until(what, 120_000, async () => {
      await devnet.anchoring.service.tick();
      return done();
    });

  it('anchors a Merkle root of every height’s certificate, equal to the certificates served', async () => {
    const report = await runDemoWorkload(devnet, 6, 'qfs-devnet-insecure');
    const head = report.committedHeight;
    expect(report.confirmedHeight).to.be.at.least(head);
    const anchor = devnet.contracts.anchor;
    await anchoredUntil('certificates anchored to the head', async () => {
      const c = await anchor.certificateHead();
      return c.anchored && Number(c.nextHeight) > head;
    });
    expect(devnet.anchoring.service.status.onChain?.certificateHeight).to.be.at.least(head);

    const served = await getJson<{ genesis: Record<string, unknown> }>(
      `${devnet.node.url}/v1/sync/genesis`,
    );
    const membership = membershipOf(keyLedgerView(loadGenesis(served.genesis).state.keys), 0n);
    expect(membership.replicas).to.have.length(2);
    for (let h = 0; h <= head; h++) {
      const cert = parseCertificate(
        await getJson(`${devnet.node.url}/v1/bundles/${h}/certificate`),
      );
      expect(certificateIssue(cert, membership), `height ${h}`).to.equal(null);
      expect(`0x${cert.sealHash}`, `height ${h}`).to.equal(await anchor.sealHashAt(0, h));
      // The devnet's epoch is one bundle long: one range, one leaf, per height.
      expect(await anchor.certificateRootAt(h), `height ${h}`).to.equal(
        `0x${merkleRoot([certificateHash(cert)])}`,
      );
    }
    expect(await anchor.certificateRootAt(head + 1)).to.equal(`0x${'00'.repeat(32)}`);
  });

  it('anchors equivocation evidence against the sequencer key once, by its hash', async () => {
    const key = loadKey(devnet.dir, 'sequencer', 'qfs-devnet-insecure');
    const chainId = devnet.node.sequencer.state.chainId;
    const seal = (stateRoot: string) =>
      signCoherenceSeal(
        appendCoherenceEntry(null, {
          chainId,
          timestamp: 1n,
          packetHash: 'aa'.repeat(32),
          bundleHash: 'bb'.repeat(32),
          opLogHash: 'cc'.repeat(32),
          stateRoot,
          keyLedgerHead: 'dd'.repeat(32),
        }),
        { timestamp: 1n, quantumMetadata: {} },
        key,
      );
    const evidence = sealEvidence(
      seal('01'.repeat(32)),
      seal('02'.repeat(32)),
      bytesToHex(key.publicKey),
    );
    expect(evidenceIssue(evidence)).to.equal(null);
    const hash = evidenceHash(evidence);
    // What the hub does with evidence a replica found, through a second connection to its store.
    const sync = SyncStore.open(paths(devnet.dir).sync);
    const inserted = sync.insertEvidence({
      evidenceHash: hash,
      height: 0,
      kind: evidence.kind,
      signer: evidence.signer,
      evidence: JSON.stringify(evidenceJson(evidence)),
      foundMs: 0,
    });
    sync.close();
    expect(inserted).to.equal(true);
    const anchor = devnet.contracts.anchor;
    expect(await anchor.isEvidenceAnchored(`0x${hash}`)).to.equal(false);
    await anchoredUntil('the evidence anchored', () => anchor.isEvidenceAnchored(`0x${hash}`));
    const events = await anchor.queryFilter(anchor.filters.EvidenceAnchored());
    expect(events.map((e) => e.args.evidenceHash)).to.deep.equal([`0x${hash}`]);
    await devnet.anchoring.service.tick(); // a later pass does not send it again
    expect(await anchor.queryFilter(anchor.filters.EvidenceAnchored())).to.have.length(1);
  });
});
