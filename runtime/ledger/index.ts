/**
 * runtime/ledger: DRV packets and the KeyLedger (events, state machine, seals, storage). Part of
 * the deterministic core: time comes in as arguments, storage through a synchronous interface.
 * DESIGN.md §4 DRV packets, Ledgers and seals.
 * @module
 */
export {
  createPacket,
  signPacket,
  validatePacket,
  parsePacket,
  packetHash,
  packetBody,
  packetSigningBytes,
  computePayloadHash,
  DRV_PACKET_VERSION,
  DRV_TIMESTAMP_MAX_MS,
  DRV_TIMESTAMP_JUMP_MAX_MS,
  DRV_ENTROPY_BYTES_MAX,
  DRV_PAYLOAD_HASHES_MAX,
  type DrvPacket,
  type DrvPacketBody,
  type UnsignedDrvPacket,
  type EntropyRecord,
  type PacketExpectations,
} from './drv-packet';
export {
  Capability,
  CAPABILITIES,
  KEY_EVENT_TYPES,
  GENESIS_KEYS_MAX,
  REVOKE_REASON_LENGTH_MAX,
  CHAIN_ID_PATTERN,
  createKeyGenesis,
  signKeyEvent,
  finalizeKeyEntry,
  keyEventSigningBytes,
  computeEntryHash,
  pqcCidOf,
  checkKeyEntryShape,
  parseKeyLedgerEntry,
  type GenesisKey,
  type GenesisKeyInput,
  type KeyEvent,
  type KeyEventData,
  type KeyEventType,
  type KeyEventHeader,
  type KeyEventBody,
  type KeyEventStamp,
  type KeySignature,
  type KeyLedgerEntry,
} from './key-event';
export {
  applyKeyEvent,
  validateKeyEvent,
  commitKeyEvent,
  replayKeyLedger,
  prepareKeyEvent,
  keyLedgerView,
  EMPTY_KEY_LEDGER_STATE,
  type KeyLedgerState,
  type KeyLedgerView,
  type KeyRecord,
  type KeyStatus,
  type KeyEventChange,
} from './key-ledger-state';
export {
  createKeySeal,
  keySealBody,
  verifySeal,
  assertSealValid,
  keySealHash,
  keySealSigningBytes,
  KEY_SEAL_COMPONENT,
  KEY_SEAL_VERSION,
  type KeySealBody,
  type KeyFinalitySeal,
  type KeySealCheck,
  type KeySealMismatch,
  type KeySealVerification,
} from './key-seal';
export {
  MemoryKeyLedgerStore,
  readAllKeyEntries,
  KEY_LEDGER_READ_LIMIT_MAX,
  type KeyLedgerStore,
  type KeyLedgerHead,
} from './key-ledger-store';
export { KeyLedger } from './key-ledger';
export {
  TIMESTAMP_MAX_MS,
  METADATA_ENTRIES_MAX,
  METADATA_KEY_LENGTH_MAX,
  METADATA_VALUE_LENGTH_MAX,
} from './wire';
export * from './errors';
export {
  appendCoherenceEntry,
  verifyCoherenceChain,
  coherenceEntryHash,
  createCoherenceSeal,
  coherenceSealBody,
  verifyCoherenceSeal,
  coherenceSealHash,
  coherenceSealSigningBytes,
  COHERENCE_SEAL_COMPONENT,
  COHERENCE_SEAL_VERSION,
  type CoherenceEntry,
  type CoherenceEntryBody,
  type CoherenceSeal,
  type CoherenceSealBody,
  type CoherenceMismatch,
} from './coherence-ledger';
