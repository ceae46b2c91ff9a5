/**
 * runtime/sdk: what a client imports — build and sign transactions, talk to a node's HTTP API,
 * write devnet genesis documents.
 * @module
 */
export {
  QfsClient,
  DEFAULT_NODE_URL,
  NONCE_ATTEMPTS_MAX,
  type ClientOptions,
  type WaitOptions,
  type SettledTx,
  type Submitted,
} from './client';
export { NodeApiError, NodeUnreachableError, BadResponseError, TxWaitTimeoutError } from './errors';
export type {
  TxAccepted,
  TxStatusName,
  TxView,
  ReceiptView,
  AccountView,
  KeyView,
  BundleView,
  CoherenceSealView,
  KeySealView,
  NodeStatus,
  StoredObject,
} from './api-types';
export {
  signTx,
  transferBody,
  actionBody,
  guidanceBody,
  keyEventBody,
  registerBody,
  rotateBody,
  type TxWire,
} from './tx-builder';
export { devnetGenesis, HEALTHY_GUIDANCE, type DevnetAccount, type DevnetOptions } from './devnet';
