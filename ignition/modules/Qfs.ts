/**
 * Deploys the three QFS contracts: SealAnchor, then QfsToken and AllocationRegistry, which accept only seals it holds.
 * Give the parameters once for all three under `$global` (`{"$global": {"admin": "0x…", "sequencer": "0x…"}}`) or
 * per module id (`SealAnchor`, `QfsToken`, `AllocationRegistry`): `sequencer` (the anchoring key) is required and must
 * differ from `admin` (default the deployer); `adminDelay` defaults to two days. `qfs chain deploy` runs this module.
 * Run by hand: `npx hardhat ignition deploy ignition/modules/Qfs.ts --network <net> --parameters params.json`.
 * @module
 */
import { buildModule } from '@nomicfoundation/hardhat-ignition/modules';
import QfsTokenModule from './QfsToken';
import SealAnchorModule from './SealAnchor';
import AllocationRegistryModule from './AllocationRegistry';

export default buildModule('Qfs', (m) => {
  const { sealAnchor } = m.useModule(SealAnchorModule);
  const { token } = m.useModule(QfsTokenModule);
  const { allocationRegistry } = m.useModule(AllocationRegistryModule);
  return { token, sealAnchor, allocationRegistry };
});
