/**
 * runtime/guard: CIR-302 halts, CIR-412 quarantine, CIR-511 dissonance and AntiTamper verdicts.
 * Pure: they judge what the node measured; the node reads the files and persists the records.
 * @module
 */
export { HaltError, Cir302Halt, Cir412Halt, isHalt, type HaltEvidence } from './halts';
export {
  cir511StateJson,
  detectDissonance,
  INITIAL_CIR511_STATE,
  type Cir511State,
  type DissonanceRecord,
} from './cir511';
export {
  compareManifests,
  assertManifestIntact,
  type IntegrityManifest,
  type IntegrityMismatch,
} from './anti-tamper';
