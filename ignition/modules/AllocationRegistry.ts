/**
 * Deploys AllocationRegistry (per-epoch allocation roots and the on-chain split) with the SealAnchor whose seals its
 * epochs name. Parameters: `admin`, `sequencer` and `adminDelay` as for SealAnchor.
 * @module
 */
import { buildModule } from '@nomicfoundation/hardhat-ignition/modules';
import SealAnchorModule, { ADMIN_DELAY_DEFAULT } from './SealAnchor';

export default buildModule('AllocationRegistry', (m) => {
  const { sealAnchor } = m.useModule(SealAnchorModule);
  const adminDelay = m.getParameter('adminDelay', ADMIN_DELAY_DEFAULT);
  const admin = m.getParameter('admin', m.getAccount(0));
  const sequencer = m.getParameter<string>('sequencer');
  const allocationRegistry = m.contract('AllocationRegistry', [
    adminDelay,
    admin,
    sequencer,
    sealAnchor,
  ]);
  return { allocationRegistry, sealAnchor };
});
