/**
 * HolonetSync replicas for the devnet (`qfs devnet --replicas N`, `npm start` with two): each in
 * this process with its own data directory under D/replicas/, following the devnet's sequencer and
 * peering with the others. A devnet initialised with replicas has their keys as members from the
 * genesis; an older devnet gets new keys that join through the KeyLedger (a registration each key
 * signs, then the admin's grant of `replica`), so its heights are confirmed from then on.
 * @module
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { createKeyFile, writeKeyFile, type KeyPair } from '../crypto';
import { getAccount } from '../engine';
import { keyLedgerView } from '../ledger';
import { loadKey, paths } from '../node/data-dir';
import type { RunningNode } from '../node/node';
import type { Logger } from '../node/sequencer';
import { capabilityBody, registerBody, signTx } from '../sdk/tx-builder';
import { genesisHashOf, initReplicaDir, replicaPaths } from './replica-dir';
import { startReplica, type RunningReplica } from './replica-node';

export type DevnetReplicas = {
  readonly replicas: readonly RunningReplica[];
  stop(): Promise<void>;
};

/** Starts `count` replicas of the devnet in `dir` (keys made and admitted when missing). */
export async function startDevnetReplicas(o: {
  dir: string;
  node: RunningNode;
  passphrase: string;
  count: number;
  log: Logger;
}): Promise<DevnetReplicas> {
  const keys = Array.from({ length: o.count }, (_, i) => replicaKeyOf(o.dir, i + 1, o.passphrase));
  await admit(o.dir, o.node, o.passphrase, keys);
  const genesis = JSON.parse(fs.readFileSync(paths(o.dir).genesis, 'utf8')) as unknown;
  const ports = await Promise.all(keys.map(() => freePort()));
  const replicas: RunningReplica[] = [];
  try {
    for (let i = 0; i < keys.length; i++) {
      const dir = path.join(o.dir, 'replicas', `replica-${i + 1}`);
      const peers = ports.filter((_, j) => j !== i).map((p) => `http://127.0.0.1:${p}`);
      if (!fs.existsSync(replicaPaths(dir).db))
        initReplicaDir({
          dir,
          passphrase: o.passphrase,
          follow: o.node.url,
          genesis,
          genesisHash: genesisHashOf(genesis),
          keyFile: paths(o.dir).key(`replica-${i + 1}`),
        });
      // Ports change between devnet runs: point the replica at this run's sequencer and peers.
      const config = { follow: o.node.url, peers, host: '127.0.0.1', port: ports[i] as number };
      fs.writeFileSync(replicaPaths(dir).config, `${JSON.stringify(config, null, 2)}\n`);
      replicas.push(
        await startReplica({
          dir,
          passphrase: o.passphrase,
          log: o.log,
          config: { verifyThreads: 1 },
        }),
      );
    }
  } catch (err) {
    await Promise.all(replicas.map((r) => r.close()));
    throw err;
  }
  return { replicas, stop: async () => void (await Promise.all(replicas.map((r) => r.close()))) };
}

function replicaKeyOf(dir: string, i: number, passphrase: string): KeyPair {
  const file = paths(dir).key(`replica-${i}`);
  if (!fs.existsSync(file))
    writeKeyFile(file, createKeyFile(passphrase, { scryptN: 2 ** 14 }).file);
  return loadKey(dir, `replica-${i}`, passphrase);
}

/** Registers and grants `replica` to the keys that are not active replicas yet, and waits. */
async function admit(
  dir: string,
  node: RunningNode,
  passphrase: string,
  keys: readonly KeyPair[],
): Promise<void> {
  const seq = node.sequencer;
  const view = () => keyLedgerView(seq.state.keys);
  const missing = keys.filter((k) => !view().hasCapability(k.address, 'replica'));
  if (missing.length === 0) return;
  const admin = loadKey(dir, 'admin', passphrase);
  const chainId = seq.state.chainId;
  let adminNonce = getAccount(seq.state.accounts, admin.address)?.nonce ?? 0n;
  const hashes: string[] = [];
  for (const key of missing) {
    if (view().getKey(key.address) === undefined)
      hashes.push((await seq.submit(signTx(key, chainId, 1n, registerBody(chainId, key)))).txHash);
  }
  await settled(node, hashes);
  for (const key of missing) {
    adminNonce += 1n;
    const body = capabilityBody(chainId, 'grant', key.address, 'replica', admin);
    hashes.push((await seq.submit(signTx(admin, chainId, adminNonce, body))).txHash);
  }
  await settled(node, hashes);
}

async function settled(node: RunningNode, hashes: readonly string[]): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (hashes.some((h) => node.sequencer.txStatus(h)?.status === 'pending')) {
    if (Date.now() > deadline) throw new Error('devnet: replica admission did not commit in 60 s');
    await new Promise((r) => setTimeout(r, 50));
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const a = server.address();
      server.close(() => resolve(typeof a === 'object' && a !== null ? a.port : 0));
    });
  });
}
