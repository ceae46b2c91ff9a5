/**
 * Invariants: assertions about programmer errors, never about input. A failed invariant is a bug;
 * it is never caught, and the journal or the seed that produced it reproduces it. STYLE-ANCHORS §10.
 * @module
 */

/** Thrown when an invariant does not hold. Deliberately not a coded `BaseError`. */
export class AssertionError extends Error {
  override readonly name = 'AssertionError';
}

/**
 * Asserts `condition`; throws {@link AssertionError} with `why` otherwise.
 * @param condition - what must be true if the code is correct
 * @param why - the invariant, phrased as the thing that holds (`'sequence is dense'`)
 */
export function invariant(condition: boolean, why: string): asserts condition {
  if (!condition) throw new AssertionError(`invariant failed: ${why}`);
}
