/**
 * Deploys QfsToken (the five balances as ERC-1155 ids) with the SealAnchor whose seals its epochs name. Parameters:
 * `admin`, `sequencer` and `adminDelay` as for SealAnchor (give them once under `$global`), and `tokenUri` (ERC-1155
 * metadata URI, default empty).
 * @module
 */
import { buildModule } from '@nomicfoundation/hardhat-ignition/modules';
import SealAnchorModule, { ADMIN_DELAY_DEFAULT } from './SealAnchor';

export default buildModule('QfsToken', (m) => {
  const { sealAnchor } = m.useModule(SealAnchorModule);
  const adminDelay = m.getParameter('adminDelay', ADMIN_DELAY_DEFAULT);
  const admin = m.getParameter('admin', m.getAccount(0));
  const sequencer = m.getParameter<string>('sequencer');
  const tokenUri = m.getParameter('tokenUri', '');
  const token = m.contract('QfsToken', [adminDelay, admin, sequencer, sealAnchor, tokenUri]);
  return { token, sealAnchor };
});
