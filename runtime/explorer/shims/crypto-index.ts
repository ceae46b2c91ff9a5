/**
 * What the explorer bundle loads in place of `runtime/crypto/index.ts`: the same modules for
 * contexts, ML-DSA-87 framing, signing and verification and their errors, without the Node-only
 * parts (worker pools, keystore files, the native addon). The build (scripts/build-explorer.ts)
 * redirects every runtime import of `../crypto` here. Issue 23.
 * @module
 */
export { SignatureContext, isSignatureContext } from '../../crypto/contexts';
export {
  generateKeyPair,
  sign,
  verify,
  contextMessage,
  publicKeyFromHex,
  checkVerifyInput,
  ML_DSA_87,
  type KeyPair,
} from '../../crypto/ml-dsa';
export { nobleBackend, getVerifyBackend, setVerifyBackend } from '../../crypto/backend';
export { nobleSigner, setSignBackend } from '../../crypto/sign-backend';
export * from '../../crypto/errors';
