/*
 * AllocationRegistry: per-epoch allocation roots, proof verification, on-chain re-computation of a split.
 *
 * deployment ── roles ── zero admin / admin = sequencer / zero anchor revert
 * anchorAllocationRoot
 *   ├── SEQUENCER_ROLE only
 *   ├── epoch 0 first, then +1: replay (never overwritten), gap; seal height strictly increasing; zero seal hash
 *   ├── the seal must be held by the SealAnchor (a single anchor or a batch's last seal)
 *   └── a zero root records an epoch that allocated nothing
 * verifyAllocation ── every leaf of a StandardMerkleTree verifies; tampered account / token / amount / proof /
 *                     epoch does not; unanchored and empty epochs are false
 * computeAllocation ── the runtime's worked examples; errors mirrored (no recipients, too many, zero weight)
 * computeCappedAllocation ── cuts above the cap, excess = sum of the cuts
 */
import { expect } from 'chai';
import { ethers } from 'hardhat';
import { loadFixture } from '@nomicfoundation/hardhat-network-helpers';
import { StandardMerkleTree } from '@openzeppelin/merkle-tree';
import { AllocationRegistry__factory } from '../../../typechain-types';
import { namedSigners } from '../signers';
import { ADMIN_DELAY, deployAnchorHolding, seal } from '../seals';

type Leaf = [string, bigint, bigint];

const LEAF_ENCODING = ['address', 'uint256', 'uint256'];
const [CHR, FLX, ATR] = [1n, 2n, 4n];
/** The anchor holds heights 10 (singly), 11..20 (a batch: 20 its last) and 21 (singly). */
const SEAL_A = seal(10n);
const SEAL_B = seal(20n);

async function deployRegistry() {
  const { admin, sequencer, alice, bob, carol, other } = await namedSigners();
  const anchor = await deployAnchorHolding(admin, sequencer, 10n, 10);
  const registry = await new AllocationRegistry__factory(admin).deploy(
    ADMIN_DELAY,
    admin,
    sequencer,
    anchor,
  );
  const leaves: Leaf[] = [
    [alice.address, CHR, 34n],
    [bob.address, CHR, 33n],
    [carol.address, CHR, 33n],
    [alice.address, ATR, 5n * 10n ** 18n],
    [bob.address, FLX, 1n],
  ];
  const tree = StandardMerkleTree.of(leaves, LEAF_ENCODING);
  return { registry: registry.connect(sequencer), anchor, admin, sequencer, other, tree, leaves };
}

/** Epoch 0 anchored with `tree` at seal height 10. */
async function deployWithEpoch() {
  const fixture = await deployRegistry();
  await fixture.registry.anchorAllocationRoot(0, fixture.tree.root, SEAL_A, 10);
  return fixture;
}

describe('AllocationRegistry', () => {
  describe('deployment', () => {
    it('grants the roles, expects epoch 0 and allows up to 1024 recipients', async () => {
      const { registry, anchor, admin, sequencer } = await loadFixture(deployRegistry);
      expect(await registry.defaultAdmin()).to.equal(admin.address);
      expect(await registry.sealAnchor()).to.equal(await anchor.getAddress());
      expect(await registry.hasRole(await registry.SEQUENCER_ROLE(), sequencer)).to.equal(true);
      expect(await registry.nextEpoch()).to.equal(0n);
      expect(await registry.ALLOCATION_RECIPIENTS_MAX()).to.equal(1024n);
    });

    it('reverts a zero admin, an admin that is the sequencer, and a zero seal anchor', async () => {
      const { admin, sequencer, anchor } = await loadFixture(deployRegistry);
      const factory = new AllocationRegistry__factory(admin);
      await expect(factory.deploy(ADMIN_DELAY, ethers.ZeroAddress, sequencer, anchor))
        .to.be.revertedWithCustomError(factory, 'AccessControlInvalidDefaultAdmin')
        .withArgs(ethers.ZeroAddress);
      await expect(factory.deploy(ADMIN_DELAY, admin, admin, anchor))
        .to.be.revertedWithCustomError(factory, 'SequencerAccess_AdminIsSequencer')
        .withArgs(admin.address);
      await expect(
        factory.deploy(ADMIN_DELAY, admin, sequencer, ethers.ZeroAddress),
      ).to.be.revertedWithCustomError(factory, 'AllocationRegistry_ZeroSealAnchor');
    });
  });

  describe('anchorAllocationRoot', () => {
    it('reverts for an account without SEQUENCER_ROLE', async () => {
      const { registry, admin, other, tree } = await loadFixture(deployRegistry);
      for (const caller of [admin, other]) {
        await expect(registry.connect(caller).anchorAllocationRoot(0, tree.root, SEAL_A, 10))
          .to.be.revertedWithCustomError(registry, 'AccessControlUnauthorizedAccount')
          .withArgs(caller.address, await registry.SEQUENCER_ROLE());
      }
    });

    it('anchors epoch 0 with its seal and emits AllocationRootAnchored', async () => {
      const { registry, tree } = await loadFixture(deployRegistry);
      await expect(registry.anchorAllocationRoot(0, tree.root, SEAL_A, 10))
        .to.emit(registry, 'AllocationRootAnchored')
        .withArgs(0n, tree.root, SEAL_A, 10n);
      const stored = await registry.epochAllocation(0);
      expect([stored.root, stored.sealHash, stored.sealHeight]).to.deep.equal([
        tree.root,
        SEAL_A,
        10n,
      ]);
      expect(await registry.nextEpoch()).to.equal(1n);
    });

    it('never overwrites an epoch: a replay reverts with AllocationRegistry_EpochAlreadyAnchored', async () => {
      const { registry } = await loadFixture(deployWithEpoch);
      const other = ethers.id('another root');
      await expect(registry.anchorAllocationRoot(0, other, SEAL_B, 20))
        .to.be.revertedWithCustomError(registry, 'AllocationRegistry_EpochAlreadyAnchored')
        .withArgs(0n, 1n);
    });

    it('reverts a skipped epoch with AllocationRegistry_EpochGap', async () => {
      const { registry, tree } = await loadFixture(deployWithEpoch);
      await expect(registry.anchorAllocationRoot(2, tree.root, SEAL_B, 20))
        .to.be.revertedWithCustomError(registry, 'AllocationRegistry_EpochGap')
        .withArgs(1n, 2n);
    });

    it('reverts a seal height not above the previous epoch with AllocationRegistry_SealHeightNotIncreasing', async () => {
      const { registry, tree } = await loadFixture(deployWithEpoch);
      await expect(registry.anchorAllocationRoot(1, tree.root, SEAL_B, 10))
        .to.be.revertedWithCustomError(registry, 'AllocationRegistry_SealHeightNotIncreasing')
        .withArgs(10n, 10n);
    });

    it('reverts a seal the anchor does not hold with AllocationRegistry_SealNotAnchored', async () => {
      const { registry, tree } = await loadFixture(deployRegistry);
      // Not anchored; inside a batch (only its root is held); anchored with another hash.
      for (const [height, hash, held] of [
        [22n, seal(22n), ethers.ZeroHash],
        [15n, seal(15n), ethers.ZeroHash],
        [21n, seal(99n), seal(21n)],
      ] as const) {
        await expect(registry.anchorAllocationRoot(0, tree.root, hash, height))
          .to.be.revertedWithCustomError(registry, 'AllocationRegistry_SealNotAnchored')
          .withArgs(height, hash, held);
      }
    });

    it('reverts a zero seal hash with AllocationRegistry_ZeroSealHash', async () => {
      const { registry, tree } = await loadFixture(deployRegistry);
      await expect(registry.anchorAllocationRoot(0, tree.root, ethers.ZeroHash, 10))
        .to.be.revertedWithCustomError(registry, 'AllocationRegistry_ZeroSealHash')
        .withArgs(0n);
    });

    it('records an empty epoch with a zero root, whose allocations never verify', async () => {
      const { registry, leaves, tree } = await loadFixture(deployWithEpoch);
      await expect(registry.anchorAllocationRoot(1, ethers.ZeroHash, SEAL_B, 20))
        .to.emit(registry, 'AllocationRootAnchored')
        .withArgs(1n, ethers.ZeroHash, SEAL_B, 20n);
      expect(await registry.verifyAllocation(1, ...leaves[0]!, tree.getProof(0))).to.equal(false);
      expect(await registry.nextEpoch()).to.equal(2n);
    });
  });

  describe('verifyAllocation', () => {
    it('verifies every allocation of the epoch with its proof from @openzeppelin/merkle-tree', async () => {
      const { registry, tree } = await loadFixture(deployWithEpoch);
      for (const [index, leaf] of tree.entries()) {
        expect(
          await registry.verifyAllocation(0, ...leaf, tree.getProof(index)),
          `leaf ${index}`,
        ).to.equal(true);
      }
    });

    it('rejects a tampered amount, account, token, proof or epoch', async () => {
      const { registry, tree, leaves, other } = await loadFixture(deployWithEpoch);
      const [account, tokenId, amount] = leaves[0]!;
      const proof = tree.getProof(leaves[0]!);
      expect(await registry.verifyAllocation(0, account, tokenId, amount, proof)).to.equal(true);
      expect(await registry.verifyAllocation(0, account, tokenId, amount + 1n, proof)).to.equal(
        false,
      );
      expect(await registry.verifyAllocation(0, other.address, tokenId, amount, proof)).to.equal(
        false,
      );
      expect(await registry.verifyAllocation(0, account, FLX, amount, proof)).to.equal(false);
      expect(
        await registry.verifyAllocation(0, account, tokenId, amount, tree.getProof(leaves[1]!)),
      ).to.equal(false);
      expect(await registry.verifyAllocation(0, account, tokenId, amount, [])).to.equal(false);
      expect(
        await registry.verifyAllocation(0, account, tokenId, amount, [
          ethers.id('x'),
          ...proof.slice(1),
        ]),
      ).to.equal(false);
      expect(await registry.verifyAllocation(1, account, tokenId, amount, proof)).to.equal(false);
    });
  });

  describe('computeAllocation', () => {
    const examples: [string, bigint, bigint[], bigint[]][] = [
      [
        'gives the leftover of 100 over three equal weights to the first recipient',
        100n,
        [1n, 1n, 1n],
        [34n, 33n, 33n],
      ],
      [
        'gives leftovers to the largest remainders first (10 by 1:2:4)',
        10n,
        [1n, 2n, 4n],
        [1n, 3n, 6n],
      ],
      ['splits exactly when the weights divide the total', 12n, [1n, 2n, 3n], [2n, 4n, 6n]],
      ['gives everything to a single recipient', 7n, [5n], [7n]],
      ['splits zero into zeros', 0n, [3n, 9n], [0n, 0n]],
      [
        'breaks remainder ties toward the lower index',
        5n,
        [1n, 1n, 1n, 1n, 1n, 1n, 1n],
        [1n, 1n, 1n, 1n, 1n, 0n, 0n],
      ],
    ];
    for (const [title, total, weights, expected] of examples) {
      it(title, async () => {
        const { registry } = await loadFixture(deployRegistry);
        expect(await registry.computeAllocation(total, weights)).to.deep.equal(expected);
      });
    }

    it('splits the largest total over weights whose sum exceeds 2^128 (the 256-bit path)', async () => {
      const { registry } = await loadFixture(deployRegistry);
      const max = (1n << 128n) - 1n;
      // W = 3 * max; each share is floor(max * max / (3 * max)) = floor(max / 3) = max / 3 exactly.
      expect(await registry.computeAllocation(max, [max, max, max])).to.deep.equal([
        max / 3n,
        max / 3n,
        max / 3n,
      ]);
    });

    it('reverts no recipients with AllocationRegistry_NoRecipients', async () => {
      const { registry } = await loadFixture(deployRegistry);
      await expect(registry.computeAllocation(1, [])).to.be.revertedWithCustomError(
        registry,
        'AllocationRegistry_NoRecipients',
      );
    });

    it('reverts 1025 recipients with AllocationRegistry_TooManyRecipients', async () => {
      const { registry } = await loadFixture(deployRegistry);
      await expect(registry.computeAllocation(1, Array(1025).fill(1n)))
        .to.be.revertedWithCustomError(registry, 'AllocationRegistry_TooManyRecipients')
        .withArgs(1025n, 1024n);
    });

    it('reverts a zero weight with AllocationRegistry_WeightOutOfRange naming the first one', async () => {
      const { registry } = await loadFixture(deployRegistry);
      await expect(registry.computeAllocation(1, [1n, 0n, 0n]))
        .to.be.revertedWithCustomError(registry, 'AllocationRegistry_WeightOutOfRange')
        .withArgs(1n, 0n);
    });
  });

  describe('computeCappedAllocation', () => {
    it('cuts amounts above the cap and returns the excess', async () => {
      const { registry } = await loadFixture(deployRegistry);
      // 47 by 5:12:30 splits exactly into 5, 12, 30.
      const [amounts, excess] = await registry.computeCappedAllocation(47n, [5n, 12n, 30n], 10n);
      expect(amounts).to.deep.equal([5n, 10n, 10n]);
      expect(excess).to.equal(22n);
    });

    it('returns the split unchanged and no excess when nothing is above the cap', async () => {
      const { registry } = await loadFixture(deployRegistry);
      const [amounts, excess] = await registry.computeCappedAllocation(100n, [1n, 1n, 1n], 34n);
      expect(amounts).to.deep.equal([34n, 33n, 33n]);
      expect(excess).to.equal(0n);
    });

    it('reverts bad input with the same errors as computeAllocation', async () => {
      const { registry } = await loadFixture(deployRegistry);
      await expect(registry.computeCappedAllocation(1, [2n, 0n], 1n))
        .to.be.revertedWithCustomError(registry, 'AllocationRegistry_WeightOutOfRange')
        .withArgs(1n, 0n);
    });
  });
});
