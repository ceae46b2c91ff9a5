/**
 * The evaluator behind `qfs math eval`: one line `FN ARG [ARG]` in, one result line out.
 * Arguments are decimal literals, signed where the function takes SD128x18.
 * @module
 */
import { BaseError } from '../errors';
import { SD, UD, exp, exp2, ln, log2, phiPow, pow, sqrt } from '../math';

/** Longest input line accepted; longer lines are answered with `ERROR CLI_USAGE`. */
export const EVAL_LINE_LENGTH_MAX = 256;

type Evaluator = { readonly arity: number; run(args: readonly string[]): string };

const INTEGER = /^[0-9]{1,4}$/;

function at(args: readonly string[], i: number): string {
  return args[i] ?? '';
}

const EVALUATORS: Readonly<Record<string, Evaluator>> = {
  add: { arity: 2, run: (a) => UD.format(UD.add(UD.parse(at(a, 0)), UD.parse(at(a, 1)))) },
  sub: { arity: 2, run: (a) => UD.format(UD.sub(UD.parse(at(a, 0)), UD.parse(at(a, 1)))) },
  mul: { arity: 2, run: (a) => UD.format(UD.mul(UD.parse(at(a, 0)), UD.parse(at(a, 1)))) },
  div: { arity: 2, run: (a) => UD.format(UD.div(UD.parse(at(a, 0)), UD.parse(at(a, 1)))) },
  ln: { arity: 1, run: (a) => SD.format(ln(UD.parse(at(a, 0)))) },
  log2: { arity: 1, run: (a) => SD.format(log2(UD.parse(at(a, 0)))) },
  exp: { arity: 1, run: (a) => UD.format(exp(SD.parse(at(a, 0)))) },
  exp2: { arity: 1, run: (a) => UD.format(exp2(SD.parse(at(a, 0)))) },
  pow: { arity: 2, run: (a) => UD.format(pow(UD.parse(at(a, 0)), SD.parse(at(a, 1)))) },
  sqrt: { arity: 1, run: (a) => UD.format(sqrt(UD.parse(at(a, 0)))) },
  phiPow: {
    arity: 1,
    run: (a) => {
      const n = at(a, 0);
      if (!INTEGER.test(n)) return 'ERROR MATH_PARSE';
      return UD.format(phiPow(BigInt(n)));
    },
  },
};

/** The function names `qfs math eval` understands. */
export const EVAL_FUNCTIONS = Object.freeze(Object.keys(EVALUATORS).sort());

/**
 * Evaluates one line. Never throws: coded errors become `ERROR <CODE>`, malformed lines
 * `ERROR CLI_USAGE`.
 * @example evaluateLine('pow 2 0.5') // '1.414213562373095048'
 */
export function evaluateLine(line: string): string {
  if (line.length > EVAL_LINE_LENGTH_MAX) return 'ERROR CLI_USAGE';
  const [fn = '', ...args] = line.trim().split(/\s+/);
  const evaluator = Object.hasOwn(EVALUATORS, fn) ? EVALUATORS[fn] : undefined;
  if (evaluator === undefined || args.length !== evaluator.arity) return 'ERROR CLI_USAGE';
  try {
    return evaluator.run(args);
  } catch (err) {
    if (err instanceof BaseError) return `ERROR ${err.code}`;
    throw err;
  }
}
