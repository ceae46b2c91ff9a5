/**
 * Deploys AllocationRegistry (per-epoch allocation roots and the on-chain split). Parameters: `admin`
 * (DEFAULT_ADMIN_ROLE) and `sequencer` (SEQUENCER_ROLE; the zero address grants it to nobody), both defaulting to
 * the deployer.
 * @module
 */
import { buildModule } from '@nomicfoundation/hardhat-ignition/modules';

export default buildModule('AllocationRegistry', (m) => {
  const admin = m.getParameter('admin', m.getAccount(0));
  const sequencer = m.getParameter('sequencer', m.getAccount(0));
  const allocationRegistry = m.contract('AllocationRegistry', [admin, sequencer]);
  return { allocationRegistry };
});
