/**
 * Deploys SealAnchor (CoherenceLedger and KeyLedger seal anchors). Parameters: `admin` (DEFAULT_ADMIN_ROLE, default the
 * deployer), `sequencer` (SEQUENCER_ROLE: the anchoring key; required, and not the admin; the zero address grants it
 * to nobody) and `adminDelay` (seconds between beginning and accepting an admin transfer, default ADMIN_DELAY_DEFAULT).
 * @module
 */
import { buildModule } from '@nomicfoundation/hardhat-ignition/modules';

/** Two days: an admin transfer begun by a stolen admin key can be cancelled within that window. */
export const ADMIN_DELAY_DEFAULT = 2 * 24 * 60 * 60;

export default buildModule('SealAnchor', (m) => {
  const adminDelay = m.getParameter('adminDelay', ADMIN_DELAY_DEFAULT);
  const admin = m.getParameter('admin', m.getAccount(0));
  const sequencer = m.getParameter<string>('sequencer');
  const sealAnchor = m.contract('SealAnchor', [adminDelay, admin, sequencer]);
  return { sealAnchor };
});
