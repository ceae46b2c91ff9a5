/**
 * The one-command devnet (`npm start`, `qfs devnet`) and its non-interactive twin (`qfs demo`):
 * a local Hardhat chain, the contracts deployed with `qfs chain deploy`'s code (Hardhat's account #0
 * as deployer and admin, a fresh anchoring key funded by it), the data directory, the sequencer with
 * its API and the same anchoring `qfs start` runs, and a short demo workload of signed transactions
 * from several accounts; then balances read back through ethers next to the runtime's.
 * @module
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseEther, Wallet } from 'ethers';
import { startAnchoring, type Anchoring } from '../chain/anchoring';
import { readChainConfig, type ChainConfig } from '../chain/config';
import { connectChain, readChain, type AnchorContracts } from '../chain/connect';
import { deployChain } from '../chain/deploy';
import {
  freePort,
  HARDHAT_ACCOUNT_0_KEY,
  PROJECT_ROOT,
  startLocalChain,
  type LocalChain,
} from '../chain/local-chain';
import { getAccount, parseGuidance, TOKEN_IDS, TOKENS, type Token } from '../engine';
import { UD } from '../math';
import {
  DEMO_ACCOUNTS,
  initDataDir,
  loadKey,
  paths,
  startNode,
  systemClock,
  type Logger,
  type RunningNode,
  publicChainInfo,
} from '../node';
import { actionBody, guidanceBody, signTx, transferBody } from '../sdk/tx-builder';
import { HEALTHY_GUIDANCE } from '../sdk/devnet';
import { holonetSync, type AttachedSync } from '../sync/attach';
import { startDevnetReplicas, type DevnetReplicas } from '../sync/devnet-replicas';

export const DEFAULT_DEVNET_DIR = path.join(PROJECT_ROOT, '.qfs', 'devnet');
/** The devnet's passphrase when QFS_PASSPHRASE is unset (local, throwaway keys only). */
export const DEVNET_PASSPHRASE = 'qfs-devnet-insecure';
/** What the devnet's deployer gives its anchoring key (Hardhat's accounts hold 10,000 ETH). */
const DEVNET_ANCHOR_FUNDS = parseEther('100');

export type Devnet = {
  readonly dir: string;
  readonly chain: LocalChain;
  readonly node: RunningNode;
  readonly contracts: AnchorContracts;
  readonly anchoring: Anchoring;
  /** HolonetSync's hub on the sequencer. */
  readonly sync: AttachedSync;
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
    const config = await configureDevnetChain(dir, chain.rpcUrl, passphrase);
    const connection = await connectChain(config, passphrase);
    const holder: { anchoring: Anchoring | null } = { anchoring: null };
    const sync = holonetSync();
    const node = await startNode({
      dir,
      passphrase,
      port: options.apiPort ?? (await freePort(7545)),
      config: { bundleIntervalMs: 200 },
      log: options.log,
      anchorStatus: () => holder.anchoring?.service.status ?? null,
      explorerChain: () => publicChainInfo(config, process.env),
      extend: sync.extend,
    });
    const anchoring = startAnchoring(node, config, connection, options.log, sync.confirmations());
    holder.anchoring = anchoring;
    node.onClose(() => anchoring.stop());
    const replicas = await startDevnetReplicas({
      dir,
      node,
      passphrase,
      count: options.replicas ?? 0,
      log: options.log,
    });
    const stop = async () => {
      await replicas.stop();
      await node.close();
      await chain.stop();
    };
    const { contracts } = readChain(config);
    return {
      dir,
      chain,
      node,
      contracts,
      anchoring,
      sync,
      evmChainId: config.evmChainId,
      replicas,
      stop,
    };
  } catch (err) {
    await chain.stop();
    throw err;
  }
}

/**
 * Deploys the contracts on the devnet chain exactly as `qfs chain deploy` does, with Hardhat's
 * account #0 as deployer and admin, one-bundle epochs, and 100 ETH for the anchoring key. (A data
 * directory from before the admin and the anchoring key were separated has account #0 as its
 * anchoring key; that key file is replaced.)
 */
async function configureDevnetChain(
  dir: string,
  rpcUrl: string,
  passphrase: string,
): Promise<ChainConfig> {
  const keyFile = path.join(dir, 'keys', 'anchor.json');
  const deployer = new Wallet(HARDHAT_ACCOUNT_0_KEY).address;
  // An ethers keystore names its address (lowercase hex without 0x).
  const stored = fs.existsSync(keyFile) ? fs.readFileSync(keyFile, 'utf8').toLowerCase() : '';
  if (stored.includes(deployer.slice(2).toLowerCase())) fs.rmSync(keyFile);
  await deployChain({
    dir,
    rpcUrl,
    deployerKey: HARDHAT_ACCOUNT_0_KEY,
    passphrase,
    confirmations: 1,
    epochLength: 1,
    fundAnchorWei: DEVNET_ANCHOR_FUNDS,
    scryptN: 2 ** 14,
    say: () => undefined,
  });
  const config = readChainConfig(dir, {});
  if (config === null) throw new Error('chain.json was not written');
  return { ...config, pollIntervalMs: 500 };
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
  const anchor = devnet.anchoring.service;
  await anchor.tick();
  await waitFor(
    () => (anchor.status.anchoredHeight ?? -1) >= committedHeight,
    120_000,
    'anchoring to catch up',
  );
  const confirmedHeight = await confirmation(devnet, committedHeight);
  const failedTxs = hashes.filter((h) => {
    const s = seq.txStatus(h);
    return s?.status === 'committed' && s.receipt.status === 'failed';
  }).length;
  return {
    committedHeight,
    anchoredHeight: anchor.status.anchoredHeight,
    confirmedHeight,
    txs: hashes.length,
    failedTxs,
    accounts: await balancesSideBySide(devnet, accounts),
    api: devnet.node.url,
    docs: `${devnet.node.url}/docs`,
    rpcUrl: devnet.chain.rpcUrl,
  };
}

/** Each account's balances in the runtime and, read through ethers, on the token contract. */
async function balancesSideBySide(
  devnet: Devnet,
  accounts: readonly { name: string; key: { address: string } }[],
): Promise<DemoReport['accounts']> {
  const seq = devnet.node.sequencer;
  const report: DemoReport['accounts'] = {};
  for (const { name, key } of accounts) {
    const account = getAccount(seq.state.accounts, key.address);
    const ids = TOKENS.map((t) => TOKEN_IDS[t]);
    const onchain = await devnet.contracts.token.balanceOfBatch(
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
  return report;
}

/** With replicas: waits until `height` is confirmed and returns the confirmed height; else null. */
async function confirmation(devnet: Devnet, height: number): Promise<number | null> {
  if (devnet.replicas.replicas.length === 0) return null;
  await waitFor(
    () => devnet.sync.hub().confirmation(height) !== null,
    120_000,
    `height ${height} to be confirmed by the replicas`,
  );
  return Number((devnet.sync.hub().status() as { confirmedHeight: number }).confirmedHeight);
}

async function waitFor(done: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
