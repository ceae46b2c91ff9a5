/**
 * Operation identifiers shared with the Solidity mirror (`contracts/math/Errors.sol`, `MathOp`).
 * The numeric id travels in every math error on both sides, so a revert and a thrown error can be
 * compared mechanically. Ids are append-only.
 * @module
 */

export const MathOp = {
  wrap: 0,
  add: 1,
  sub: 2,
  mul: 3,
  div: 4,
  mulDiv: 5,
  fromInt: 6,
  ln: 7,
  log2: 8,
  sqrt: 9,
  pow: 10,
  phiPow: 11,
  toSD: 12,
  sdAdd: 13,
  sdSub: 14,
  sdMul: 15,
  sdDiv: 16,
  sdNeg: 17,
  sdAbs: 18,
  sdFromInt: 19,
  exp: 20,
  exp2: 21,
  toUD: 22,
  parse: 23,
} as const;
export type MathOpName = keyof typeof MathOp;
