/**
 * Deploys QfsToken (the five balances as ERC-1155 ids). Parameters: `admin` (DEFAULT_ADMIN_ROLE), `sequencer`
 * (SEQUENCER_ROLE; the zero address grants it to nobody) — both default to the deployer — and `tokenUri`
 * (ERC-1155 metadata URI, default empty). Pass them per module or once under `$global`.
 * @module
 */
import { buildModule } from '@nomicfoundation/hardhat-ignition/modules';

export default buildModule('QfsToken', (m) => {
  const admin = m.getParameter('admin', m.getAccount(0));
  const sequencer = m.getParameter('sequencer', m.getAccount(0));
  const tokenUri = m.getParameter('tokenUri', '');
  const token = m.contract('QfsToken', [admin, sequencer, tokenUri]);
  return { token };
});
