/**
 * The math operations as data: the same table drives the parity tests, the golden vectors and the
 * benchmark. Operands are raw integers; `kinds` says how the EVM harness reads each operand.
 * @module
 */
import { BaseError } from '../../runtime/errors';
import {
  MathError,
  MathOp,
  SD,
  UD,
  exp,
  exp2,
  ln,
  log2,
  phiPow,
  pow,
  sqrt,
  type MathOpName,
} from '../../runtime/math';
import type { SD128x18, UD128x18 } from '../../runtime/math';

type Kind = 'ud' | 'sd' | 'n';
export type OpSpec = {
  readonly name: MathOpName;
  readonly kinds: readonly Kind[];
  run(args: readonly bigint[]): bigint;
};

const ud = (v: bigint | undefined) => (v ?? 0n) as UD128x18;
const sd = (v: bigint | undefined) => (v ?? 0n) as SD128x18;

export const OPS: readonly OpSpec[] = [
  { name: 'add', kinds: ['ud', 'ud'], run: ([a, b]) => UD.add(ud(a), ud(b)) },
  { name: 'sub', kinds: ['ud', 'ud'], run: ([a, b]) => UD.sub(ud(a), ud(b)) },
  { name: 'mul', kinds: ['ud', 'ud'], run: ([a, b]) => UD.mul(ud(a), ud(b)) },
  { name: 'div', kinds: ['ud', 'ud'], run: ([a, b]) => UD.div(ud(a), ud(b)) },
  { name: 'mulDiv', kinds: ['ud', 'ud', 'ud'], run: ([a, b, c]) => UD.mulDiv(ud(a), ud(b), ud(c)) },
  { name: 'fromInt', kinds: ['n'], run: ([n]) => UD.fromInt(n ?? 0n) },
  { name: 'ln', kinds: ['ud'], run: ([x]) => ln(ud(x)) },
  { name: 'log2', kinds: ['ud'], run: ([x]) => log2(ud(x)) },
  { name: 'sqrt', kinds: ['ud'], run: ([x]) => sqrt(ud(x)) },
  { name: 'pow', kinds: ['ud', 'sd'], run: ([x, y]) => pow(ud(x), sd(y)) },
  { name: 'phiPow', kinds: ['n'], run: ([n]) => phiPow(n ?? 0n) },
  { name: 'toSD', kinds: ['ud'], run: ([x]) => SD.fromUD(ud(x)) },
  { name: 'sdAdd', kinds: ['sd', 'sd'], run: ([a, b]) => SD.add(sd(a), sd(b)) },
  { name: 'sdSub', kinds: ['sd', 'sd'], run: ([a, b]) => SD.sub(sd(a), sd(b)) },
  { name: 'sdMul', kinds: ['sd', 'sd'], run: ([a, b]) => SD.mul(sd(a), sd(b)) },
  { name: 'sdDiv', kinds: ['sd', 'sd'], run: ([a, b]) => SD.div(sd(a), sd(b)) },
  { name: 'sdNeg', kinds: ['sd'], run: ([x]) => SD.neg(sd(x)) },
  { name: 'sdAbs', kinds: ['sd'], run: ([x]) => SD.abs(sd(x)) },
  { name: 'sdFromInt', kinds: ['n'], run: ([n]) => SD.fromInt(n ?? 0n) },
  { name: 'exp', kinds: ['sd'], run: ([x]) => exp(sd(x)) },
  { name: 'exp2', kinds: ['sd'], run: ([x]) => exp2(sd(x)) },
  { name: 'toUD', kinds: ['sd'], run: ([x]) => SD.toUD(sd(x)) },
];

/** What one evaluation gave: a raw value, or a math error code with its operands. */
export type Outcome =
  | { ok: true; value: bigint }
  | { ok: false; code: string; operands: readonly bigint[] };

export function evaluate(spec: OpSpec, args: readonly bigint[]): Outcome {
  try {
    return { ok: true, value: spec.run(args) };
  } catch (err) {
    if (err instanceof MathError) return { ok: false, code: err.code, operands: err.operands };
    if (err instanceof BaseError) return { ok: false, code: err.code, operands: [] };
    throw err;
  }
}

/** MATH_DIV_BY_ZERO → Math_DivByZero: the mechanical mapping of runtime codes to Solidity errors. */
export function solidityErrorName(code: string): string {
  return code
    .toLowerCase()
    .split('_')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('')
    .replace(/^Math/, 'Math_');
}

export function opId(name: MathOpName): number {
  return MathOp[name];
}

/** Operand triple padded with zeros, as the harness takes it. */
export function triple(args: readonly bigint[]): [bigint, bigint, bigint] {
  return [args[0] ?? 0n, args[1] ?? 0n, args[2] ?? 0n];
}
