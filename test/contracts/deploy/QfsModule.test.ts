/*
 * Ignition: ignition/modules/Qfs.ts deploys SealAnchor, QfsToken and AllocationRegistry (the latter two bound to that
 * SealAnchor) with the roles from its parameters ($global or per module): the admin defaults to the deployer, the
 * sequencer (anchoring key) is required and never the admin, the admin delay defaults to two days.
 */
import { expect } from 'chai';
import { ethers, ignition } from 'hardhat';
import { loadFixture } from '@nomicfoundation/hardhat-network-helpers';
import QfsModule from '../../../ignition/modules/Qfs';
import {
  AccessControl__factory,
  AllocationRegistry__factory,
  ISequencerAccess__factory,
  QfsToken__factory,
  SealAnchor__factory,
} from '../../../typechain-types';
import { ADMIN_DELAY_DEFAULT } from '../../../ignition/modules/SealAnchor';
import { namedSigners } from '../signers';
import { rejectionOf } from '../seals';

/** The deployer is the first account (Ignition's default sender); admin and sequencer are two others. */
async function signers() {
  const { admin: deployer, alice: admin, bob: sequencer } = await namedSigners();
  return { deployer, admin, sequencer };
}

async function rolesOf(address: string, account: string): Promise<[boolean, boolean]> {
  const role = await ISequencerAccess__factory.connect(address, ethers.provider).SEQUENCER_ROLE();
  const access = AccessControl__factory.connect(address, ethers.provider);
  return [await access.hasRole(ethers.ZeroHash, account), await access.hasRole(role, account)];
}

async function deployWithGlobalParameters() {
  const accounts = await signers();
  const deployed = await ignition.deploy(QfsModule, {
    parameters: {
      $global: { admin: accounts.admin.address, sequencer: accounts.sequencer.address },
    },
  });
  return { ...accounts, deployed };
}

describe('ignition/modules/Qfs', () => {
  it('deploys the three contracts with the admin and sequencer given under $global', async () => {
    const { deployed, deployer, admin, sequencer } = await loadFixture(deployWithGlobalParameters);
    for (const contract of [deployed.token, deployed.sealAnchor, deployed.allocationRegistry]) {
      const address = await contract.getAddress();
      expect(await rolesOf(address, admin.address), address).to.deep.equal([true, false]);
      expect(await rolesOf(address, sequencer.address), address).to.deep.equal([false, true]);
      expect(await rolesOf(address, deployer.address), address).to.deep.equal([false, false]);
    }
    const token = QfsToken__factory.connect(await deployed.token.getAddress(), ethers.provider);
    expect(await token.RES()).to.equal(5n);
    const anchorAddress = await deployed.sealAnchor.getAddress();
    expect(await token.sealAnchor()).to.equal(anchorAddress);
    const registry = AllocationRegistry__factory.connect(
      await deployed.allocationRegistry.getAddress(),
      ethers.provider,
    );
    expect(await registry.sealAnchor()).to.equal(anchorAddress);
    expect(await token.defaultAdminDelay()).to.equal(BigInt(ADMIN_DELAY_DEFAULT));
  });

  it('deploys contracts that work together: a seal anchored, balances mirrored, an allocation root anchored', async () => {
    const { deployed, sequencer, admin } = await loadFixture(deployWithGlobalParameters);
    const seal = ethers.id('seal 0');
    const anchor = SealAnchor__factory.connect(await deployed.sealAnchor.getAddress(), sequencer);
    const token = QfsToken__factory.connect(await deployed.token.getAddress(), sequencer);
    const registry = AllocationRegistry__factory.connect(
      await deployed.allocationRegistry.getAddress(),
      sequencer,
    );
    await anchor.anchorSeal(0, 0, seal, ethers.ZeroHash, ethers.ZeroHash, 0);
    await token.applyBalanceChunk(0, 0, true, 0, seal, [
      { account: admin.address, tokenId: 1n, delta: 7n },
    ]);
    await registry.anchorAllocationRoot(0, ethers.id('root'), seal, 0);
    expect((await anchor.latestAnchor(0)).latestSealHash).to.equal(seal);
    expect(await token.balanceOf(admin.address, 1n)).to.equal(7n);
    expect((await registry.epochAllocation(0)).sealHash).to.equal(seal);
  });

  it('defaults the admin to the deployer, requires the sequencer, and takes per-module parameters', async () => {
    const { deployer, admin, sequencer } = await signers();
    expect(await rejectionOf(ignition.deploy(QfsModule))).to.match(/sequencer/);
    const deployed = await ignition.deploy(QfsModule, {
      parameters: {
        $global: { sequencer: sequencer.address },
        SealAnchor: { admin: admin.address, adminDelay: 60 },
      },
    });
    expect(await rolesOf(await deployed.token.getAddress(), deployer.address)).to.deep.equal([
      true,
      false,
    ]);
    expect(await rolesOf(await deployed.sealAnchor.getAddress(), admin.address)).to.deep.equal([
      true,
      false,
    ]);
    const anchor = SealAnchor__factory.connect(
      await deployed.sealAnchor.getAddress(),
      ethers.provider,
    );
    expect(await anchor.defaultAdminDelay()).to.equal(60n);
    expect(await rolesOf(await deployed.sealAnchor.getAddress(), sequencer.address)).to.deep.equal([
      false,
      true,
    ]);
  });

  it('refuses a deployment whose admin is the anchoring key', async () => {
    const { deployer } = await signers();
    const refused = await rejectionOf(
      ignition.deploy(QfsModule, { parameters: { $global: { sequencer: deployer.address } } }),
    );
    expect(refused).to.match(/SequencerAccess_AdminIsSequencer/);
  });
});
