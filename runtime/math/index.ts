/**
 * runtime/math: the fixed-point types, their pure functions, and CertifiedMath, the recorder that
 * logs every operation of a bundle into a hash chain. DESIGN.md §4 Numbers, Audit log.
 * @module
 */
export * as UD from './ud128x18';
export * as SD from './sd128x18';
export type { UD128x18 } from './ud128x18';
export type { SD128x18 } from './sd128x18';
export {
  ln,
  log2,
  exp,
  exp2,
  pow,
  sqrt,
  phiPow,
  fibonacciPair,
  PHI_POW_N_MAX,
} from './transcendental';
export { MathOp, type MathOpName } from './ops';
export {
  MathError,
  MathOverflowError,
  MathUnderflowError,
  MathDivByZeroError,
  MathDomainError,
  MathParseError,
} from './errors';
export { uUNIT } from './decimal';
export {
  CertifiedMath,
  canonicalEntry,
  opLogHash,
  OP_LOG_DOMAIN,
  OP_LOG_ENTRIES_MAX,
  type LogContext,
  type OpLogEntry,
} from './certified-math';
export {
  splitByWeight,
  capAllocations,
  ALLOCATION_RECIPIENTS_MAX,
  ALLOCATION_WEIGHT_MAX,
} from './split';
export { MathSplitInputError } from './errors';
