/*
 * HolonetSync with real processes on loopback: one sequencer (`qfs start`) and three replicas
 * (`qfs replica start`), each a child process on a free port, sharing one cluster across the cases
 * (the destructive ones last):
 * ├── every height gets a certificate with ≥ k cosignatures that verifies offline; every replica's
 * │   state root and head hash equal the sequencer's; reads from a replica equal the sequencer's
 * ├── SIGKILL one replica under load: confirmations continue with the other two; restarted, it
 * │   catches up from its store and cosigns again
 * ├── SIGSTOP one replica under load (a partition): the same, after SIGCONT
 * ├── a replica's store tampered while it was stopped: it starts quarantined (CIR-412) with the
 * │   place in its status, refuses to cosign, and the others keep confirming
 * ├── a replica whose clock is 1 h behind (injected, in this process): CIR-511 records, signed,
 * │   no cosignature, and CIR-302 after dissonanceEscalationCount bundles in a row
 * └── a byzantine sequencer (this test, holding the sequencer key) signs two bundles for one
 *     height: the replicas find the equivocation (peer cross-check before cosigning, then the
 *     pair itself), serve verifiable evidence, refuse the key from then on, and neither seal
 *     reaches k cosignatures
 * No timed assertions: every wait is bounded and polls state.
 */
import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import { hexToBytes } from '../../../runtime/codec';
import { loadGenesis } from '../../../runtime/engine';
import { keyLedgerView } from '../../../runtime/ledger';
import { loadKey } from '../../../runtime/node/data-dir';
import { NodeStore } from '../../../runtime/node/store';
import { QfsClient } from '../../../runtime/sdk/client';
import { signTx, transferBody } from '../../../runtime/sdk/tx-builder';
import {
  certificateIssue,
  dissonanceIssue,
  evidenceIssue,
  membershipOf,
  parseCertificate,
  parseDissonance,
  parseEvidence,
} from '../../../runtime/sync/protocol';
import { initReplicaDir, genesisHashOf } from '../../../runtime/sync/replica-dir';
import { startReplica } from '../../../runtime/sync/replica-node';
import { SyncStore } from '../../../runtime/sync/sync-store';
import { equivocate } from '../../support/byzantine';
import {
  exitOf,
  freePort,
  getJson,
  initReplica,
  spawnQfs,
  until,
  type Proc,
} from '../../support/cluster';
import { silentLog, tempDir } from '../../support/node';
import { TEST_PASSPHRASE, qfsSync } from '../../support/node-process';

type Status = {
  chainId: string;
  height: number | null;
  stateRoot: string;
  headHash: string;
  halted: { cir: number; reason: string; evidence?: Record<string, string> } | null;
  sync: Record<string, unknown> & {
    confirmedHeight: number;
    replicas?: { address: string; attestedHeight: number }[];
    cosignedHeight?: number;
  };
};

describe('HolonetSync cluster (child processes on loopback)', function () {
  this.timeout(15 * 60_000);
  const root = tempDir('qfs-cluster-');
  const seqDir = path.join(root, 'sequencer');
  const replicaDirs = [1, 2, 3].map((i) => path.join(root, `replica-${i}`));
  let seq: Proc;
  const replicas: (Proc | null)[] = [null, null, null];
  let ports: number[] = [];
  let client: QfsClient;
  let genesis: unknown;
  const nonces = new Map<string, bigint>();

  const status = (url: string) => getJson<Status>(`${url}/v1/status`);
  const startReplicaProc = async (i: number) => {
    replicas[i] = await spawnQfs(['replica', 'start', '--dir', replicaDirs[i] as string]);
    return replicas[i] as Proc;
  };
  /** Sends `count` signed transfers from the demo accounts in batches; resolves with their hashes. */
  const load = async (count: number): Promise<string[]> => {
    const accounts = ['alice', 'bob', 'carol'].map((n) => loadKey(seqDir, n, TEST_PASSPHRASE));
    const chainId = (await client.status()).chainId;
    const wires = [];
    for (let i = 0; i < count; i++) {
      const from = accounts[i % 3] as (typeof accounts)[number];
      const to = accounts[(i + 1) % 3] as (typeof accounts)[number];
      const nonce = (nonces.get(from.address) ?? 0n) + 1n;
      nonces.set(from.address, nonce);
      wires.push(signTx(from, chainId, nonce, transferBody('CHR', to.address, `0.${1 + (i % 9)}`)));
    }
    const hashes: string[] = [];
    for (let i = 0; i < wires.length; i += 32) {
      const results = await client.submitBatch(wires.slice(i, i + 32));
      for (const r of results) {
        if (r instanceof Error) throw r;
        hashes.push(r.txHash);
      }
    }
    return hashes;
  };
  const committed = (hashes: readonly string[]) =>
    until('transactions to commit', 120_000, async () => {
      for (const h of hashes) if ((await client.tx(h)).status !== 'committed') return false;
      return true;
    });
  const confirmedTo = (height: number) =>
    until(`height ${height} to be confirmed`, 120_000, async () => {
      const s = await status(seq.url);
      return s.sync.confirmedHeight >= height ? s : false;
    });
  const certificate = (height: number) => getJson(`${seq.url}/v1/bundles/${height}/certificate`);

  before(async () => {
    const init = qfsSync(['init', '--dir', seqDir, '--kdf-log-n', '14', '--replicas', '3']);
    expect(init.status, init.stderr).to.equal(0);
    // Short bundle intervals keep the heights coming under the small loads here.
    const config = JSON.parse(fs.readFileSync(path.join(seqDir, 'config.json'), 'utf8'));
    fs.writeFileSync(
      path.join(seqDir, 'config.json'),
      JSON.stringify({ ...config, bundleIntervalMs: 100 }),
    );
    seq = await spawnQfs(['start', '--dir', seqDir, '--port', '0']);
    client = new QfsClient(seq.url);
    const served = await getJson<{ genesisHash: string; genesis: unknown }>(
      `${seq.url}/v1/sync/genesis`,
    );
    genesis = served.genesis;
    expect(served.genesisHash).to.equal(
      genesisHashOf(JSON.parse(fs.readFileSync(path.join(seqDir, 'genesis.json'), 'utf8'))),
    );
    ports = [await freePort(), await freePort(), await freePort()];
    replicaDirs.forEach((dir, i) =>
      initReplica({
        dir,
        sequencerDir: seqDir,
        index: i + 1,
        follow: seq.url,
        genesisHash: served.genesisHash,
        port: ports[i] as number,
        peers: ports.filter((_, j) => j !== i),
      }),
    );
    await Promise.all([0, 1, 2].map((i) => startReplicaProc(i)));
  });

  after(async () => {
    for (const r of replicas) {
      if (r === null) continue;
      if (r.child.signalCode === 'SIGSTOP') r.child.kill('SIGCONT');
      r.child.kill('SIGKILL');
    }
    seq?.child.kill('SIGKILL');
  });

  it('confirms every height with ≥ k cosignatures; replicas hold the same state and serve the same reads', async () => {
    const hashes = await load(90);
    await committed(hashes);
    const head = (await status(seq.url)).height as number;
    const s = await confirmedTo(head);
    const membership = membershipOf(keyLedgerView(loadGenesis(genesis).state.keys), 0n);
    expect(membership.replicas).to.have.length(3);
    expect(membership.quorum).to.equal(2n);
    expect(s.sync.quorum).to.equal(2);
    for (let h = 0; h <= head; h++) {
      const cert = parseCertificate(await certificate(h));
      const bundle = await getJson<{ seal: unknown; sealHash: string }>(
        `${seq.url}/v1/bundles/${h}`,
      );
      expect(cert.attestations.length, `height ${h}`).to.be.at.least(2);
      expect(cert.sealHash).to.equal(bundle.sealHash);
      expect(certificateIssue(cert, membership), `height ${h}`).to.equal(null);
    }
    for (const r of replicas) {
      const rs = await until('replica at the head', 60_000, async () => {
        const x = await status((r as Proc).url);
        return x.height === head && x.sync.confirmedHeight === head ? x : false;
      });
      expect(rs.stateRoot).to.equal(s.stateRoot);
      expect(rs.headHash).to.equal(s.headHash);
    }
    const aliceAddress = loadKey(seqDir, 'alice', TEST_PASSPHRASE).address;
    for (const p of [
      `/v1/accounts/${aliceAddress}`,
      `/v1/bundles/${head}`,
      '/v1/bundles/0',
      '/v1/seals/latest',
      `/v1/tx/${hashes[7]}`,
      `/v1/bundles/${head}/certificate`,
      '/v1/keyledger/entries',
    ]) {
      const expected = await getJson(`${seq.url}${p}`);
      for (const r of replicas)
        expect(await getJson(`${(r as Proc).url}${p}`), p).to.deep.equal(expected);
    }
    const tx = await getJson<{ confirmed: boolean; certificateHash: string }>(
      `${seq.url}/v1/tx/${hashes[0]}`,
    );
    expect(tx.confirmed).to.equal(true);
    // The CLI waits for the certificate.
    const cli = qfsSync([
      'tx',
      'transfer',
      '--key',
      path.join(seqDir, 'keys', 'alice.key'),
      '--to',
      loadKey(seqDir, 'bob', TEST_PASSPHRASE).address,
      '--token',
      'CHR',
      '--amount',
      '0.5',
      '--url',
      seq.url,
      '--wait',
      'confirmed',
      '--json',
    ]);
    expect(cli.status, cli.stderr).to.equal(0);
    const waited = JSON.parse(cli.stdout) as { status: string; confirmed: boolean; nonce: string };
    expect(waited).to.include({ status: 'committed', confirmed: true });
    nonces.set(loadKey(seqDir, 'alice', TEST_PASSPHRASE).address, BigInt(waited.nonce));
    const alice = loadKey(seqDir, 'alice', TEST_PASSPHRASE);
    const wire = signTx(alice, s.chainId, 1_000_000n, transferBody('CHR', alice.address, '1'));
    const refused = await fetch(`${(replicas[0] as Proc).url}/v1/tx`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(wire),
    });
    expect(refused.status).to.equal(421);
    expect(((await refused.json()) as { error: { code: string } }).error.code).to.equal(
      'NODE_READ_ONLY',
    );
    const metrics = await (await fetch(`${seq.url}/metrics`)).text();
    expect(metrics).to.match(/^qfs_sync_confirmed_height \d+/m);
    expect(metrics).to.match(/^qfs_sync_replica_lag_heights\{replica="0x[0-9a-fA-F]{40}"\} \d+/m);
    const replicaMetrics = await (await fetch(`${(replicas[1] as Proc).url}/metrics`)).text();
    expect(replicaMetrics).to.match(/^qfs_replica_attestations_total [1-9]\d*/m);
    expect(replicaMetrics).to.match(/^qfs_replica_lag_heights 0/m);
  });

  /** Confirmations go on while replica `i` is away, and it cosigns again once back. */
  const awayAndBack = async (i: number, away: () => Promise<void>, back: () => Promise<void>) => {
    const address = loadKey(seqDir, `replica-${i + 1}`, TEST_PASSPHRASE).address;
    const before = (await status(seq.url)).height as number;
    await away();
    const during = await load(60);
    await committed(during);
    const head = (await status(seq.url)).height as number;
    expect(head).to.be.greaterThan(before);
    await confirmedTo(head);
    for (let h = before + 1; h <= head; h++) {
      const cert = parseCertificate(await certificate(h));
      expect(
        cert.attestations.map((a) => a.replica),
        `height ${h}`,
      ).not.to.include(address);
    }
    await back();
    const after = await load(30);
    await committed(after);
    const last = (await status(seq.url)).height as number;
    await until('the replica to attest again', 120_000, async () => {
      const s = await status(seq.url);
      const seen = s.sync.replicas?.find((r) => r.address === address);
      return seen !== undefined && seen.attestedHeight >= last;
    });
    const rs = await until('the replica at the head', 60_000, async () => {
      const x = await status((replicas[i] as Proc).url);
      return (x.height as number) >= last ? x : false;
    });
    const ss = await status(seq.url);
    if (ss.height === rs.height) expect(rs.stateRoot).to.equal(ss.stateRoot);
    // It also cosigned what it missed while away (its own record, served by it).
    const own = await getJson<{ attestations: unknown[] }>(
      `${(replicas[i] as Proc).url}/v1/sync/attestations/${before + 1}`,
    );
    expect(own.attestations).to.have.length(1);
  };

  it('keeps confirming while a replica is SIGKILLed under load; restarted, it catches up and cosigns again', async () => {
    await awayAndBack(
      2,
      async () => {
        (replicas[2] as Proc).child.kill('SIGKILL');
        await exitOf((replicas[2] as Proc).child);
      },
      async () => void (await startReplicaProc(2)),
    );
  });

  it('keeps confirming while a replica is SIGSTOPped (a partition); after SIGCONT it catches up and cosigns again', async () => {
    await awayAndBack(
      1,
      async () => void (replicas[1] as Proc).child.kill('SIGSTOP'),
      async () => void (replicas[1] as Proc).child.kill('SIGCONT'),
    );
  });

  it('quarantines a replica whose store was tampered with, naming the place, and it cosigns nothing', async () => {
    const r = replicas[0] as Proc;
    const cosignedBefore = (await status(r.url)).sync.cosignedHeight as number;
    r.child.kill('SIGTERM');
    await exitOf(r.child);
    const store = NodeStore.open(path.join(replicaDirs[0] as string, 'qfs.db'));
    const head = store.headHeight();
    store.rawExec(
      `UPDATE tx_bytes SET unsigned = replace(unsigned, '"CHR"', '"FLX"') WHERE tx_hash = (SELECT tx_hash FROM txs WHERE height = ? ORDER BY idx LIMIT 1)`,
      head,
    );
    store.close();
    const back = await startReplicaProc(0);
    const s = await status(back.url);
    expect(s.halted?.cir).to.equal(412);
    // The start-up verification (issue 19's, as the sequencer's) names the changed cell.
    expect(s.halted?.evidence, JSON.stringify(s.halted)).to.include({
      table: 'tx_bytes',
      column: 'unsigned',
      height: String(head),
    });
    const more = await load(30);
    await committed(more);
    const headNow = (await status(seq.url)).height as number;
    await confirmedTo(headNow);
    expect((await status(back.url)).sync.cosignedHeight).to.equal(cosignedBefore);
    const address = loadKey(seqDir, 'replica-1', TEST_PASSPHRASE).address;
    const cert = parseCertificate(await certificate(headNow));
    expect(cert.attestations.map((a) => a.replica)).not.to.include(address);
  });

  it('refuses to cosign, with signed CIR-511 records, when its clock is beyond the bound, and escalates to CIR-302', async () => {
    // Replica 1's key on a fresh directory, in this process, with a clock one hour behind.
    (replicas[0] as Proc).child.kill('SIGKILL');
    await exitOf((replicas[0] as Proc).child);
    replicas[0] = null;
    const dir = path.join(root, 'replica-1-skewed');
    const served = await getJson<{ genesisHash: string }>(`${seq.url}/v1/sync/genesis`);
    initReplicaDir({
      dir,
      passphrase: TEST_PASSPHRASE,
      follow: seq.url,
      genesis,
      genesisHash: served.genesisHash,
      keyFile: path.join(seqDir, 'keys', 'replica-1.key'),
      port: 0,
    });
    const skewed = await startReplica({
      dir,
      passphrase: TEST_PASSPHRASE,
      port: 0,
      log: silentLog,
      clock: { nowMs: () => BigInt(Date.now()) - 3_600_000n },
    });
    try {
      await until('CIR-302 escalation', 120_000, async () => skewed.replica.halted?.cir === 302);
      const sync = SyncStore.open(path.join(dir, 'sync.db'));
      const records = sync.dissonance(100).map((r) => parseDissonance(JSON.parse(r.record)));
      sync.close();
      expect(records.length).to.be.at.least(3);
      const publicKey = keyLedgerView(loadGenesis(genesis).state.keys).getKey(
        skewed.replica.key.address,
      )?.publicKey;
      const key = hexToBytes(publicKey as string);
      for (const r of records) {
        expect(r.reason).to.equal('timestamp');
        expect(r.field).to.equal('ttsTimestamp');
        expect(dissonanceIssue(r, key)).to.equal(null);
      }
      expect(skewed.replica.sync.lastCosigned()).to.equal(-1);
      // The sequencer got the signed refusals too.
      const onSeq = await until('refusals at the sequencer', 30_000, async () => {
        const list = await getJson<{ records: { origin: string; reason: string }[] }>(
          `${seq.url}/v1/sync/dissonance`,
        );
        return list.records.filter(
          (x) => x.origin === skewed.replica.key.address && x.reason === 'timestamp',
        ).length > 0
          ? list
          : false;
      });
      expect(onSeq.records.length).to.be.greaterThan(0);
    } finally {
      await skewed.close();
    }
    // Its clock fixed, the operator resumes it: its store verifies like a sequencer's, and it
    // cosigns again (in this process, now on the system clock).
    const verify = qfsSync(['verify', '--dir', dir, '--quiet']);
    expect(verify.status, verify.stdout + verify.stderr).to.equal(0);
    expect(verify.stdout).to.match(/^ok: \d+ bundles/);
    const resume = qfsSync(['replica', 'resume', '--dir', dir, '--reason', 'clock fixed']);
    expect(resume.status, resume.stderr).to.equal(0);
    expect(resume.stdout).to.match(/^resumed from CIR-302/);
    const fixed = await startReplica({ dir, passphrase: TEST_PASSPHRASE, port: 0, log: silentLog });
    try {
      expect(fixed.replica.halted).to.equal(null);
      await committed(await load(10));
      await until(
        'the resumed replica to cosign',
        60_000,
        async () => fixed.replica.sync.lastCosigned() >= 0,
      );
    } finally {
      await fixed.close();
    }
  });

  it('finds a byzantine sequencer’s two seals for one height, serves the evidence, and neither gets a cosignature', async () => {
    // The sequencer stays up and idle (replicas keep following it, not each other); this test holds
    // its key and signs two different bundles for the next height from its store's state.
    const [r2, r3] = [replicas[1] as Proc, replicas[2] as Proc];
    const head = (await status(seq.url)).height as number;
    for (const r of [r2, r3])
      await until(
        'replicas at the head',
        60_000,
        async () => (await status(r.url)).height === head,
      );
    const sequencerKey = loadKey(seqDir, 'sequencer', TEST_PASSPHRASE);
    const forged = equivocate(
      path.join(seqDir, 'qfs.db'),
      sequencerKey,
      loadKey(seqDir, 'alice', TEST_PASSPHRASE),
      loadKey(seqDir, 'bob', TEST_PASSPHRASE).address,
    );
    expect(forged.height).to.equal(head + 1);
    const push = (url: string, bundle: unknown) =>
      fetch(`${url}/v1/sync/bundles`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(bundle),
      }).then(async (res) => ({
        status: res.status,
        body: (await res.json()) as Record<string, unknown>,
      }));
    // A to replica 2 and B to replica 3 at once: each re-executes its bundle (both are valid), asks
    // its peer before cosigning, finds the other seal, and refuses.
    const [onA, onB] = await Promise.all([push(r2.url, forged.a), push(r3.url, forged.b)]);
    for (const answer of [onA, onB]) {
      expect(answer.status, JSON.stringify(answer.body)).to.equal(409);
      expect((answer.body.error as { code: string }).code).to.equal('SYNC_REFUSED');
    }
    // Shown the other bundle now, each holds the pair directly.
    expect((await push(r2.url, forged.b)).status).to.equal(409);
    expect((await push(r3.url, forged.a)).status).to.equal(409);
    for (const url of [r2.url, r3.url]) {
      const list = await until('evidence', 30_000, async () => {
        const x = await getJson<{ total: number; evidence: { evidence: unknown }[] }>(
          `${url}/v1/sync/evidence`,
        );
        return x.total > 0 ? x : false;
      });
      for (const item of list.evidence) {
        const evidence = parseEvidence(item.evidence);
        expect(evidenceIssue(evidence)).to.equal(null);
        expect(evidence.signer).to.equal(sequencerKey.address);
        expect(Number(evidence.height)).to.equal(forged.height);
      }
      expect(
        ((await status(url)).sync.refusedSigners as string[]).map((x) => x.toLowerCase()),
      ).to.include(sequencerKey.address.toLowerCase());
    }
    // No replica cosigned either seal, so no certificate can exist for either.
    for (const r of [r2, r3]) {
      const own = await getJson<{ attestations: unknown[] }>(
        `${r.url}/v1/sync/attestations/${forged.height}`,
      );
      expect(own.attestations, r.url).to.deep.equal([]);
    }
    const cert = await fetch(`${seq.url}/v1/bundles/${forged.height}/certificate`);
    expect(cert.status).to.equal(404);
  });
});
