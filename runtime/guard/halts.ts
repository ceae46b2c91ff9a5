/**
 * CIR-302 (critical halt) and CIR-412 (tamper quarantine) as typed halts: code, reason and evidence.
 * The engine throws them when a bundle must not be committed; the node persists a signed halt
 * record, stops producing and exits with the code (DESIGN.md §4 Halts). The reference's handlers
 * crashed with unrelated errors or did not halt at all (reference §12).
 * @module
 */
import { BaseError, ErrorCode } from '../errors';

/** Evidence: what was measured, as strings (canonically encodable, signable). */
export type HaltEvidence = Readonly<Record<string, string>>;

/** The common shape of both halts. */
export abstract class HaltError extends BaseError {
  /** The CIR number, also the process exit code of a halted daemon. */
  abstract readonly cir: 302 | 412;
  readonly reason: string;
  readonly evidence: HaltEvidence;

  /**
   * @param reason - what failed, in a short sentence
   * @param evidence - what was measured, as strings
   * @param options - the error that caused the halt, if any (ES2022 `cause`)
   */
  constructor(reason: string, evidence: HaltEvidence, options: ErrorOptions = {}) {
    super(`halt: ${reason}`, { reason, ...evidence }, options);
    this.reason = reason;
    this.evidence = Object.freeze({ ...evidence });
  }
}

/** CIR-302: a bundle-level invariant failed (survival imperative, conservation, chain link, escalation). */
export class Cir302Halt extends HaltError {
  override readonly name = 'Guard.Cir302Halt';
  readonly code = ErrorCode.CIR302_HALT;
  readonly cir = 302 as const;
}

/** CIR-412: tampering detected (ledger or code integrity mismatch). */
export class Cir412Halt extends HaltError {
  override readonly name = 'Guard.Cir412Halt';
  readonly code = ErrorCode.CIR412_QUARANTINE;
  readonly cir = 412 as const;
}

/** True when `err` is a halt. */
export function isHalt(err: unknown): err is HaltError {
  return err instanceof HaltError;
}
