/**
 * runtime/crypto: ML-DSA-87 keys, deterministic signing (noble, QFS's native addon), verification
 * backends (noble, native), the worker-thread verification pool, signature contexts and the
 * encrypted keystore. DESIGN.md §4 Post-quantum cryptography.
 * @module
 */
export { SignatureContext, isSignatureContext } from './contexts';
export {
  generateKeyPair,
  sign,
  verify,
  contextMessage,
  publicKeyFromHex,
  checkVerifyInput,
  provideVerifyBackend,
  provideSignBackend,
  ML_DSA_87,
  type KeyPair,
} from './ml-dsa';
export {
  nobleBackend,
  createNativeBackend,
  selectVerifyBackend,
  getVerifyBackend,
  setVerifyBackend,
  backendPreferenceFromEnv,
  loadNativeModule,
  keyCacheFromEnv,
  KEY_CACHE_DEFAULT,
  KEY_CACHE_MAX,
  type VerifyBackend,
  type VerifyBackendName,
  type BackendPreference,
  type NativeModuleLoader,
  type SelectBackendOptions,
} from './backend';
export {
  VerifyPool,
  verifyAll,
  POOL_TASK_ITEMS_MAX,
  VERIFY_NICE_DEFAULT,
  type VerifyItem,
  type VerifyPoolOptions,
} from './verify-pool';
export {
  createKeyFile,
  encryptKey,
  decryptKey,
  parseKeyFile,
  serializeKeyFile,
  writeKeyFile,
  readKeyFile,
  keyFingerprint,
  KEY_FILE_VERSION,
  SCRYPT_DEFAULTS,
  SCRYPT_LIMITS,
  type KeyFile,
  type EncryptKeyOptions,
} from './keystore';
export {
  CryptoInvalidInputError,
  CryptoBackendUnavailableError,
  CryptoPoolClosedError,
  KeystoreBadPassphraseError,
  KeystoreCorruptError,
  KeystoreExistsError,
  KeystoreNotFoundError,
  KeystoreNoPassphraseError,
} from './errors';
export { SignPool } from './sign-pool';
export {
  nobleSigner,
  createNativeSigner,
  selectSignBackend,
  getSignBackend,
  setSignBackend,
  type SignBackend,
} from './sign-backend';
