/*
 * SealAnchor: CoherenceLedger and KeyLedger seal hashes, anchored singly or in batches.
 *
 * deployment ── roles ── zero admin / admin = sequencer revert ── nothing anchored
 * access control ── anchorSeal / anchorSealBatch need SEQUENCER_ROLE
 * anchorSeal
 *   ├── the first anchor chooses the height; then height = latest + 1 and prev = latest seal hash
 *   ├── gap (height > latest + 1), replay (height <= latest), fork (prev != latest), zero seal hash
 *   ├── the two chains are independent
 *   └── reorg guard: zero hash = no guard; matching block hash passes; mismatching / future block reverts
 * anchorSealBatch
 *   ├── root = OpenZeppelin merkle-tree root of (uint64 height, bytes32 sealHash), leaves unsorted
 *   ├── every height verifies with its proof; tampered hash / proof / height does not
 *   ├── continuity with single anchors both ways; gap, replay, fork; size 0 and > SEAL_BATCH_MAX; zero hash
 *   └── batchOf / batchAt (out of range: custom error) / batchCount; sealHashAt for singles and batch ends
 * HolonetSync ── certificate roots: a first range anywhere in the anchored coherence chain, then dense;
 *   unsealed heights, an empty range, a zero root and a gap revert; evidence hashes once each
 * height bounds ── a first anchor above 2^48 - 1 reverts (2^64 - 1 included; no panic); a chain starting there grows
 * gas ── single anchor <= 60,000 (21k base included); batch cheaper per seal
 */
import { expect } from 'chai';
import { ethers } from 'hardhat';
import { loadFixture, mine } from '@nomicfoundation/hardhat-network-helpers';
import { StandardMerkleTree } from '@openzeppelin/merkle-tree';
import { SealAnchor__factory } from '../../../typechain-types';
import type { SealAnchor } from '../../../typechain-types';
import { namedSigners } from '../signers';

const COHERENCE = 0n;
const KEY = 1n;
const NO_L1 = [ethers.ZeroHash, 0n] as const;
const ADMIN_DELAY = 3600n;
const FIRST_HEIGHT_MAX = (1n << 48n) - 1n;
const GAS_PER_ANCHOR_MAX = 60_000n;

/** The seal hash of `height` on `chain` in these tests (any distinct non-zero values will do). */
function seal(height: bigint, chain = COHERENCE): string {
  return ethers.id(`${chain === COHERENCE ? 'coherence' : 'key'} seal ${height}`);
}

function seals(first: bigint, count: number, chain = COHERENCE): string[] {
  return Array.from({ length: count }, (_, i) => seal(first + BigInt(i), chain));
}

function batchTree(first: bigint, hashes: readonly string[]) {
  return StandardMerkleTree.of(
    hashes.map((hash, i) => [first + BigInt(i), hash]),
    ['uint64', 'bytes32'],
    { sortLeaves: false },
  );
}

async function deployAnchor() {
  const { admin, sequencer, other } = await namedSigners();
  const anchor = await new SealAnchor__factory(admin).deploy(ADMIN_DELAY, admin, sequencer);
  return { anchor: anchor.connect(sequencer), admin, sequencer, other };
}

/** Coherence heights 0..2 anchored singly (seal(0), seal(1), seal(2)). */
async function deployWithSingles() {
  const fixture = await deployAnchor();
  const { anchor } = fixture;
  await anchor.anchorSeal(COHERENCE, 0, seal(0n), ethers.ZeroHash, ...NO_L1);
  await anchor.anchorSeal(COHERENCE, 1, seal(1n), seal(0n), ...NO_L1);
  await anchor.anchorSeal(COHERENCE, 2, seal(2n), seal(1n), ...NO_L1);
  return fixture;
}

/** Coherence heights 0..2 singly, then a batch of heights 3..12, then 13 singly, then a batch 14..20. */
async function deployWithBatches() {
  const fixture = await deployWithSingles();
  const { anchor } = fixture;
  await anchor.anchorSealBatch(COHERENCE, 3, seal(2n), seals(3n, 10), ...NO_L1);
  await anchor.anchorSeal(COHERENCE, 13, seal(13n), seal(12n), ...NO_L1);
  await anchor.anchorSealBatch(COHERENCE, 14, seal(13n), seals(14n, 7), ...NO_L1);
  return fixture;
}

async function gasOf(
  tx: Promise<{ wait(): Promise<{ gasUsed: bigint } | null> }>,
): Promise<bigint> {
  const receipt = await (await tx).wait();
  return receipt!.gasUsed;
}

async function head(anchor: SealAnchor, chain: bigint) {
  const h = await anchor.latestAnchor(chain);
  return [h.anchored, h.firstHeight, h.latestHeight, h.latestSealHash];
}

describe('SealAnchor', () => {
  describe('deployment', () => {
    it('grants the roles and anchors nothing', async () => {
      const { anchor, admin, sequencer } = await loadFixture(deployAnchor);
      expect(await anchor.hasRole(await anchor.DEFAULT_ADMIN_ROLE(), admin)).to.equal(true);
      expect(await anchor.hasRole(await anchor.SEQUENCER_ROLE(), sequencer)).to.equal(true);
      expect(await head(anchor, COHERENCE)).to.deep.equal([false, 0n, 0n, ethers.ZeroHash]);
      expect(await head(anchor, KEY)).to.deep.equal([false, 0n, 0n, ethers.ZeroHash]);
      expect(await anchor.isAnchored(COHERENCE, 0)).to.equal(false);
      expect(await anchor.SEAL_BATCH_MAX()).to.equal(1024n);
      expect(await anchor.FIRST_HEIGHT_MAX()).to.equal(FIRST_HEIGHT_MAX);
      expect(await anchor.defaultAdmin()).to.equal(admin.address);
    });

    it('reverts a zero admin and an admin that is the sequencer', async () => {
      const { admin } = await namedSigners();
      const factory = new SealAnchor__factory(admin);
      await expect(factory.deploy(ADMIN_DELAY, ethers.ZeroAddress, admin))
        .to.be.revertedWithCustomError(factory, 'AccessControlInvalidDefaultAdmin')
        .withArgs(ethers.ZeroAddress);
      await expect(factory.deploy(ADMIN_DELAY, admin, admin))
        .to.be.revertedWithCustomError(factory, 'SequencerAccess_AdminIsSequencer')
        .withArgs(admin.address);
    });
  });

  describe('access control', () => {
    it('reverts anchorSeal and anchorSealBatch from an account without SEQUENCER_ROLE', async () => {
      const { anchor, admin, other } = await loadFixture(deployAnchor);
      const role = await anchor.SEQUENCER_ROLE();
      for (const caller of [admin, other]) {
        await expect(
          anchor.connect(caller).anchorSeal(COHERENCE, 0, seal(0n), ethers.ZeroHash, ...NO_L1),
        )
          .to.be.revertedWithCustomError(anchor, 'AccessControlUnauthorizedAccount')
          .withArgs(caller.address, role);
        await expect(
          anchor.connect(caller).anchorSealBatch(KEY, 0, ethers.ZeroHash, seals(0n, 2), ...NO_L1),
        )
          .to.be.revertedWithCustomError(anchor, 'AccessControlUnauthorizedAccount')
          .withArgs(caller.address, role);
      }
    });

    it('lets the admin hand the role to another account', async () => {
      const { anchor, admin, other } = await loadFixture(deployAnchor);
      await anchor.connect(admin).grantRole(await anchor.SEQUENCER_ROLE(), other);
      await expect(
        anchor.connect(other).anchorSeal(KEY, 0, seal(0n, KEY), ethers.ZeroHash, ...NO_L1),
      ).to.emit(anchor, 'SealAnchored');
    });
  });

  describe('anchorSeal', () => {
    describe('when the anchor continues the chain', () => {
      it('lets the first anchor choose its height and records it', async () => {
        const { anchor } = await loadFixture(deployAnchor);
        const prev = ethers.id('an unanchored predecessor');
        await expect(anchor.anchorSeal(COHERENCE, 41, seal(41n), prev, ...NO_L1))
          .to.emit(anchor, 'SealAnchored')
          .withArgs(COHERENCE, 41n, seal(41n), prev);
        expect(await head(anchor, COHERENCE)).to.deep.equal([true, 41n, 41n, seal(41n)]);
        expect(await anchor.sealHashAt(COHERENCE, 41)).to.equal(seal(41n));
        expect(await anchor.isAnchored(COHERENCE, 40)).to.equal(false);
        expect(await anchor.isAnchored(COHERENCE, 41)).to.equal(true);
      });

      it('appends height latest + 1 naming the latest seal hash', async () => {
        const { anchor } = await loadFixture(deployWithSingles);
        await expect(anchor.anchorSeal(COHERENCE, 3, seal(3n), seal(2n), ...NO_L1))
          .to.emit(anchor, 'SealAnchored')
          .withArgs(COHERENCE, 3n, seal(3n), seal(2n));
        expect(await head(anchor, COHERENCE)).to.deep.equal([true, 0n, 3n, seal(3n)]);
        for (const h of [0n, 1n, 2n, 3n])
          expect(await anchor.sealHashAt(COHERENCE, h)).to.equal(seal(h));
        expect(await anchor.verifySeal(COHERENCE, 1, seal(1n), [])).to.equal(true);
        expect(await anchor.verifySeal(COHERENCE, 1, seal(2n), [])).to.equal(false);
        expect(await anchor.verifySeal(COHERENCE, 4, seal(4n), [])).to.equal(false);
      });

      it('keeps the KeyLedger chain independent of the CoherenceLedger chain', async () => {
        const { anchor } = await loadFixture(deployWithSingles);
        await anchor.anchorSeal(KEY, 0, seal(0n, KEY), ethers.ZeroHash, ...NO_L1);
        expect(await head(anchor, KEY)).to.deep.equal([true, 0n, 0n, seal(0n, KEY)]);
        expect(await head(anchor, COHERENCE)).to.deep.equal([true, 0n, 2n, seal(2n)]);
        await expect(anchor.anchorSeal(KEY, 1, seal(1n, KEY), seal(2n), ...NO_L1))
          .to.be.revertedWithCustomError(anchor, 'SealAnchor_Fork')
          .withArgs(KEY, 1n, seal(0n, KEY), seal(2n));
      });
    });

    describe('when the anchor breaks continuity', () => {
      it('reverts a height above latest + 1 with SealAnchor_Gap', async () => {
        const { anchor } = await loadFixture(deployWithSingles);
        await expect(anchor.anchorSeal(COHERENCE, 4, seal(4n), seal(2n), ...NO_L1))
          .to.be.revertedWithCustomError(anchor, 'SealAnchor_Gap')
          .withArgs(COHERENCE, 3n, 4n);
      });

      it('reverts an anchored height with SealAnchor_Replay, for the latest and for an older one', async () => {
        const { anchor } = await loadFixture(deployWithSingles);
        for (const h of [2n, 0n]) {
          await expect(anchor.anchorSeal(COHERENCE, h, seal(h), seal(h - 1n), ...NO_L1))
            .to.be.revertedWithCustomError(anchor, 'SealAnchor_Replay')
            .withArgs(COHERENCE, h, 2n);
        }
      });

      it('reverts a previous seal hash other than the latest with SealAnchor_Fork', async () => {
        const { anchor } = await loadFixture(deployWithSingles);
        const forked = ethers.id('another seal 2');
        await expect(anchor.anchorSeal(COHERENCE, 3, seal(3n), forked, ...NO_L1))
          .to.be.revertedWithCustomError(anchor, 'SealAnchor_Fork')
          .withArgs(COHERENCE, 3n, seal(2n), forked);
      });

      it('reverts a zero seal hash with SealAnchor_ZeroSealHash', async () => {
        const { anchor } = await loadFixture(deployWithSingles);
        await expect(anchor.anchorSeal(COHERENCE, 3, ethers.ZeroHash, seal(2n), ...NO_L1))
          .to.be.revertedWithCustomError(anchor, 'SealAnchor_ZeroSealHash')
          .withArgs(COHERENCE, 3n);
      });
    });

    describe('reorg guard', () => {
      it('anchors when the expected L1 block hash is the hash of that block', async () => {
        const { anchor } = await loadFixture(deployWithSingles);
        await mine(3);
        const block = (await ethers.provider.getBlock('latest'))!;
        await expect(
          anchor.anchorSeal(COHERENCE, 3, seal(3n), seal(2n), block.hash!, block.number),
        ).to.emit(anchor, 'SealAnchored');
      });

      it('reverts with SealAnchor_L1BlockHashMismatch when the block hash differs (a reorg)', async () => {
        const { anchor } = await loadFixture(deployWithSingles);
        const block = (await ethers.provider.getBlock('latest'))!;
        const orphaned = ethers.id('the block before the reorg');
        await expect(anchor.anchorSeal(COHERENCE, 3, seal(3n), seal(2n), orphaned, block.number))
          .to.be.revertedWithCustomError(anchor, 'SealAnchor_L1BlockHashMismatch')
          .withArgs(block.number, orphaned, block.hash);
        await expect(
          anchor.anchorSealBatch(COHERENCE, 3, seal(2n), seals(3n, 2), orphaned, block.number),
        )
          .to.be.revertedWithCustomError(anchor, 'SealAnchor_L1BlockHashMismatch')
          .withArgs(block.number, orphaned, block.hash);
      });

      it('reverts for a block not yet mined or older than 256 blocks (blockhash is zero there)', async () => {
        const { anchor } = await loadFixture(deployWithSingles);
        const block = (await ethers.provider.getBlock('latest'))!;
        await expect(
          anchor.anchorSeal(COHERENCE, 3, seal(3n), seal(2n), block.hash!, block.number + 10),
        )
          .to.be.revertedWithCustomError(anchor, 'SealAnchor_L1BlockHashMismatch')
          .withArgs(block.number + 10, block.hash, ethers.ZeroHash);
        await mine(300);
        await expect(anchor.anchorSeal(COHERENCE, 3, seal(3n), seal(2n), block.hash!, block.number))
          .to.be.revertedWithCustomError(anchor, 'SealAnchor_L1BlockHashMismatch')
          .withArgs(block.number, block.hash, ethers.ZeroHash);
      });
    });
  });

  describe('anchorSealBatch', () => {
    describe('when the batch continues the chain', () => {
      it('stores the OpenZeppelin merkle-tree root and emits every seal hash', async () => {
        const { anchor } = await loadFixture(deployWithSingles);
        const hashes = seals(3n, 10);
        const tree = batchTree(3n, hashes);
        await expect(anchor.anchorSealBatch(COHERENCE, 3, seal(2n), hashes, ...NO_L1))
          .to.emit(anchor, 'SealBatchAnchored')
          .withArgs(COHERENCE, 3n, 12n, seal(2n), tree.root, hashes);
        expect(await head(anchor, COHERENCE)).to.deep.equal([true, 0n, 12n, seal(12n)]);
        expect(await anchor.batchCount(COHERENCE)).to.equal(1n);
        const batch = await anchor.batchAt(COHERENCE, 0);
        expect([batch.root, batch.firstHeight, batch.lastHeight]).to.deep.equal([
          tree.root,
          3n,
          12n,
        ]);
      });

      it('verifies every height of every batch with its proof, and every single anchor without one', async () => {
        const { anchor } = await loadFixture(deployWithBatches);
        const trees = [
          { first: 3n, tree: batchTree(3n, seals(3n, 10)) },
          { first: 14n, tree: batchTree(14n, seals(14n, 7)) },
        ];
        for (const { first, tree } of trees) {
          for (const [index, [height, hash]] of tree.entries()) {
            expect(height).to.equal(first + BigInt(index));
            if (typeof height !== 'bigint' || typeof hash !== 'string')
              throw new Error('unexpected leaf');
            expect(
              await anchor.verifySeal(COHERENCE, height, hash, tree.getProof(index)),
              `height ${height}`,
            ).to.equal(true);
          }
        }
        for (const h of [0n, 1n, 2n, 13n])
          expect(await anchor.verifySeal(COHERENCE, h, seal(h), [])).to.equal(true);
        expect(await head(anchor, COHERENCE)).to.deep.equal([true, 0n, 20n, seal(20n)]);
      });

      it('rejects a tampered seal hash, a proof of another height and a height outside the batch', async () => {
        const { anchor } = await loadFixture(deployWithBatches);
        const tree = batchTree(3n, seals(3n, 10));
        const proof5 = tree.getProof(2); // height 5
        expect(await anchor.verifySeal(COHERENCE, 5, seal(5n), proof5)).to.equal(true);
        expect(await anchor.verifySeal(COHERENCE, 5, ethers.id('tampered'), proof5)).to.equal(
          false,
        );
        expect(await anchor.verifySeal(COHERENCE, 5, seal(5n), tree.getProof(3))).to.equal(false);
        expect(await anchor.verifySeal(COHERENCE, 5, seal(5n), [])).to.equal(false);
        const tamperedProof = [ethers.id('sibling'), ...proof5.slice(1)];
        expect(await anchor.verifySeal(COHERENCE, 5, seal(5n), tamperedProof)).to.equal(false);
        // The same (hash, proof) claimed for another height or on the other chain.
        expect(await anchor.verifySeal(COHERENCE, 6, seal(5n), proof5)).to.equal(false);
        expect(await anchor.verifySeal(KEY, 5, seal(5n), proof5)).to.equal(false);
        expect(await anchor.verifySeal(COHERENCE, 21, seal(21n), [])).to.equal(false);
        expect(await anchor.verifySeal(COHERENCE, 5, ethers.ZeroHash, proof5)).to.equal(false);
      });

      it('lets an integrator rebuild any proof from the SealBatchAnchored log alone', async () => {
        const { anchor } = await loadFixture(deployWithBatches);
        const height = 17n;
        const [found, batch] = await anchor.batchOf(COHERENCE, height);
        expect(found).to.equal(true);
        const logs = await anchor.queryFilter(
          anchor.filters.SealBatchAnchored(COHERENCE, batch.firstHeight, batch.lastHeight),
        );
        expect(logs).to.have.length(1);
        const hashes = logs[0]!.args.sealHashes;
        const tree = batchTree(batch.firstHeight, hashes);
        expect(tree.root).to.equal(batch.root);
        const index = Number(height - batch.firstHeight);
        expect(
          await anchor.verifySeal(COHERENCE, height, hashes[index]!, tree.getProof(index)),
        ).to.equal(true);
        expect(hashes[index]).to.equal(seal(height));
      });

      it('finds the batch of a height with batchOf', async () => {
        const { anchor } = await loadFixture(deployWithBatches);
        const expected: [bigint, boolean, bigint, bigint][] = [
          [2n, false, 0n, 0n],
          [3n, true, 3n, 12n],
          [12n, true, 3n, 12n],
          [13n, false, 0n, 0n],
          [14n, true, 14n, 20n],
          [20n, true, 14n, 20n],
          [21n, false, 0n, 0n],
        ];
        for (const [height, found, first, last] of expected) {
          const [isFound, batch] = await anchor.batchOf(COHERENCE, height);
          expect([isFound, batch.firstHeight, batch.lastHeight], `height ${height}`).to.deep.equal([
            found,
            first,
            last,
          ]);
        }
        expect(await anchor.batchCount(COHERENCE)).to.equal(2n);
        // Single anchors and each batch's last seal are stored by height; the rest live in the batch's root.
        expect(await anchor.sealHashAt(COHERENCE, 3)).to.equal(ethers.ZeroHash);
        expect(await anchor.sealHashAt(COHERENCE, 11)).to.equal(ethers.ZeroHash);
        expect(await anchor.sealHashAt(COHERENCE, 12)).to.equal(seal(12n));
        expect(await anchor.sealHashAt(COHERENCE, 13)).to.equal(seal(13n));
        expect(await anchor.sealHashAt(COHERENCE, 20)).to.equal(seal(20n));
        expect(await anchor.sealHashAt(COHERENCE, 21)).to.equal(ethers.ZeroHash);
      });

      it('lets a first batch choose its height and a batch of one seal (root = leaf, empty proof)', async () => {
        const { anchor } = await loadFixture(deployAnchor);
        await anchor.anchorSealBatch(KEY, 7, ethers.ZeroHash, [seal(7n, KEY)], ...NO_L1);
        const tree = batchTree(7n, [seal(7n, KEY)]);
        expect((await anchor.batchAt(KEY, 0)).root).to.equal(tree.root);
        expect(await head(anchor, KEY)).to.deep.equal([true, 7n, 7n, seal(7n, KEY)]);
        expect(await anchor.verifySeal(KEY, 7, seal(7n, KEY), [])).to.equal(true);
        await expect(anchor.anchorSeal(KEY, 8, seal(8n, KEY), seal(7n, KEY), ...NO_L1)).to.emit(
          anchor,
          'SealAnchored',
        );
      });

      it('continues a batch with a batch, naming the previous batch last seal hash', async () => {
        const { anchor } = await loadFixture(deployWithSingles);
        await anchor.anchorSealBatch(COHERENCE, 3, seal(2n), seals(3n, 4), ...NO_L1);
        await expect(anchor.anchorSealBatch(COHERENCE, 7, seal(5n), seals(7n, 4), ...NO_L1))
          .to.be.revertedWithCustomError(anchor, 'SealAnchor_Fork')
          .withArgs(COHERENCE, 7n, seal(6n), seal(5n));
        await anchor.anchorSealBatch(COHERENCE, 7, seal(6n), seals(7n, 4), ...NO_L1);
        expect(await head(anchor, COHERENCE)).to.deep.equal([true, 0n, 10n, seal(10n)]);
        expect(await anchor.batchCount(COHERENCE)).to.equal(2n);
      });

      it('builds the same root as the library for every size from 1 to 33', async () => {
        const { anchor } = await loadFixture(deployAnchor);
        let first = 0n;
        for (let size = 1; size <= 33; size++) {
          const hashes = seals(first, size, KEY);
          await anchor.anchorSealBatch(
            KEY,
            first,
            first === 0n ? ethers.ZeroHash : seal(first - 1n, KEY),
            hashes,
            ...NO_L1,
          );
          expect((await anchor.batchAt(KEY, size - 1)).root, `size ${size}`).to.equal(
            batchTree(first, hashes).root,
          );
          first += BigInt(size);
        }
      });
    });

    describe('when the batch is invalid', () => {
      it('reverts a gap, a replay and a fork like a single anchor', async () => {
        const { anchor } = await loadFixture(deployWithSingles);
        await expect(anchor.anchorSealBatch(COHERENCE, 4, seal(3n), seals(4n, 3), ...NO_L1))
          .to.be.revertedWithCustomError(anchor, 'SealAnchor_Gap')
          .withArgs(COHERENCE, 3n, 4n);
        await expect(anchor.anchorSealBatch(COHERENCE, 2, seal(1n), seals(2n, 3), ...NO_L1))
          .to.be.revertedWithCustomError(anchor, 'SealAnchor_Replay')
          .withArgs(COHERENCE, 2n, 2n);
        await expect(anchor.anchorSealBatch(COHERENCE, 3, seal(1n), seals(3n, 3), ...NO_L1))
          .to.be.revertedWithCustomError(anchor, 'SealAnchor_Fork')
          .withArgs(COHERENCE, 3n, seal(2n), seal(1n));
      });

      it('reverts an empty batch and one above SEAL_BATCH_MAX with SealAnchor_BatchSizeOutOfRange', async () => {
        const { anchor } = await loadFixture(deployWithSingles);
        await expect(anchor.anchorSealBatch(COHERENCE, 3, seal(2n), [], ...NO_L1))
          .to.be.revertedWithCustomError(anchor, 'SealAnchor_BatchSizeOutOfRange')
          .withArgs(0n, 1024n);
        await expect(anchor.anchorSealBatch(COHERENCE, 3, seal(2n), seals(3n, 1025), ...NO_L1))
          .to.be.revertedWithCustomError(anchor, 'SealAnchor_BatchSizeOutOfRange')
          .withArgs(1025n, 1024n);
      });

      it('reverts a zero seal hash inside a batch with SealAnchor_ZeroSealHash naming its height', async () => {
        const { anchor } = await loadFixture(deployWithSingles);
        const hashes = seals(3n, 5);
        hashes[3] = ethers.ZeroHash;
        await expect(anchor.anchorSealBatch(COHERENCE, 3, seal(2n), hashes, ...NO_L1))
          .to.be.revertedWithCustomError(anchor, 'SealAnchor_ZeroSealHash')
          .withArgs(COHERENCE, 6n);
      });

      it('reverts batchAt past batchCount with SealAnchor_BatchIndexOutOfRange', async () => {
        const { anchor } = await loadFixture(deployWithBatches);
        await expect(anchor.batchAt(COHERENCE, 2))
          .to.be.revertedWithCustomError(anchor, 'SealAnchor_BatchIndexOutOfRange')
          .withArgs(COHERENCE, 2n, 2n);
        await expect(anchor.batchAt(KEY, 0))
          .to.be.revertedWithCustomError(anchor, 'SealAnchor_BatchIndexOutOfRange')
          .withArgs(KEY, 0n, 0n);
      });
    });
  });

  describe('HolonetSync certificates and evidence', () => {
    const root = (n: number) => ethers.id(`certificates ${n}`);

    it('anchors certificate roots after their seals: any first range, then dense ranges', async () => {
      const { anchor } = await loadFixture(deployWithSingles);
      expect(await anchor.certificateHead()).to.deep.equal([false, 0n]);
      await expect(anchor.anchorCertificates(1, 1, root(1)))
        .to.emit(anchor, 'CertificatesAnchored')
        .withArgs(1, 1, root(1));
      await anchor.anchorCertificates(2, 2, root(2));
      expect(await anchor.certificateHead()).to.deep.equal([true, 3n]);
      expect(await anchor.certificateRootAt(1)).to.equal(root(1));
      expect(await anchor.certificateRootAt(2)).to.equal(root(2));
      expect(await anchor.certificateRootAt(0)).to.equal(ethers.ZeroHash);
    });

    it('reverts ranges it cannot hold, each with its custom error and values', async () => {
      const { anchor } = await loadFixture(deployWithSingles);
      await expect(anchor.anchorCertificates(1, 3, root(1)))
        .to.be.revertedWithCustomError(anchor, 'SealAnchor_CertificateUnsealed')
        .withArgs(3, 0, 2);
      await expect(anchor.anchorCertificates(2, 1, root(1)))
        .to.be.revertedWithCustomError(anchor, 'SealAnchor_CertificateRange')
        .withArgs(2, 1);
      await expect(anchor.anchorCertificates(0, 0, ethers.ZeroHash))
        .to.be.revertedWithCustomError(anchor, 'SealAnchor_CertificateRange')
        .withArgs(0, 0);
      await anchor.anchorCertificates(0, 0, root(0));
      await expect(anchor.anchorCertificates(2, 2, root(2)))
        .to.be.revertedWithCustomError(anchor, 'SealAnchor_CertificateGap')
        .withArgs(1, 2);
      const fresh = await loadFixture(deployAnchor);
      await expect(fresh.anchor.anchorCertificates(0, 0, root(0)))
        .to.be.revertedWithCustomError(fresh.anchor, 'SealAnchor_CertificateUnsealed')
        .withArgs(0, 0, 0);
    });

    it('anchors each equivocation evidence hash once, and only from the sequencer', async () => {
      const { anchor, other } = await loadFixture(deployWithSingles);
      const evidence = ethers.id('two seals for height 2');
      await expect(anchor.anchorEvidence(evidence))
        .to.emit(anchor, 'EvidenceAnchored')
        .withArgs(evidence);
      expect(await anchor.isEvidenceAnchored(evidence)).to.equal(true);
      await expect(anchor.anchorEvidence(evidence))
        .to.be.revertedWithCustomError(anchor, 'SealAnchor_EvidenceRejected')
        .withArgs(evidence);
      await expect(anchor.anchorEvidence(ethers.ZeroHash)).to.be.revertedWithCustomError(
        anchor,
        'SealAnchor_EvidenceRejected',
      );
      await expect(
        anchor.connect(other).anchorEvidence(ethers.id('x')),
      ).to.be.revertedWithCustomError(anchor, 'AccessControlUnauthorizedAccount');
      await expect(
        anchor.connect(other).anchorCertificates(0, 0, root(0)),
      ).to.be.revertedWithCustomError(anchor, 'AccessControlUnauthorizedAccount');
    });
  });

  describe('height bounds: no anchor can leave a chain without a next height', () => {
    it('reverts a first anchor above FIRST_HEIGHT_MAX, 2^64 - 1 included, with SealAnchor_HeightOutOfRange', async () => {
      const { anchor } = await loadFixture(deployAnchor);
      const max = (1n << 64n) - 1n;
      for (const height of [FIRST_HEIGHT_MAX + 1n, max]) {
        await expect(anchor.anchorSeal(KEY, height, seal(height, KEY), ethers.ZeroHash, ...NO_L1))
          .to.be.revertedWithCustomError(anchor, 'SealAnchor_HeightOutOfRange')
          .withArgs(KEY, height, FIRST_HEIGHT_MAX);
      }
      // A batch that would end past 2^64 - 1 is a custom error too, not an arithmetic panic.
      await expect(
        anchor.anchorSealBatch(KEY, max - 1n, ethers.ZeroHash, seals(max - 1n, 2, KEY), ...NO_L1),
      )
        .to.be.revertedWithCustomError(anchor, 'SealAnchor_HeightOutOfRange')
        .withArgs(KEY, max - 1n, FIRST_HEIGHT_MAX);
    });

    it('keeps a chain that starts at FIRST_HEIGHT_MAX growing, singly and in full batches', async () => {
      const { anchor } = await loadFixture(deployAnchor);
      const first = FIRST_HEIGHT_MAX;
      await anchor.anchorSealBatch(COHERENCE, first, ethers.ZeroHash, seals(first, 1024), ...NO_L1);
      const next = first + 1024n;
      await anchor.anchorSeal(COHERENCE, next, seal(next), seal(next - 1n), ...NO_L1);
      await anchor.anchorSealBatch(
        COHERENCE,
        next + 1n,
        seal(next),
        seals(next + 1n, 1024),
        ...NO_L1,
      );
      expect(await head(anchor, COHERENCE)).to.deep.equal([
        true,
        first,
        next + 1024n,
        seal(next + 1024n),
      ]);
    });
  });

  describe('gas', () => {
    it('costs at most 60,000 gas per single anchor, with and without the reorg guard', async () => {
      const { anchor } = await loadFixture(deployWithSingles);
      const plain = await gasOf(anchor.anchorSeal(COHERENCE, 3, seal(3n), seal(2n), ...NO_L1));
      const block = (await ethers.provider.getBlock('latest'))!;
      const guarded = await gasOf(
        anchor.anchorSeal(COHERENCE, 4, seal(4n), seal(3n), block.hash!, block.number),
      );
      expect(plain).to.be.at.most(GAS_PER_ANCHOR_MAX);
      expect(guarded).to.be.at.most(GAS_PER_ANCHOR_MAX);
    });

    it('costs less per seal in a batch than a single anchor, for 2, 16, 128 and 1024 seals', async () => {
      // After the chain's first batch, which initialises the batch storage once.
      const { anchor } = await loadFixture(deployWithBatches);
      const single = await gasOf(anchor.anchorSeal(COHERENCE, 21, seal(21n), seal(20n), ...NO_L1));
      let first = 22n;
      let previousPerSeal = single;
      for (const size of [2, 16, 128, 1024]) {
        const gas = await gasOf(
          anchor.anchorSealBatch(COHERENCE, first, seal(first - 1n), seals(first, size), ...NO_L1),
        );
        const perSeal = gas / BigInt(size);
        expect(perSeal, `${size} seals`).to.be.below(previousPerSeal);
        previousPerSeal = perSeal;
        first += BigInt(size);
      }
    });
  });
});
