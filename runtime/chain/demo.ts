/**
 * The one-command devnet (`npm start`, `qfs devnet`) and its non-interactive twin (`qfs demo`):
 * local chain, contracts, data directory, sequencer with its API, anchoring, and a short demo
 * workload of signed transactions from several accounts; then balances read back through ethers
 * next to the runtime's.
 * @module
 */
import path from 'node:path';
import { getAccount, parseGuidance, TOKEN_IDS, TOKENS, type Token } from '../engine';
import { UD } from '../math';
import { DEMO_ACCOUNTS, initDataDir, loadKey, paths } from '../node/data-dir';
import { PROJECT_ROOT } from '../node/integrity';
import { startNode, type RunningNode } from '../node/node';
import { systemClock } from '../node/clock';
import type { Logger } from '../node/sequencer';
import { actionBody, guidanceBody, signTx, transferBody } from '../sdk/tx-builder';
import { HEALTHY_GUIDANCE } from '../sdk/devnet';
import fs from 'node:fs';
import { AnchorService } from './anchor-service';
import { connectChain, type ChainConnection } from './connect';
import { configureDevnetChain, freePort, startLocalChain, type LocalChain } from './devnet';
import { startDevnetReplicas, type DevnetReplicas } from '../sync/devnet-replicas';

export const DEFAULT_DEVNET_DIR = path.join(PROJECT_ROOT, '.qfs', 'devnet');
/** The devnet's passphrase when QFS_PASSPHRASE is unset (local, throwaway keys only). */
export const DEVNET_PASSPHRASE = 'qfs-devnet-insecure';

export type Devnet = {
  readonly dir: string;
  readonly chain: LocalChain;
  readonly node: RunningNode;
  readonly connection: ChainConnection;
  readonly anchor: AnchorService;
  readonly evmChainId: number;
  /** HolonetSync replicas (none unless asked for). */
  readonly replicas: DevnetReplicas;
  stop(): Promise<void>;
};

export type DemoReport = {
  readonly committedHeight: number;
  readonly anchoredHeight: number | null;
  /** HolonetSync: the highest height with a quorum certificate (null without replicas). */
  readonly confirmedHeight: number | null;
  readonly txs: number;
  readonly failedTxs: number;
  readonly accounts: Record<
    string,
    { address: string; runtime: Record<Token, string>; onchain: Record<Token, string> }
  >;
  readonly api: string;
  readonly docs: string;
  readonly rpcUrl: string;
};

/** Starts chain, contracts, node and anchoring on `dir` (initialised on first use). */
export async function startDevnet(options: {
  dir?: string;
  passphrase?: string;
  log: Logger;
  apiPort?: number;
  /** HolonetSync replicas to run with the sequencer (default 0). */
  replicas?: number;
}): Promise<Devnet> {
  const dir = options.dir ?? DEFAULT_DEVNET_DIR;
  const passphrase = options.passphrase ?? process.env.QFS_PASSPHRASE ?? DEVNET_PASSPHRASE;
  if (!fs.existsSync(paths(dir).db))
    initDataDir({
      dir,
      passphrase,
      scryptN: 2 ** 14,
      nowMs: systemClock.nowMs(),
      replicas: options.replicas ?? 0,
    });
  const chain = await startLocalChain(8545);
  try {
    const config = await configureDevnetChain(dir, chain.rpcUrl, passphrase, 1);
    let anchor: AnchorService | null = null;
    const node = await startNode({
      dir,
      passphrase,
      port: options.apiPort ?? (await freePort(7545)),
      config: { bundleIntervalMs: 200 },
      log: options.log,
      anchorStatus: () => anchor?.status ?? null,
    });
    const connection = await connectChain(config, passphrase);
    anchor = new AnchorService({
      store: node.sequencer.store,
      contracts: connection.contracts,
      provider: connection.provider,
      epochLength: config.epochLength,
      confirmations: config.confirmations,
      pollIntervalMs: config.pollIntervalMs,
      log: options.log,
    });
    anchor.start();
    const service = anchor;
    node.sequencer.on('bundle', () => void service.tick());
    const replicas = await startDevnetReplicas({
      dir,
      node,
      passphrase,
      count: options.replicas ?? 0,
      log: options.log,
    });
    const stop = async () => {
      await replicas.stop();
      await service.stop();
      await node.close();
      await chain.stop();
    };
    return {
      dir,
      chain,
      node,
      connection,
      anchor: service,
      evmChainId: config.evmChainId,
      replicas,
      stop,
    };
  } catch (err) {
    await chain.stop();
    throw err;
  }
}

/** Drives `count` signed transactions from the demo accounts, waits for commit and anchoring, and reports. */
export async function runDemoWorkload(
  devnet: Devnet,
  count: number,
  passphrase = process.env.QFS_PASSPHRASE ?? DEVNET_PASSPHRASE,
): Promise<DemoReport> {
  const seq = devnet.node.sequencer;
  const chainId = seq.state.chainId;
  const accounts = DEMO_ACCOUNTS.map((name) => ({
    name,
    key: loadKey(devnet.dir, name, passphrase),
  }));
  const oracle = loadKey(devnet.dir, 'oracle', passphrase);
  const nonces = new Map<string, bigint>();
  const next = (address: string) => {
    const n = (nonces.get(address) ?? getAccount(seq.state.accounts, address)?.nonce ?? 0n) + 1n;
    nonces.set(address, n);
    return n;
  };
  const hashes: string[] = [];
  const g = parseGuidance({
    ...HEALTHY_GUIDANCE,
    sequence: String(seq.state.guidance.sequence + 1n),
    forPacket: String(seq.state.height + 1n),
  });
  if (g.ok)
    hashes.push(
      (await seq.submit(signTx(oracle, chainId, next(oracle.address), guidanceBody(g.guidance))))
        .txHash,
    );
  for (let i = 0; i < count; i++) {
    const from = accounts[i % accounts.length] as (typeof accounts)[number];
    const to = accounts[(i + 1) % accounts.length] as (typeof accounts)[number];
    const body =
      i % 2 === 0
        ? transferBody('CHR', to.key.address, `${1 + (i % 5)}.5`)
        : actionBody(i % 4 === 1 ? 'compute' : 'storage', BigInt(1 + (i % 7)), `demo-${i}`);
    hashes.push((await seq.submit(signTx(from.key, chainId, next(from.key.address), body))).txHash);
  }
  await waitFor(
    () => hashes.every((h) => seq.txStatus(h)?.status !== 'pending'),
    120_000,
    'transactions to commit',
  );
  const committedHeight = Number(seq.state.height) - 1;
  await devnet.anchor.tick();
  await waitFor(
    () => (devnet.anchor.status.anchoredHeight ?? -1) >= committedHeight,
    120_000,
    'anchoring to catch up',
  );
  const confirmedHeight = await confirmation(devnet, committedHeight);
  const failedTxs = hashes.filter((h) => {
    const s = seq.txStatus(h);
    return s?.status === 'committed' && s.receipt.status === 'failed';
  }).length;
  const report: DemoReport['accounts'] = {};
  for (const { name, key } of accounts) {
    const account = getAccount(seq.state.accounts, key.address);
    const ids = TOKENS.map((t) => TOKEN_IDS[t]);
    const onchain = await devnet.connection.contracts.token.balanceOfBatch(
      ids.map(() => key.address),
      ids,
    );
    report[name] = {
      address: key.address,
      runtime: Object.fromEntries(
        TOKENS.map((t) => [t, UD.format(account?.balances[t] ?? UD.ZERO)]),
      ) as Record<Token, string>,
      onchain: Object.fromEntries(
        TOKENS.map((t, i) => [t, UD.format(UD.wrap(onchain[i] as bigint))]),
      ) as Record<Token, string>,
    };
  }
  return {
    committedHeight,
    anchoredHeight: devnet.anchor.status.anchoredHeight,
    confirmedHeight,
    txs: hashes.length,
    failedTxs,
    accounts: report,
    api: devnet.node.url,
    docs: `${devnet.node.url}/docs`,
    rpcUrl: devnet.chain.rpcUrl,
  };
}

/** With replicas: waits until `height` is confirmed and returns the confirmed height; else null. */
async function confirmation(devnet: Devnet, height: number): Promise<number | null> {
  if (devnet.replicas.replicas.length === 0) return null;
  await waitFor(
    () => devnet.node.hub.confirmation(height) !== null,
    120_000,
    `height ${height} to be confirmed by the replicas`,
  );
  return Number((devnet.node.hub.status() as { confirmedHeight: number }).confirmedHeight);
}

async function waitFor(done: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
