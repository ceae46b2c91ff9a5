/**
 * runtime/codec: canonical bytes (RFC 8785), hex, SHA-256 hashing with domain separation, Merkle
 * roots and account addresses. Part of the deterministic core. DESIGN.md §4 Encoding and hashing.
 * @module
 */
export { canonicalBytes, canonicalString, CANONICAL_DEPTH_MAX } from './canonical';
export type { JsonValue, JsonObject } from './canonical';
export { bytesToHex, hexToBytes, isHex, lowerHexBytes, equalBytes } from './hex';
export {
  sha256,
  sha256Hex,
  hashDomain,
  hashDomainHex,
  hashCanonical,
  HashDomain,
  ZERO_HASH,
} from './hash';
export {
  addressFromPublicKey,
  addressFromPublicKeyHex,
  parseAddress,
  isChecksumAddress,
} from './address';
export { merkleRoot } from './merkle';
export { CodecUnencodableError, CodecBadHexError, CodecBadAddressError } from './errors';
export type { UnencodableReason } from './errors';
export { sha256HexUtf8 } from './digest';
export {
  exactKeysProblem,
  isRecord,
  parseAmount,
  parseCanonicalAmount,
  parseWholeNumber,
  shapeChecker,
  unknownKey,
  type ShapeChecker,
  type ShapeFault,
} from './shape';
