/**
 * The ledger verifier: one module for `qfs verify`, `qfs replay`, the node's start-up and
 * `qfs verify --export` (issue 19). See store-verifier.ts for what it checks and in which order.
 * @module
 */
export { verifyStore, type VerifyOptions, type VerifyResult } from './store-verifier';
export {
  formatDifference,
  differenceEvidence,
  DifferenceFound,
  type LedgerDifference,
} from './difference';
export {
  ENTROPY_SOURCES,
  PACKET_CHECKS,
  packetProblem,
  previousSealSeed,
  type EntropyRule,
  type PacketCheck,
  type PacketCheckInput,
  type PacketProblem,
} from './packet-checks';
