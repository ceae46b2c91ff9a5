/*
 * QfsToken: the five balances as ERC-1155 ids, changed only by the sequencer, one epoch at a time in chunks, naming
 * a seal the SealAnchor holds.
 *
 * deployment ── roles granted ── zero admin / admin = sequencer / zero anchor revert ── token ids 1..5 ── ERC-165
 * access control ── non-sequencer reverts ── admin grants / revokes the sequencer role, never to itself
 *   └── admin handover: two steps, after the delay; never to a sequencer
 * applyBalanceChunk
 *   ├── mints positive deltas, burns negative ones (balances, supply, TransferSingle, chunk and epoch events)
 *   ├── an epoch in several chunks: completes on its last; a chunk never twice, never out of order, same seal
 *   ├── epochs: 0 first, then +1 (replay, gap); seal height strictly increasing; zero seal hash
 *   ├── the seal must be held by the SealAnchor (a single anchor or a batch's last seal)
 *   ├── changes: zero account, unknown id, zero delta, |delta| > 2^128 - 1 (incl. -2^255), supply above 2^128 - 1,
 *   │   not ascending by (account, id) within a chunk and across chunks
 *   ├── burn above the balance reverts with ERC1155InsufficientBalance
 *   └── 10,000 new balances in one epoch, in chunks under the EIP-7825 gas cap of 2^24 (one chunk of it is refused)
 * user transfers ── safeTransferFrom, safeBatchTransferFrom, setApprovalForAll revert
 */
import { expect } from 'chai';
import { ethers, network } from 'hardhat';
import { loadFixture, time } from '@nomicfoundation/hardhat-network-helpers';
import {
  IAccessControl__factory,
  IAccessControlDefaultAdminRules__factory,
  QfsToken__factory,
  type IQfsToken,
  type QfsToken,
} from '../../../typechain-types';
import { namedSigners } from '../signers';
import { ADMIN_DELAY, deployAnchorHolding, rejectionOf, seal } from '../seals';

type Change = IQfsToken.BalanceChangeStruct;

const [CHR, FLX, PSI, ATR, RES] = [1n, 2n, 3n, 4n, 5n];
const UNIT = 10n ** 18n;
const UD_MAX = (1n << 128n) - 1n;
/** EIP-7825: the most gas one transaction may use (Osaka). */
const TX_GAS_CAP = 16_777_216n;
/** Heights the fixture's anchor holds: 10 singly, 11..20 in a batch (20 is its last), 21 singly. */
const H0 = 10n;
const H1 = 20n;
const H2 = 21n;
const SEAL_0 = seal(H0);
const SEAL_1 = seal(H1);

async function deployToken() {
  const { admin, sequencer, alice, bob, other } = await namedSigners();
  const anchor = await deployAnchorHolding(admin, sequencer, H0, 10);
  const token = await new QfsToken__factory(admin).deploy(
    ADMIN_DELAY,
    admin,
    sequencer,
    anchor,
    'https://qfs.example/{id}.json',
  );
  // Recipient addresses in ascending order, as an epoch must list them.
  const [low, high] =
    BigInt(alice.address) < BigInt(bob.address)
      ? [alice.address, bob.address]
      : [bob.address, alice.address];
  return { token, anchor, admin, sequencer, alice, bob, other, low, high };
}

/** An epoch applied in one chunk, naming the anchored seal at `height`. */
function applyEpoch(token: QfsToken, epoch: bigint, height: bigint, changes: Change[]) {
  return token.applyBalanceChunk(epoch, 0, true, height, seal(height), changes);
}

/** A fixture where epoch 0 minted 100 CHR and 7 PSI to `low` and 50 CHR to `high` at seal height 10. */
async function deployWithBalances() {
  const fixture = await deployToken();
  const { token, sequencer, low, high } = fixture;
  await applyEpoch(token.connect(sequencer), 0n, H0, [
    { account: low, tokenId: CHR, delta: 100n * UNIT },
    { account: low, tokenId: PSI, delta: 7n * UNIT },
    { account: high, tokenId: CHR, delta: 50n * UNIT },
  ]);
  return fixture;
}

/** A fixture where epoch 1 (seal 20) is open: its chunk 0 minted 1 FLX to `low`. */
async function deployWithOpenEpoch() {
  const fixture = await deployWithBalances();
  await fixture.token
    .connect(fixture.sequencer)
    .applyBalanceChunk(1, 0, false, H1, SEAL_1, [
      { account: fixture.low, tokenId: FLX, delta: UNIT },
    ]);
  return fixture;
}

/** The ERC-165 id of an interface: the XOR of the selectors it declares (not those it inherits). */
function interfaceId(
  fragments: readonly { type: string; selector?: string }[],
  inherited: readonly { type: string; selector?: string }[],
): string {
  const skip = new Set(inherited.map((f) => f.selector));
  let id = 0n;
  for (const f of fragments)
    if (f.type === 'function' && !skip.has(f.selector)) id ^= BigInt(f.selector as string);
  return ethers.toBeHex(id, 4);
}

describe('QfsToken', () => {
  describe('deployment', () => {
    it('makes the admin the default admin with its delay and gives SEQUENCER_ROLE to the sequencer', async () => {
      const { token, anchor, admin, sequencer, other } = await loadFixture(deployToken);
      const role = await token.SEQUENCER_ROLE();
      expect(role).to.equal(ethers.id('SEQUENCER_ROLE'));
      expect(await token.defaultAdmin()).to.equal(admin.address);
      expect(await token.defaultAdminDelay()).to.equal(ADMIN_DELAY);
      expect(await token.hasRole(await token.DEFAULT_ADMIN_ROLE(), admin)).to.equal(true);
      expect(await token.hasRole(role, sequencer)).to.equal(true);
      expect(await token.hasRole(role, other)).to.equal(false);
      expect(await token.hasRole(role, admin)).to.equal(false);
      expect(await token.sealAnchor()).to.equal(await anchor.getAddress());
    });

    it('grants no sequencer role when the sequencer is the zero address', async () => {
      const { admin, anchor } = await loadFixture(deployToken);
      const token = await new QfsToken__factory(admin).deploy(
        ADMIN_DELAY,
        admin,
        ethers.ZeroAddress,
        anchor,
        '',
      );
      const receipt = await token.deploymentTransaction()!.wait();
      const granted = receipt!.logs.map((log) => token.interface.parseLog(log)?.args.toArray());
      expect(granted).to.deep.equal([[ethers.ZeroHash, admin.address, admin.address]]);
      expect(await token.hasRole(await token.SEQUENCER_ROLE(), ethers.ZeroAddress)).to.equal(false);
    });

    it('reverts a zero admin, an admin that is the sequencer, and a zero seal anchor', async () => {
      const { admin, sequencer, anchor } = await loadFixture(deployToken);
      const factory = new QfsToken__factory(admin);
      await expect(factory.deploy(ADMIN_DELAY, ethers.ZeroAddress, sequencer, anchor, ''))
        .to.be.revertedWithCustomError(factory, 'AccessControlInvalidDefaultAdmin')
        .withArgs(ethers.ZeroAddress);
      await expect(factory.deploy(ADMIN_DELAY, sequencer, sequencer, anchor, ''))
        .to.be.revertedWithCustomError(factory, 'SequencerAccess_AdminIsSequencer')
        .withArgs(sequencer.address);
      await expect(
        factory.deploy(ADMIN_DELAY, admin, sequencer, ethers.ZeroAddress, ''),
      ).to.be.revertedWithCustomError(factory, 'QfsToken_ZeroSealAnchor');
    });

    it('numbers the five tokens CHR=1, FLX=2, PSI=3, ATR=4, RES=5 and bounds balances at 2^128 - 1', async () => {
      const { token } = await loadFixture(deployToken);
      expect([
        await token.CHR(),
        await token.FLX(),
        await token.PSI(),
        await token.ATR(),
        await token.RES(),
        await token.BALANCE_MAX(),
      ]).to.deep.equal([CHR, FLX, PSI, ATR, RES, UD_MAX]);
    });

    it('serves the metadata URI and supports ERC-1155, its URI, AccessControl, the admin rules and ERC-165', async () => {
      const { token } = await loadFixture(deployToken);
      expect(await token.uri(CHR)).to.equal('https://qfs.example/{id}.json');
      const adminRules = interfaceId(
        IAccessControlDefaultAdminRules__factory.createInterface().fragments,
        IAccessControl__factory.createInterface().fragments,
      );
      for (const id of ['0xd9b67a26', '0x0e89341c', '0x7965db0b', '0x01ffc9a7', adminRules]) {
        expect(await token.supportsInterface(id), id).to.equal(true);
      }
      expect(await token.supportsInterface('0xffffffff')).to.equal(false);
    });

    it('starts with no balance and epoch 0, chunk 0 expected', async () => {
      const { token, low } = await loadFixture(deployToken);
      expect(await token.balanceOf(low, CHR)).to.equal(0n);
      const head = await token.balanceHead();
      expect([...head]).to.deep.equal([0n, 0n, 0n, 0n, ethers.ZeroHash]);
    });
  });

  describe('access control', () => {
    it('reverts applyBalanceChunk from an account without SEQUENCER_ROLE, the admin included', async () => {
      const { token, admin, other, low } = await loadFixture(deployToken);
      const role = await token.SEQUENCER_ROLE();
      for (const caller of [admin, other]) {
        await expect(
          applyEpoch(token.connect(caller), 0n, H0, [{ account: low, tokenId: CHR, delta: 1n }]),
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
      await expect(applyEpoch(token.connect(sequencer), 0n, H0, []))
        .to.be.revertedWithCustomError(token, 'AccessControlUnauthorizedAccount')
        .withArgs(sequencer.address, role);
      await applyEpoch(token.connect(other), 0n, H0, [{ account: low, tokenId: FLX, delta: 3n }]);
      expect(await token.balanceOf(low, FLX)).to.equal(3n);
    });

    it('never gives the sequencer role to the admin', async () => {
      const { token, admin } = await loadFixture(deployToken);
      await expect(token.connect(admin).grantRole(await token.SEQUENCER_ROLE(), admin))
        .to.be.revertedWithCustomError(token, 'SequencerAccess_AdminIsSequencer')
        .withArgs(admin.address);
    });

    it('does not let a non-admin grant the sequencer role', async () => {
      const { token, sequencer, other } = await loadFixture(deployToken);
      await expect(token.connect(sequencer).grantRole(await token.SEQUENCER_ROLE(), other))
        .to.be.revertedWithCustomError(token, 'AccessControlUnauthorizedAccount')
        .withArgs(sequencer.address, ethers.ZeroHash);
    });

    it('hands the admin role over in two steps, only after the delay', async () => {
      const { token, admin, other } = await loadFixture(deployToken);
      await expect(
        token.connect(admin).grantRole(ethers.ZeroHash, other),
      ).to.be.revertedWithCustomError(token, 'AccessControlEnforcedDefaultAdminRules');
      await token.connect(admin).beginDefaultAdminTransfer(other);
      const [, schedule] = await token.pendingDefaultAdmin();
      await expect(token.connect(other).acceptDefaultAdminTransfer())
        .to.be.revertedWithCustomError(token, 'AccessControlEnforcedDefaultAdminDelay')
        .withArgs(schedule);
      await time.increaseTo(schedule + 1n);
      await token.connect(other).acceptDefaultAdminTransfer();
      expect(await token.defaultAdmin()).to.equal(other.address);
      expect(await token.hasRole(ethers.ZeroHash, admin)).to.equal(false);
    });

    it('never hands the admin role to an account holding the sequencer role', async () => {
      const { token, admin, sequencer } = await loadFixture(deployToken);
      await token.connect(admin).beginDefaultAdminTransfer(sequencer);
      const [, schedule] = await token.pendingDefaultAdmin();
      await time.increaseTo(schedule + 1n);
      await expect(token.connect(sequencer).acceptDefaultAdminTransfer())
        .to.be.revertedWithCustomError(token, 'SequencerAccess_AdminIsSequencer')
        .withArgs(sequencer.address);
      expect(await token.defaultAdmin()).to.equal(admin.address);
    });
  });

  describe('applyBalanceChunk', () => {
    describe('when the epoch is valid', () => {
      it('mints positive deltas and emits TransferSingle per change, then the chunk and epoch events', async () => {
        const { token, sequencer, low, high } = await loadFixture(deployToken);
        const tx = applyEpoch(token.connect(sequencer), 0n, H0, [
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
        await expect(tx).to.emit(token, 'BalanceChunkApplied').withArgs(0n, 0n, true, 3n);
        await expect(tx).to.emit(token, 'BalanceEpochApplied').withArgs(0n, H0, SEAL_0, 1n, 3n);
        expect(
          await token.balanceOfBatch([low, low, high, high], [CHR, RES, ATR, CHR]),
        ).to.deep.equal([100n * UNIT, 1n, 2n * UNIT, 0n]);
        expect(await token['totalSupply(uint256)'](CHR)).to.equal(100n * UNIT);
        expect([...(await token.balanceHead())]).to.deep.equal([1n, 0n, 0n, H0, SEAL_0]);
      });

      it('burns negative deltas and mints positive ones in the next epoch (net changes)', async () => {
        const { token, sequencer, low, high } = await loadFixture(deployWithBalances);
        const tx = applyEpoch(token.connect(sequencer), 1n, H1, [
          { account: low, tokenId: CHR, delta: -30n * UNIT },
          { account: low, tokenId: PSI, delta: -7n * UNIT },
          { account: high, tokenId: CHR, delta: 30n * UNIT },
        ]);
        await expect(tx)
          .to.emit(token, 'TransferSingle')
          .withArgs(sequencer.address, low, ethers.ZeroAddress, CHR, 30n * UNIT);
        await expect(tx).to.emit(token, 'BalanceEpochApplied').withArgs(1n, H1, SEAL_1, 1n, 3n);
        expect(await token.balanceOfBatch([low, low, high], [CHR, PSI, CHR])).to.deep.equal([
          70n * UNIT,
          0n,
          80n * UNIT,
        ]);
        expect(await token['totalSupply(uint256)'](CHR)).to.equal(150n * UNIT);
        expect(await token['totalSupply(uint256)'](PSI)).to.equal(0n);
      });

      it('accepts an empty last chunk (an epoch with no balance change) and advances the epoch', async () => {
        const { token, sequencer } = await loadFixture(deployWithBalances);
        await expect(applyEpoch(token.connect(sequencer), 1n, H2, []))
          .to.emit(token, 'BalanceEpochApplied')
          .withArgs(1n, H2, seal(H2), 1n, 0n);
        expect((await token.balanceHead()).nextEpoch).to.equal(2n);
      });

      it('mints and burns the largest delta, 2^128 - 1', async () => {
        const { token, sequencer, low } = await loadFixture(deployToken);
        await applyEpoch(token.connect(sequencer), 0n, H0, [
          { account: low, tokenId: ATR, delta: UD_MAX },
        ]);
        expect(await token['totalSupply(uint256)'](ATR)).to.equal(UD_MAX);
        await applyEpoch(token.connect(sequencer), 1n, H1, [
          { account: low, tokenId: ATR, delta: -UD_MAX },
        ]);
        expect(await token.balanceOf(low, ATR)).to.equal(0n);
      });
    });

    describe('when an epoch arrives in chunks', () => {
      it('applies each chunk at once and completes the epoch on its last', async () => {
        const { token, sequencer, low, high } = await loadFixture(deployWithOpenEpoch);
        expect(await token.balanceOf(low, FLX)).to.equal(UNIT);
        expect([...(await token.balanceHead())]).to.deep.equal([1n, 1n, 1n, H0, SEAL_0]);
        const tx = token.connect(sequencer).applyBalanceChunk(1, 1, true, H1, SEAL_1, [
          { account: low, tokenId: PSI, delta: -7n * UNIT },
          { account: high, tokenId: FLX, delta: 2n },
        ]);
        await expect(tx).to.emit(token, 'BalanceChunkApplied').withArgs(1n, 1n, true, 2n);
        await expect(tx).to.emit(token, 'BalanceEpochApplied').withArgs(1n, H1, SEAL_1, 2n, 3n);
        expect([...(await token.balanceHead())]).to.deep.equal([2n, 0n, 0n, H1, SEAL_1]);
        expect(await token.balanceOfBatch([low, high], [PSI, FLX])).to.deep.equal([0n, 2n]);
      });

      it('reverts a chunk applied again with QfsToken_ChunkAlreadyApplied', async () => {
        const { token, sequencer, low } = await loadFixture(deployWithOpenEpoch);
        await expect(
          token
            .connect(sequencer)
            .applyBalanceChunk(1, 0, false, H1, SEAL_1, [
              { account: low, tokenId: FLX, delta: UNIT },
            ]),
        )
          .to.be.revertedWithCustomError(token, 'QfsToken_ChunkAlreadyApplied')
          .withArgs(1n, 0n, 1n);
      });

      it('reverts a chunk out of order with QfsToken_ChunkGap', async () => {
        const { token, sequencer } = await loadFixture(deployWithOpenEpoch);
        await expect(token.connect(sequencer).applyBalanceChunk(1, 2, true, H1, SEAL_1, []))
          .to.be.revertedWithCustomError(token, 'QfsToken_ChunkGap')
          .withArgs(1n, 1n, 2n);
        const { token: fresh } = await loadFixture(deployWithBalances);
        await expect(fresh.connect(sequencer).applyBalanceChunk(1, 1, true, H1, SEAL_1, []))
          .to.be.revertedWithCustomError(fresh, 'QfsToken_ChunkGap')
          .withArgs(1n, 0n, 1n);
      });

      it('reverts a later chunk naming another seal with QfsToken_ChunkSealMismatch', async () => {
        const { token, sequencer } = await loadFixture(deployWithOpenEpoch);
        await expect(token.connect(sequencer).applyBalanceChunk(1, 1, true, H2, seal(H2), []))
          .to.be.revertedWithCustomError(token, 'QfsToken_ChunkSealMismatch')
          .withArgs(1n, H1, SEAL_1, H2, seal(H2));
      });

      it('keeps the (account, token) order across chunks: QfsToken_ChangesNotSorted', async () => {
        const { token, sequencer, low } = await loadFixture(deployWithOpenEpoch);
        for (const tokenId of [CHR, FLX]) {
          await expect(
            token
              .connect(sequencer)
              .applyBalanceChunk(1, 1, true, H1, SEAL_1, [{ account: low, tokenId, delta: 1n }]),
          )
            .to.be.revertedWithCustomError(token, 'QfsToken_ChangesNotSorted')
            .withArgs(0n);
        }
      });

      it('reverts the next epoch while one is open with QfsToken_EpochGap', async () => {
        const { token, sequencer } = await loadFixture(deployWithOpenEpoch);
        await expect(applyEpoch(token.connect(sequencer), 2n, H2, []))
          .to.be.revertedWithCustomError(token, 'QfsToken_EpochGap')
          .withArgs(1n, 2n);
      });
    });

    describe('when the epoch or seal is wrong', () => {
      it('reverts a replayed epoch with QfsToken_EpochAlreadyApplied', async () => {
        const { token, sequencer, low } = await loadFixture(deployWithBalances);
        await expect(
          applyEpoch(token.connect(sequencer), 0n, H1, [{ account: low, tokenId: CHR, delta: 1n }]),
        )
          .to.be.revertedWithCustomError(token, 'QfsToken_EpochAlreadyApplied')
          .withArgs(0n, 1n);
      });

      it('reverts a skipped epoch with QfsToken_EpochGap', async () => {
        const { token, sequencer } = await loadFixture(deployWithBalances);
        await expect(applyEpoch(token.connect(sequencer), 2n, H1, []))
          .to.be.revertedWithCustomError(token, 'QfsToken_EpochGap')
          .withArgs(1n, 2n);
      });

      it('reverts a seal height not above the previous one with QfsToken_SealHeightNotIncreasing', async () => {
        const { token, sequencer } = await loadFixture(deployWithBalances);
        await expect(applyEpoch(token.connect(sequencer), 1n, H0, []))
          .to.be.revertedWithCustomError(token, 'QfsToken_SealHeightNotIncreasing')
          .withArgs(H0, H0);
      });

      it('reverts a zero seal hash with QfsToken_ZeroSealHash', async () => {
        const { token, sequencer } = await loadFixture(deployToken);
        await expect(
          token.connect(sequencer).applyBalanceChunk(0, 0, true, H0, ethers.ZeroHash, []),
        )
          .to.be.revertedWithCustomError(token, 'QfsToken_ZeroSealHash')
          .withArgs(0n);
      });

      it('reverts a seal the anchor does not hold with QfsToken_SealNotAnchored', async () => {
        const { token, sequencer } = await loadFixture(deployToken);
        const seq = token.connect(sequencer);
        // Not anchored; inside a batch (only its root is held); anchored with another hash.
        for (const [height, hash, held] of [
          [22n, seal(22n), ethers.ZeroHash],
          [15n, seal(15n), ethers.ZeroHash],
          [H2, seal(99n), seal(H2)],
        ] as const) {
          await expect(seq.applyBalanceChunk(0, 0, true, height, hash, []))
            .to.be.revertedWithCustomError(token, 'QfsToken_SealNotAnchored')
            .withArgs(height, hash, held);
        }
      });
    });

    describe('when a change is malformed', () => {
      async function expectRevert(changes: Change[], error: string, args: unknown[]) {
        const { token, sequencer } = await loadFixture(deployWithBalances);
        await expect(applyEpoch(token.connect(sequencer), 1n, H1, changes))
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

      it('reverts a delta beyond ±(2^128 - 1), -2^255 included, with QfsToken_DeltaOutOfRange', async () => {
        const { low } = await loadFixture(deployToken);
        for (const delta of [UD_MAX + 1n, -(UD_MAX + 1n), -(1n << 255n), (1n << 255n) - 1n]) {
          await expectRevert([{ account: low, tokenId: CHR, delta }], 'QfsToken_DeltaOutOfRange', [
            0n,
            delta,
          ]);
        }
      });

      it('reverts a mint past a total supply of 2^128 - 1 with QfsToken_SupplyOutOfRange', async () => {
        const { low } = await loadFixture(deployToken);
        await expectRevert(
          [{ account: low, tokenId: CHR, delta: UD_MAX - 150n * UNIT + 1n }],
          'QfsToken_SupplyOutOfRange',
          [CHR, 150n * UNIT, UD_MAX - 150n * UNIT + 1n],
        );
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
          applyEpoch(token.connect(sequencer), 1n, H1, [
            { account: low, tokenId: CHR, delta: 5n },
            { account: high, tokenId: CHR, delta: -(50n * UNIT + 1n) },
          ]),
        )
          .to.be.revertedWithCustomError(token, 'ERC1155InsufficientBalance')
          .withArgs(high, 50n * UNIT, 50n * UNIT + 1n, CHR);
        expect(await token.balanceOf(low, CHR)).to.equal(100n * UNIT);
        expect((await token.balanceHead()).nextEpoch).to.equal(1n);
      });
    });

    describe('under the EIP-7825 gas cap', () => {
      /** `count` changes minting 1..5 to fresh accounts, ascending by (account, token). */
      function newBalances(count: number): Change[] {
        return Array.from({ length: count }, (_, i) => ({
          account: ethers.getAddress(ethers.toBeHex(0x10000n + BigInt(Math.floor(i / 5)), 20)),
          tokenId: BigInt((i % 5) + 1),
          delta: BigInt(i + 1) * UNIT,
        }));
      }

      it('runs Osaka rules: a transaction may use at most 2^24 gas', async () => {
        expect((network.config as { hardfork?: string }).hardfork).to.equal('osaka');
        const { sequencer } = await namedSigners();
        const refused = await rejectionOf(
          sequencer.sendTransaction({ to: sequencer.address, gasLimit: TX_GAS_CAP + 1n }),
        );
        expect(refused).to.match(/gas limit|cap/i);
      });

      it('applies an epoch of 10,000 new balances in chunks of 400, each under the cap', async () => {
        const { token, sequencer, low } = await loadFixture(deployToken);
        const changes = newBalances(10_000);
        const chunk = 400;
        // One chunk of the whole epoch cannot fit: the network refuses it before it runs.
        // (It needs ~29M gas; the network gives a transaction at most the cap, and it runs out.)
        const refused = await rejectionOf(
          token
            .connect(sequencer)
            .applyBalanceChunk(0, 0, true, H0, SEAL_0, changes.slice(0, 1000)),
        );
        expect(refused).to.match(/ran out of gas/);
        const gas: bigint[] = [];
        for (let i = 0; i * chunk < changes.length; i++) {
          const part = changes.slice(i * chunk, (i + 1) * chunk);
          const last = (i + 1) * chunk >= changes.length;
          const receipt = await (
            await token.connect(sequencer).applyBalanceChunk(0, i, last, H0, SEAL_0, part)
          ).wait();
          gas.push(receipt!.gasUsed);
        }
        expect(gas).to.have.length(25);
        for (const used of gas) expect(used <= TX_GAS_CAP, String(used)).to.equal(true);
        expect([...(await token.balanceHead())]).to.deep.equal([1n, 0n, 0n, H0, SEAL_0]);
        const lastChange = changes[changes.length - 1]!;
        expect(await token.balanceOf(lastChange.account as string, RES)).to.equal(10_000n * UNIT);
        expect(await token.balanceOf(low, CHR)).to.equal(0n);
        expect(await token['totalSupply(uint256)'](CHR)).to.equal(
          Array.from({ length: 2000 }, (_, k) => BigInt(5 * k + 1) * UNIT).reduce((a, b) => a + b),
        );
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
