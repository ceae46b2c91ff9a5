/**
 * Deploys SealAnchor (CoherenceLedger and KeyLedger seal anchors). Parameters: `admin` (DEFAULT_ADMIN_ROLE) and
 * `sequencer` (SEQUENCER_ROLE; the zero address grants it to nobody), both defaulting to the deployer.
 * @module
 */
import { buildModule } from '@nomicfoundation/hardhat-ignition/modules';

export default buildModule('SealAnchor', (m) => {
  const admin = m.getParameter('admin', m.getAccount(0));
  const sequencer = m.getParameter('sequencer', m.getAccount(0));
  const sealAnchor = m.contract('SealAnchor', [admin, sequencer]);
  return { sealAnchor };
});
