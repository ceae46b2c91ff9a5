/*
 * runtime/engine public surface: the node and the CLI build on these names; a removal or a rename
 * must show up here (and in the changelog of the merge), an addition is appended.
 */
import { expect } from 'chai';
import * as Engine from '../../../runtime/engine';

describe('runtime/engine exports', () => {
  it('exposes exactly the documented names', () => {
    expect(Object.keys(Engine).sort()).to.deep.equal([
      'ACTION_KIND_PATTERN',
      'BUNDLE_TXS_MAX',
      'BundleRejectedError',
      'DEFAULT_PARAMS',
      'EMPTY_ACCOUNT',
      'EMPTY_ACCOUNT_TREE',
      'GENESIS_ACCOUNTS_MAX',
      'GUIDANCE_MAGNITUDES_MAX',
      'GUIDANCE_MAGNITUDE_MAX',
      'GUIDANCE_MAGNITUDE_MIN',
      'GUIDANCE_PENALTIES_MAX',
      'GUIDANCE_PENALTY_MAX',
      'GenesisInvalidError',
      'GuidanceRejection',
      'HEALTHY_GUIDANCE',
      'METRIC_NAMES',
      'TOKENS',
      'TOKEN_IDS',
      'TX_LIMITS',
      'TxFailure',
      'TxMalformedError',
      'ZERO_AMOUNTS',
      'accountLeafText',
      'accountsRoot',
      'actionFee',
      'admitGuidance',
      'allocateRewards',
      'amountsJson',
      'applyStateTransition',
      'bundleHashOf',
      'calculateRewards',
      'claimedKeyOf',
      'compareAddresses',
      'devnetGenesis',
      'executeBundle',
      'getAccount',
      'getDirectionalPenalty',
      'guidanceToJson',
      'isToken',
      'listAccounts',
      'loadGenesis',
      'parseGuidance',
      'parseParams',
      'parseTx',
      'signerKeyOf',
      'stateRootOf',
      'txHashOf',
      'txSignatureBytes',
      'txSigningBytes',
      'updateAccounts',
      'validateActionBundle',
    ]);
  });
  it('lists every receipt code of a failed transaction', () => {
    expect(Object.values(Engine.TxFailure)).to.deep.equal([
      'TX_WRONG_CHAIN',
      'TX_UNKNOWN_SENDER',
      'TX_SENDER_INACTIVE',
      'TX_BAD_SIGNATURE',
      'TX_BAD_NONCE',
      'TX_INSUFFICIENT_BALANCE',
      'TX_INSUFFICIENT_FEE',
      'TX_NOT_AUTHORIZED',
      'TX_ARITHMETIC',
      'TX_RECIPIENTS_FULL',
    ]);
    expect(Object.values(Engine.GuidanceRejection)).to.deep.equal([
      'GUIDANCE_NOT_ORACLE',
      'GUIDANCE_MALFORMED',
      'GUIDANCE_OUT_OF_BOUNDS',
      'GUIDANCE_STALE',
      'GUIDANCE_REPLAYED',
      'GUIDANCE_FROM_FUTURE',
    ]);
  });
});
