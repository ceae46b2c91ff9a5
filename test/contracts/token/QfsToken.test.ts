/*
 * QfsToken: the five balances as ERC-1155 ids, changed only by the sequencer's per-epoch batches.
 *
 * deployment ── roles granted ── zero admin reverts ── token ids 1..5 ── ERC-165
 * access control ── non-sequencer reverts ── admin grants / revokes the sequencer role
 * applyBalanceBatch
 *   ├── mints positive deltas, burns negative ones (balances, supply, TransferSingle, BalanceBatchApplied)
 *   ├── epochs: 0 first, then +1 (replay, gap); seal height strictly increasing; zero seal hash
 *   ├── changes: zero account, unknown id, zero delta, not ascending by (account, id)
 *   └── burn above the balance reverts with ERC1155InsufficientBalance
 * user transfers ── safeTransferFrom, safeBatchTransferFrom, setApprovalForAll revert
 */
import { expect } from 'chai';
import { ethers } from 'hardhat';
import { loadFixture } from '@nomicfoundation/hardhat-network-helpers';
import { QfsToken__factory } from '../../../typechain-types';
import type { IQfsToken } from '../../../typechain-types';
import { namedSigners } from '../signers';

type Change = IQfsToken.BalanceChangeStruct;

const [CHR, FLX, PSI, ATR, RES] = [1n, 2n, 3n, 4n, 5n];
const UNIT = 10n ** 18n;
const SEAL_0 = ethers.id('coherence seal 10');
const SEAL_1 = ethers.id('coherence seal 20');

async function deployToken() {
  const { admin, sequencer, alice, bob, other } = await namedSigners();
  const token = await new QfsToken__factory(admin).deploy(
    admin,
    sequencer,
    'https://qfs.example/{id}.json',
  );
  // Recipient addresses in ascending order, as a batch must list them.
  const [low, high] =
    BigInt(alice.address) < BigInt(bob.address)
      ? [alice.address, bob.address]
      : [bob.address, alice.address];
  return { token, admin, sequencer, alice, bob, other, low, high };
}

/** A fixture where epoch 0 minted 100 CHR and 7 PSI to `low` and 50 CHR to `high` at seal height 10. */
async function deployWithBalances() {
  const fixture = await deployToken();
  const { token, sequencer, low, high } = fixture;
  await token.connect(sequencer).applyBalanceBatch(0, 10, SEAL_0, [
    { account: low, tokenId: CHR, delta: 100n * UNIT },
    { account: low, tokenId: PSI, delta: 7n * UNIT },
    { account: high, tokenId: CHR, delta: 50n * UNIT },
  ]);
  return fixture;
}

describe('QfsToken', () => {
  describe('deployment', () => {
    it('grants DEFAULT_ADMIN_ROLE to the admin and SEQUENCER_ROLE to the sequencer', async () => {
      const { token, admin, sequencer, other } = await loadFixture(deployToken);
      const role = await token.SEQUENCER_ROLE();
      expect(role).to.equal(ethers.id('SEQUENCER_ROLE'));
      expect(await token.hasRole(await token.DEFAULT_ADMIN_ROLE(), admin)).to.equal(true);
      expect(await token.hasRole(role, sequencer)).to.equal(true);
      expect(await token.hasRole(role, other)).to.equal(false);
      expect(await token.hasRole(role, admin)).to.equal(false);
    });

    it('grants no sequencer role when the sequencer is the zero address', async () => {
      const { admin } = await namedSigners();
      const token = await new QfsToken__factory(admin).deploy(admin, ethers.ZeroAddress, '');
      const receipt = await token.deploymentTransaction()!.wait();
      const granted = receipt!.logs.map((log) => token.interface.parseLog(log)?.args.toArray());
      expect(granted).to.deep.equal([[ethers.ZeroHash, admin.address, admin.address]]);
      expect(await token.hasRole(await token.SEQUENCER_ROLE(), ethers.ZeroAddress)).to.equal(false);
    });

    it('reverts with SequencerAccess_ZeroAdmin for a zero admin', async () => {
      const { admin, sequencer } = await namedSigners();
      const factory = new QfsToken__factory(admin);
      await expect(factory.deploy(ethers.ZeroAddress, sequencer, '')).to.be.revertedWithCustomError(
        factory,
        'SequencerAccess_ZeroAdmin',
      );
    });

    it('numbers the five tokens CHR=1, FLX=2, PSI=3, ATR=4, RES=5', async () => {
      const { token } = await loadFixture(deployToken);
      expect([
        await token.CHR(),
        await token.FLX(),
        await token.PSI(),
        await token.ATR(),
        await token.RES(),
      ]).to.deep.equal([CHR, FLX, PSI, ATR, RES]);
    });

    it('serves the metadata URI and supports ERC-1155, its metadata URI, AccessControl and ERC-165', async () => {
      const { token } = await loadFixture(deployToken);
      expect(await token.uri(CHR)).to.equal('https://qfs.example/{id}.json');
      for (const id of ['0xd9b67a26', '0x0e89341c', '0x7965db0b', '0x01ffc9a7']) {
        expect(await token.supportsInterface(id), id).to.equal(true);
      }
      expect(await token.supportsInterface('0xffffffff')).to.equal(false);
    });

    it('starts with no balance and epoch 0 expected', async () => {
      const { token, low } = await loadFixture(deployToken);
      expect(await token.balanceOf(low, CHR)).to.equal(0n);
      const head = await token.balanceHead();
      expect([head.nextEpoch, head.sealHeight, head.sealHash]).to.deep.equal([
        0n,
        0n,
        ethers.ZeroHash,
      ]);
    });
  });

  describe('access control', () => {
    it('reverts applyBalanceBatch from an account without SEQUENCER_ROLE, the admin included', async () => {
      const { token, admin, other, low } = await loadFixture(deployToken);
      const role = await token.SEQUENCER_ROLE();
      for (const caller of [admin, other]) {
        await expect(
          token
            .connect(caller)
            .applyBalanceBatch(0, 1, SEAL_0, [{ account: low, tokenId: CHR, delta: 1n }]),
        )
          .to.be.revertedWithCustomError(token, 'AccessControlUnauthorizedAccount')
          .withArgs(caller.address, role);
      }
    });

    it('lets the admin grant the role to a new sequencer and revoke it from the old one', async () => {
      const { token, admin, sequencer, other, low } = await loadFixture(deployToken);
      const role = await token.SEQUENCER_ROLE();
      await expect(token.connect(admin).grantRole(role, other))
        .to.emit(token, 'RoleGranted')
        .withArgs(role, other.address, admin.address);
      await token.connect(admin).revokeRole(role, sequencer);
      await expect(token.connect(sequencer).applyBalanceBatch(0, 1, SEAL_0, []))
        .to.be.revertedWithCustomError(token, 'AccessControlUnauthorizedAccount')
        .withArgs(sequencer.address, role);
      await token
        .connect(other)
        .applyBalanceBatch(0, 1, SEAL_0, [{ account: low, tokenId: FLX, delta: 3n }]);
      expect(await token.balanceOf(low, FLX)).to.equal(3n);
    });

    it('does not let a non-admin grant the sequencer role', async () => {
      const { token, sequencer, other } = await loadFixture(deployToken);
      await expect(token.connect(sequencer).grantRole(await token.SEQUENCER_ROLE(), other))
        .to.be.revertedWithCustomError(token, 'AccessControlUnauthorizedAccount')
        .withArgs(sequencer.address, ethers.ZeroHash);
    });
  });

  describe('applyBalanceBatch', () => {
    describe('when the batch is valid', () => {
      it('mints positive deltas and emits TransferSingle per change, then BalanceBatchApplied', async () => {
        const { token, sequencer, low, high } = await loadFixture(deployToken);
        const tx = token.connect(sequencer).applyBalanceBatch(0, 10, SEAL_0, [
          { account: low, tokenId: CHR, delta: 100n * UNIT },
          { account: low, tokenId: RES, delta: 1n },
          { account: high, tokenId: ATR, delta: 2n * UNIT },
        ]);
        await expect(tx)
          .to.emit(token, 'TransferSingle')
          .withArgs(sequencer.address, ethers.ZeroAddress, low, CHR, 100n * UNIT);
        await expect(tx)
          .to.emit(token, 'TransferSingle')
          .withArgs(sequencer.address, ethers.ZeroAddress, high, ATR, 2n * UNIT);
        await expect(tx).to.emit(token, 'BalanceBatchApplied').withArgs(0n, 10n, SEAL_0, 3n);
        expect(
          await token.balanceOfBatch([low, low, high, high], [CHR, RES, ATR, CHR]),
        ).to.deep.equal([100n * UNIT, 1n, 2n * UNIT, 0n]);
        expect(await token['totalSupply(uint256)'](CHR)).to.equal(100n * UNIT);
        const head = await token.balanceHead();
        expect([head.nextEpoch, head.sealHeight, head.sealHash]).to.deep.equal([1n, 10n, SEAL_0]);
      });

      it('burns negative deltas and mints positive ones in the next epoch (net changes)', async () => {
        const { token, sequencer, low, high } = await loadFixture(deployWithBalances);
        const tx = token.connect(sequencer).applyBalanceBatch(1, 20, SEAL_1, [
          { account: low, tokenId: CHR, delta: -30n * UNIT },
          { account: low, tokenId: PSI, delta: -7n * UNIT },
          { account: high, tokenId: CHR, delta: 30n * UNIT },
        ]);
        await expect(tx)
          .to.emit(token, 'TransferSingle')
          .withArgs(sequencer.address, low, ethers.ZeroAddress, CHR, 30n * UNIT);
        await expect(tx).to.emit(token, 'BalanceBatchApplied').withArgs(1n, 20n, SEAL_1, 3n);
        expect(await token.balanceOfBatch([low, low, high], [CHR, PSI, CHR])).to.deep.equal([
          70n * UNIT,
          0n,
          80n * UNIT,
        ]);
        expect(await token['totalSupply(uint256)'](CHR)).to.equal(150n * UNIT);
        expect(await token['totalSupply(uint256)'](PSI)).to.equal(0n);
      });

      it('accepts an empty batch (an epoch with no balance change) and advances the epoch', async () => {
        const { token, sequencer } = await loadFixture(deployWithBalances);
        await expect(token.connect(sequencer).applyBalanceBatch(1, 11, SEAL_1, []))
          .to.emit(token, 'BalanceBatchApplied')
          .withArgs(1n, 11n, SEAL_1, 0n);
        expect((await token.balanceHead()).nextEpoch).to.equal(2n);
      });

      it('accepts any seal height for epoch 0, including 0', async () => {
        const { token, sequencer } = await loadFixture(deployToken);
        await token.connect(sequencer).applyBalanceBatch(0, 0, SEAL_0, []);
        expect((await token.balanceHead()).sealHeight).to.equal(0n);
      });
    });

    describe('when the epoch or seal is wrong', () => {
      it('reverts a replayed epoch with QfsToken_EpochAlreadyApplied', async () => {
        const { token, sequencer, low } = await loadFixture(deployWithBalances);
        await expect(
          token
            .connect(sequencer)
            .applyBalanceBatch(0, 20, SEAL_1, [{ account: low, tokenId: CHR, delta: 1n }]),
        )
          .to.be.revertedWithCustomError(token, 'QfsToken_EpochAlreadyApplied')
          .withArgs(0n, 1n);
      });

      it('reverts a skipped epoch with QfsToken_EpochGap', async () => {
        const { token, sequencer } = await loadFixture(deployWithBalances);
        await expect(token.connect(sequencer).applyBalanceBatch(2, 20, SEAL_1, []))
          .to.be.revertedWithCustomError(token, 'QfsToken_EpochGap')
          .withArgs(1n, 2n);
      });

      it('reverts a seal height not above the previous one with QfsToken_SealHeightNotIncreasing', async () => {
        const { token, sequencer } = await loadFixture(deployWithBalances);
        for (const height of [10n, 9n]) {
          await expect(token.connect(sequencer).applyBalanceBatch(1, height, SEAL_1, []))
            .to.be.revertedWithCustomError(token, 'QfsToken_SealHeightNotIncreasing')
            .withArgs(10n, height);
        }
      });

      it('reverts a zero seal hash with QfsToken_ZeroSealHash', async () => {
        const { token, sequencer } = await loadFixture(deployToken);
        await expect(token.connect(sequencer).applyBalanceBatch(0, 1, ethers.ZeroHash, []))
          .to.be.revertedWithCustomError(token, 'QfsToken_ZeroSealHash')
          .withArgs(0n);
      });
    });

    describe('when a change is malformed', () => {
      async function expectRevert(changes: Change[], error: string, args: unknown[]) {
        const { token, sequencer } = await loadFixture(deployWithBalances);
        await expect(token.connect(sequencer).applyBalanceBatch(1, 20, SEAL_1, changes))
          .to.be.revertedWithCustomError(token, error)
          .withArgs(...args);
      }

      it('reverts the zero account with QfsToken_ZeroAccount', async () => {
        await expectRevert(
          [{ account: ethers.ZeroAddress, tokenId: CHR, delta: 1n }],
          'QfsToken_ZeroAccount',
          [0n],
        );
      });

      it('reverts token ids 0 and 6 with QfsToken_UnknownTokenId', async () => {
        const { low, high } = await loadFixture(deployToken);
        await expectRevert(
          [
            { account: low, tokenId: CHR, delta: 1n },
            { account: high, tokenId: 0n, delta: 1n },
          ],
          'QfsToken_UnknownTokenId',
          [1n, 0n],
        );
        await expectRevert([{ account: low, tokenId: 6n, delta: 1n }], 'QfsToken_UnknownTokenId', [
          0n,
          6n,
        ]);
      });

      it('reverts a zero delta with QfsToken_ZeroDelta', async () => {
        const { low } = await loadFixture(deployToken);
        await expectRevert([{ account: low, tokenId: FLX, delta: 0n }], 'QfsToken_ZeroDelta', [0n]);
      });

      it('reverts a repeated (account, token) with QfsToken_ChangesNotSorted', async () => {
        const { low } = await loadFixture(deployToken);
        await expectRevert(
          [
            { account: low, tokenId: CHR, delta: 1n },
            { account: low, tokenId: CHR, delta: 2n },
          ],
          'QfsToken_ChangesNotSorted',
          [1n],
        );
      });

      it('reverts descending token ids or accounts with QfsToken_ChangesNotSorted', async () => {
        const { low, high } = await loadFixture(deployToken);
        await expectRevert(
          [
            { account: low, tokenId: FLX, delta: 1n },
            { account: low, tokenId: CHR, delta: 1n },
          ],
          'QfsToken_ChangesNotSorted',
          [1n],
        );
        await expectRevert(
          [
            { account: high, tokenId: CHR, delta: 1n },
            { account: low, tokenId: RES, delta: 1n },
          ],
          'QfsToken_ChangesNotSorted',
          [1n],
        );
      });

      it('reverts a burn above the balance with ERC1155InsufficientBalance and applies nothing', async () => {
        const { token, sequencer, low, high } = await loadFixture(deployWithBalances);
        await expect(
          token.connect(sequencer).applyBalanceBatch(1, 20, SEAL_1, [
            { account: low, tokenId: CHR, delta: 5n },
            { account: high, tokenId: CHR, delta: -(50n * UNIT + 1n) },
          ]),
        )
          .to.be.revertedWithCustomError(token, 'ERC1155InsufficientBalance')
          .withArgs(high, 50n * UNIT, 50n * UNIT + 1n, CHR);
        expect(await token.balanceOf(low, CHR)).to.equal(100n * UNIT);
        expect((await token.balanceHead()).nextEpoch).to.equal(1n);
      });

      it('reverts a delta of -2^255 with an arithmetic panic instead of wrapping', async () => {
        const { low } = await loadFixture(deployToken);
        const { token, sequencer } = await loadFixture(deployWithBalances);
        await expect(
          token
            .connect(sequencer)
            .applyBalanceBatch(1, 20, SEAL_1, [
              { account: low, tokenId: CHR, delta: -(1n << 255n) },
            ]),
        ).to.be.revertedWithPanic(0x11);
      });
    });
  });

  describe('user transfers', () => {
    it('reverts safeTransferFrom with QfsToken_TransfersDisabled, for holders and the sequencer alike', async () => {
      const { token, sequencer, alice, bob } = await loadFixture(deployWithBalances);
      for (const caller of [alice, sequencer]) {
        await expect(token.connect(caller).safeTransferFrom(alice, bob, CHR, 1n, '0x'))
          .to.be.revertedWithCustomError(token, 'QfsToken_TransfersDisabled')
          .withArgs(caller.address);
      }
    });

    it('reverts safeBatchTransferFrom with QfsToken_TransfersDisabled', async () => {
      const { token, alice, bob } = await loadFixture(deployWithBalances);
      await expect(
        token.connect(alice).safeBatchTransferFrom(alice, bob, [CHR, PSI], [1n, 1n], '0x'),
      )
        .to.be.revertedWithCustomError(token, 'QfsToken_TransfersDisabled')
        .withArgs(alice.address);
    });

    it('reverts setApprovalForAll with QfsToken_ApprovalsDisabled and approves nobody', async () => {
      const { token, alice, bob } = await loadFixture(deployWithBalances);
      await expect(token.connect(alice).setApprovalForAll(bob, true))
        .to.be.revertedWithCustomError(token, 'QfsToken_ApprovalsDisabled')
        .withArgs(alice.address, bob.address);
      expect(await token.isApprovedForAll(alice, bob)).to.equal(false);
    });
  });
});
