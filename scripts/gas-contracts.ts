/**
 * Gas of the chain contracts' state-changing calls, measured on the in-process Hardhat network and printed as
 * one JSON object (docs/contracts.md quotes it). Gas is deterministic, so one run is the figure.
 * Run: `npx hardhat run scripts/gas-contracts.ts`.
 * @module
 */
import { ethers } from 'hardhat';
import {
  AllocationRegistry__factory,
  QfsToken__factory,
  SealAnchor__factory,
} from '../typechain-types';

const COHERENCE = 0;
const ADMIN_DELAY = 3600;
/** Changes per balance chunk: the anchoring service's default (runtime/chain/config.ts). */
const CHUNK = 400;
/** EIP-7825: the most gas one transaction may use. */
const TX_GAS_CAP = 16_777_216;
const NO_L1 = [ethers.ZeroHash, 0] as const;

function seal(height: bigint): string {
  return ethers.id(`coherence seal ${height}`);
}

async function gasOf(
  tx: Promise<{ wait(): Promise<{ gasUsed: bigint } | null> }>,
): Promise<number> {
  const receipt = await (await tx).wait();
  return Number(receipt!.gasUsed);
}

async function main(): Promise<void> {
  const [admin, sequencer] = await ethers.getSigners();
  const anchor = (
    await new SealAnchor__factory(admin!).deploy(ADMIN_DELAY, admin!, sequencer!)
  ).connect(sequencer!);

  const firstSingle = await gasOf(
    anchor.anchorSeal(COHERENCE, 0, seal(0n), ethers.ZeroHash, ...NO_L1),
  );
  const single = await gasOf(anchor.anchorSeal(COHERENCE, 1, seal(1n), seal(0n), ...NO_L1));
  const block = (await ethers.provider.getBlock('latest'))!;
  const singleGuarded = await gasOf(
    anchor.anchorSeal(COHERENCE, 2, seal(2n), seal(1n), block.hash!, block.number),
  );
  let next = 3n;
  const batch = async (size: number): Promise<{ size: number; gas: number; perSeal: number }> => {
    const hashes = Array.from({ length: size }, (_, i) => seal(next + BigInt(i)));
    const gas = await gasOf(
      anchor.anchorSealBatch(COHERENCE, next, seal(next - 1n), hashes, ...NO_L1),
    );
    next += BigInt(size);
    return { size, gas, perSeal: Math.floor(gas / size) };
  };
  const firstBatch = await batch(2);
  const batches = [];
  for (const size of [2, 4, 16, 128, 1024]) batches.push(await batch(size));
  // HolonetSync: a certificate root per epoch (the first range, then one after it), an evidence hash.
  const firstCertificates = await gasOf(anchor.anchorCertificates(0, 3, ethers.id('certs 0')));
  const certificates = await gasOf(anchor.anchorCertificates(4, 7, ethers.id('certs 1')));
  const evidence = await gasOf(anchor.anchorEvidence(ethers.id('evidence 0')));

  const token = (
    await new QfsToken__factory(admin!).deploy(ADMIN_DELAY, admin!, sequencer!, anchor, '')
  ).connect(sequencer!);
  // Chunks of CHUNK changes, the anchoring service's default: new (account, token) balances (the
  // costliest change: a new storage slot each), then the same balances changed again.
  const accounts = Array.from({ length: CHUNK / 5 }, (_, i) =>
    ethers.getAddress(ethers.toBeHex(0x1000n + BigInt(i), 20)),
  );
  const mints = accounts.flatMap((account) =>
    [1n, 2n, 3n, 4n, 5n].map((tokenId) => ({ account, tokenId, delta: 10n ** 18n })),
  );
  const mintNew = await gasOf(token.applyBalanceChunk(0, 0, false, 1, seal(1n), mints));
  const changes = mints.map((m, i) => ({ ...m, delta: i % 2 === 0 ? 5n : -5n }));
  const epochEnd = await gasOf(token.applyBalanceChunk(0, 1, true, 1, seal(1n), []));
  const updateExisting = await gasOf(token.applyBalanceChunk(1, 0, true, 2, seal(2n), changes));
  const emptyEpoch = await gasOf(token.applyBalanceChunk(2, 0, true, 4, seal(4n), []));

  const registry = (
    await new AllocationRegistry__factory(admin!).deploy(ADMIN_DELAY, admin!, sequencer!, anchor)
  ).connect(sequencer!);
  const firstRoot = await gasOf(registry.anchorAllocationRoot(0, ethers.id('root 0'), seal(1n), 1));
  const root = await gasOf(registry.anchorAllocationRoot(1, ethers.id('root 1'), seal(2n), 2));

  // computeAllocation is a view: its gas is what an eth_call (or a contract calling it) spends, 21k included.
  const split = async (total: bigint, weights: bigint[]) =>
    Number(await registry.computeAllocation.estimateGas(total, weights));
  const computeAllocation = {
    recipients3: await split(100n, [1n, 1n, 1n]),
    recipients100: await split(
      10n ** 24n + 99n,
      Array.from({ length: 100 }, (_, i) => BigInt(i + 1)),
    ),
    recipients1024NoLeftover: await split(1024n * 7n, Array<bigint>(1024).fill(1n)),
    recipients1024Leftover1023: await split(1023n, Array<bigint>(1024).fill(7n)),
  };

  const report = {
    sealAnchor: {
      firstSingle,
      single,
      singleGuarded,
      firstBatch,
      batches,
      firstCertificates,
      certificates,
      evidence,
    },
    token: {
      txGasCap: TX_GAS_CAP,
      chunkNewBalances: { changes: CHUNK, gas: mintNew, perChange: Math.floor(mintNew / CHUNK) },
      chunkExistingBalances: {
        changes: CHUNK,
        gas: updateExisting,
        perChange: Math.floor(updateExisting / CHUNK),
      },
      emptyLastChunk: epochEnd,
      emptyEpoch,
    },
    allocationRegistry: { firstRoot, root, computeAllocation },
  };
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${String(err)}\n`);
  process.exitCode = 1;
});
