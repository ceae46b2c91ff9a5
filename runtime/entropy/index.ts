/**
 * runtime/entropy: public, verifiable entropy for DRV packet seeds (issue 22). The verification
 * half (beacon, VDF, policy, record, seed) is part of the deterministic core and is what packet
 * validation, replay and `qfs verify` run; the shell half (beacon and QRNG clients, the devnet
 * beacon server, the VDF worker, the entropy service) fetches and schedules and is imported by the
 * node from its own files.
 * @module
 */
export {
  BEACON_DST,
  BEACON_SCHEME,
  BEACON_ROUND_MAX,
  BEACON_SIGNATURE_BYTES,
  BEACON_PUBLIC_KEY_BYTES,
  QUICKNET,
  beaconChainFromDrandInfo,
  beaconChainJson,
  beaconMessage,
  beaconPublicKey,
  beaconRandomness,
  chainHashOf,
  parseBeaconChain,
  roundAtMs,
  roundTimeMs,
  signBeaconRound,
  verifyBeaconSignature,
} from './beacon';
export type { BeaconChain } from './beacon';
export {
  RSA_2048_MODULUS,
  VDF_ELEMENT_BYTES,
  VDF_INPUT_BYTES_MAX,
  VDF_MODULUS_ID,
  VDF_PRIME_BITS,
  VDF_T_MAX,
  challengePrime,
  elementHex,
  evaluateVdf,
  isProbablePrime,
  modPow,
  vdfBase,
  verifyVdf,
} from './vdf';
export type { VdfEvaluation } from './vdf';
export {
  POLICY_BEACONS_MAX,
  POLICY_DEFAULTS,
  entropyPolicyJson,
  parseEntropyPolicy,
  policyBeacon,
} from './policy';
export type { EntropyPolicy } from './policy';
export {
  QRNG_BYTES_MAX,
  SOURCE_BEACON_VDF,
  SOURCE_BEACON_VDF_STALE,
  anchorSealHash,
  entropyRecordJson,
  getQuantumEnhancedSeed,
  parseEntropyRecord,
  vdfInputOf,
  verifyEntropyAnchor,
  verifyPacketEntropy,
} from './record';
export type {
  BeaconEntropyRecord,
  EntropyAnchor,
  EntropyPacket,
  EntropyVerdict,
  QrngRecord,
  RoundEntropy,
} from './record';
export * from './errors';
