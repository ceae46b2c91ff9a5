/**
 * Series `anchoring`: gas and wall time to anchor one epoch as the number of balances it changes
 * grows. For each point a fresh node and fresh contracts (deployed as `qfs chain deploy` does, on a
 * Hardhat node in its own process), one-bundle epochs, and bundles of `changes` transfers to fresh
 * addresses (each a new balance, plus the 60 senders' changed ones); the anchoring service the node
 * runs (`qfs start`'s) puts each epoch on-chain: seal, allocation root, balance chunks. Reported per
 * point, over two epochs after the first (which also carries the genesis accounts): gas, chunks,
 * the largest chunk's gas against the 16,777,216 cap, and the time from commit to anchored.
 * @module
 */
import fs from 'node:fs';
import { parseEther, type TransactionReceipt } from 'ethers';
import { startAnchoring, type Anchoring } from '../../../runtime/chain/anchoring';
import { readChainConfig } from '../../../runtime/chain/config';
import { connectChain } from '../../../runtime/chain/connect';
import { deployChain } from '../../../runtime/chain/deploy';
import { HARDHAT_ACCOUNT_0_KEY, startLocalChain } from '../../../runtime/chain/local-chain';
import { SignPool, type KeyPair } from '../../../runtime/crypto';
import { transferBody } from '../../../runtime/sdk/tx-builder';
import {
  feed,
  fundedGenesis,
  openBenchNode,
  receiverAddress,
  say,
  scaleKey,
  signAll,
  silent,
  waitUntil,
  type BenchNode,
} from './common';
import { round } from './senders';

const SENDERS = 60;
const PASSPHRASE = 'qfs-bench-scale';
/** EIP-7825: the most gas one transaction may use. */
const TX_GAS_CAP = 16_777_216n;

export type AnchoringPoint = {
  readonly series: 'anchoring';
  readonly changedBalances: number;
  readonly gasPerEpoch: number;
  readonly chunksPerEpoch: number;
  readonly maxTxGas: number;
  readonly maxTxGasShareOfCap: number;
  readonly anchorSeconds: number;
};

/** Runs every point on one Hardhat node. */
export async function* anchoringSeries(
  points: readonly number[],
  signer: SignPool,
): AsyncGenerator<AnchoringPoint> {
  const chain = await startLocalChain(0);
  try {
    for (const changes of points) yield await anchoringPoint(chain.rpcUrl, changes, signer);
  } finally {
    await chain.stop();
  }
}

async function anchoringPoint(
  rpcUrl: string,
  changes: number,
  signer: SignPool,
): Promise<AnchoringPoint> {
  const senders = Array.from({ length: SENDERS }, (_, i) => scaleKey(`anchor-sender-${i}`));
  // One bundle per epoch, cut when full: the interval is longer than feeding a bundle takes.
  const node = await openBenchNode(
    fundedGenesis(senders),
    scaleKey('sequencer'),
    changes,
    changes,
    10 * 60_000,
  );
  let anchoring: Anchoring | null = null;
  try {
    await deployChain({
      dir: node.dir,
      rpcUrl,
      deployerKey: HARDHAT_ACCOUNT_0_KEY,
      passphrase: PASSPHRASE,
      confirmations: 1,
      epochLength: 1,
      fundAnchorWei: parseEther('1000'),
      scryptN: 2 ** 14,
      say: () => undefined,
    });
    const config = readChainConfig(node.dir, {});
    if (config === null) throw new Error('bench:scale: chain.json was not written');
    const connection = await connectChain({ ...config, pollIntervalMs: 100 }, PASSPHRASE);
    anchoring = startAnchoring({ sequencer: node.seq }, config, connection, silent);
    const token = config.contracts.token.toLowerCase();
    const nonces = senders.map(() => 0n);
    await bundleOf(node, senders, nonces, changes, 0, signer); // epoch 0: with the genesis accounts
    await anchored(node, anchoring);
    const measured: { gas: bigint; chunks: number; maxGas: bigint; seconds: number }[] = [];
    for (let e = 1; e <= 2; e++) {
      const fromBlock = (await connection.provider.getBlockNumber()) + 1;
      await bundleOf(node, senders, nonces, changes, e * changes, signer);
      const started = performance.now();
      await anchored(node, anchoring);
      const seconds = (performance.now() - started) / 1000;
      const receipts = await anchorReceipts(connection.provider, fromBlock, anchoring.account);
      measured.push({
        gas: receipts.reduce((sum, r) => sum + r.gasUsed, 0n),
        // Balance chunks are the token contract's transactions (seals and roots go elsewhere).
        chunks: receipts.filter((r) => r.to?.toLowerCase() === token).length,
        maxGas: receipts.reduce((max, r) => (r.gasUsed > max ? r.gasUsed : max), 0n),
        seconds,
      });
    }
    const avg = (f: (m: (typeof measured)[number]) => number) =>
      measured.reduce((sum, m) => sum + f(m), 0) / measured.length;
    const maxTxGas = measured.reduce((max, m) => (m.maxGas > max ? m.maxGas : max), 0n);
    say(`anchoring: ${changes} changes per epoch anchored`);
    return {
      series: 'anchoring',
      changedBalances: changes,
      gasPerEpoch: Math.round(avg((m) => Number(m.gas))),
      chunksPerEpoch: avg((m) => m.chunks),
      maxTxGas: Number(maxTxGas),
      maxTxGasShareOfCap: round(Number(maxTxGas) / Number(TX_GAS_CAP), 3),
      anchorSeconds: round(
        avg((m) => m.seconds),
        2,
      ),
    };
  } finally {
    await anchoring?.stop();
    await node.close();
    fs.rmSync(node.dir, { recursive: true, force: true });
  }
}

/** One bundle of `changes` transfers to fresh addresses (receivers from `first`). */
async function bundleOf(
  node: BenchNode,
  senders: readonly KeyPair[],
  nonces: bigint[],
  changes: number,
  first: number,
  signer: SignPool,
): Promise<void> {
  const plan = Array.from({ length: changes }, (_, k) => {
    const s = k % senders.length;
    nonces[s] = (nonces[s] as bigint) + 1n;
    return {
      key: senders[s] as KeyPair,
      nonce: nonces[s] as bigint,
      body: transferBody('CHR', receiverAddress(2_000_000_000 + changes * 10 + first + k), '1'),
    };
  });
  const height = Number(node.seq.state.height);
  await feed(node, await signAll(signer, plan));
  if (Number(node.seq.state.height) !== height + 1)
    throw new Error(`bench:scale: ${changes} transfers did not make exactly one bundle`);
}

async function anchored(node: BenchNode, anchoring: Anchoring): Promise<void> {
  const head = Number(node.seq.state.height) - 1;
  const service = anchoring.service;
  await waitUntil(
    () => (service.status.anchoredHeight ?? -1) >= head,
    10 * 60_000,
    `height ${head} anchored`,
  ).catch((err: Error) => {
    throw new Error(`${err.message}; the service's last error: ${service.status.lastError}`);
  });
}

async function anchorReceipts(
  provider: import('ethers').JsonRpcProvider,
  fromBlock: number,
  account: string,
): Promise<TransactionReceipt[]> {
  const out: TransactionReceipt[] = [];
  const last = await provider.getBlockNumber();
  for (let n = fromBlock; n <= last; n++) {
    const block = await provider.getBlock(n, true);
    for (const tx of block?.prefetchedTransactions ?? []) {
      if (tx.from.toLowerCase() !== account.toLowerCase()) continue;
      const receipt = await provider.getTransactionReceipt(tx.hash);
      if (receipt !== null) out.push(receipt);
    }
  }
  return out;
}
