/**
 * Deploys the three QFS contracts: QfsToken, SealAnchor and AllocationRegistry. Give the roles once for all three
 * under `$global` (`{"$global": {"admin": "0x…", "sequencer": "0x…"}}`), or per module id (`QfsToken`,
 * `SealAnchor`, `AllocationRegistry`); both default to the deployer.
 * Run: `npx hardhat ignition deploy ignition/modules/Qfs.ts --network <net> --parameters params.json`.
 * @module
 */
import { buildModule } from '@nomicfoundation/hardhat-ignition/modules';
import QfsTokenModule from './QfsToken';
import SealAnchorModule from './SealAnchor';
import AllocationRegistryModule from './AllocationRegistry';

export default buildModule('Qfs', (m) => {
  const { token } = m.useModule(QfsTokenModule);
  const { sealAnchor } = m.useModule(SealAnchorModule);
  const { allocationRegistry } = m.useModule(AllocationRegistryModule);
  return { token, sealAnchor, allocationRegistry };
});
