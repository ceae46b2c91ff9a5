/**
 * Floating-point rules: non-integer literals (ZS_FLOAT_LITERAL), `Math` (ZS_MATH), `Number(x)` and
 * unary `+` (ZS_NUMBER_CAST), `/` and `%` on numbers (ZS_FLOAT_DIVISION) and `**` on numbers
 * (ZS_NUMBER_POWER). Operand types come from the type checker, so bigint arithmetic is never
 * flagged, and integer-only uses are allowed when integers.ts proves them.
 * @module
 */
import ts from 'typescript';
import {
  invocationOf,
  isBigIntType,
  isNumberType,
  reportNode,
  type Access,
  type FileContext,
} from './context';
import { INTEGER_MATH, isExactConstantDivision, isIntegerLiteral } from './integers';

/** ZS_FLOAT_LITERAL: `1.5`, `1.0`, `1e-3`, `1e21` (not a safe integer, or written with a point). */
export function checkNumericLiteral(ctx: FileContext, node: ts.NumericLiteral): void {
  if (isIntegerLiteral(node, ctx.sourceFile)) return;
  ctx.report(
    node,
    'ZS_FLOAT_LITERAL',
    `${node.getText(ctx.sourceFile)} is not a safe integer; values are bigint fixed point ` +
      '(UD.parse/SD.parse, or a raw bigint such as 1_500_000_000_000_000_000n)',
  );
}

/** ZS_MATH, called for every access of the global `Math` except `Math.random`. */
export function checkMath(ctx: FileContext, access: Access): void {
  const [root] = access.nodes;
  const member = access.names[1];
  const memberNode = access.nodes[1];
  if (root === undefined) return;
  if (member === undefined || memberNode === undefined) {
    ctx.report(root, 'ZS_MATH', 'Math used as a value hides which function is called; use bigint');
    return;
  }
  if (!INTEGER_MATH.has(member)) {
    ctx.report(
      reportNode(access) ?? root,
      'ZS_MATH',
      `Math.${member} computes in binary floating point (and transcendental results differ ` +
        'between engines); use runtime/math on bigint',
    );
    return;
  }
  const call = ts.isBindingElement(memberNode)
    ? undefined
    : invocationOf(memberNode as ts.Expression);
  const proven =
    call !== undefined &&
    ts.isCallExpression(call) &&
    call.arguments.length > 0 &&
    call.arguments.every((a) => !ts.isSpreadElement(a) && ctx.isProvenInteger(a));
  if (proven) return;
  ctx.report(
    reportNode(access) ?? root,
    'ZS_MATH',
    `Math.${member} is allowed only on operands proven to be integers (integer literals, ` +
      'lengths, indices, integer constants and loop counters); use bigint',
  );
}

/** ZS_NUMBER_CAST for the global `Number` used as a conversion (`Number(x)`, `map(Number)`). */
export function checkNumberGlobal(ctx: FileContext, access: Access): void {
  const [root] = access.nodes;
  if (root === undefined || access.names.length !== 1 || ts.isBindingElement(root)) return;
  if (ts.isIdentifier(root) && isTypePosition(root)) return;
  const call = invocationOf(root as ts.Expression);
  if (call !== undefined) {
    if ((call.arguments?.length ?? 0) === 0) return;
    ctx.report(
      root,
      'ZS_NUMBER_CAST',
      'Number(x) converts to a binary float, rounding above 2^53 and on decimals; keep bigint',
    );
    return;
  }
  ctx.report(root, 'ZS_NUMBER_CAST', 'Number used as a function converts to a binary float');
}

function isTypePosition(id: ts.Identifier): boolean {
  const parent = id.parent;
  return (
    ts.isTypeReferenceNode(parent) ||
    ts.isTypeQueryNode(parent) ||
    ts.isHeritageClause(parent.parent)
  );
}

const DIVISION = new Set([ts.SyntaxKind.SlashToken, ts.SyntaxKind.SlashEqualsToken]);
const REMAINDER = new Set([ts.SyntaxKind.PercentToken, ts.SyntaxKind.PercentEqualsToken]);
const POWER = new Set([
  ts.SyntaxKind.AsteriskAsteriskToken,
  ts.SyntaxKind.AsteriskAsteriskEqualsToken,
]);

/** ZS_FLOAT_DIVISION and ZS_NUMBER_POWER, reported at the operator. */
export function checkBinaryOperator(ctx: FileContext, node: ts.BinaryExpression): void {
  const op = node.operatorToken.kind;
  const isDivision = DIVISION.has(op);
  const isRemainder = REMAINDER.has(op);
  if (!isDivision && !isRemainder && !POWER.has(op)) return;
  const { checker } = ctx;
  const bigint =
    isBigIntType(checker, checker.getTypeAtLocation(node.left)) &&
    isBigIntType(checker, checker.getTypeAtLocation(node.right));
  if (bigint) return;
  const text = node.operatorToken.getText(ctx.sourceFile);
  if (isRemainder) {
    if (ctx.isProvenInteger(node.left) && ctx.isProvenInteger(node.right)) return;
    ctx.report(
      node.operatorToken,
      'ZS_FLOAT_DIVISION',
      `${text} on number operands not proven to be integers is floating point; use bigint`,
    );
  } else if (isDivision) {
    const constant = op === ts.SyntaxKind.SlashToken;
    if (constant && isExactConstantDivision(checker, node.left, node.right)) return;
    ctx.report(
      node.operatorToken,
      'ZS_FLOAT_DIVISION',
      `${text} on number operands produces binary fractions; divide bigints (rounds toward zero)`,
    );
  } else {
    ctx.report(
      node.operatorToken,
      'ZS_NUMBER_POWER',
      `${text} on number operands is computed in floating point; use bigint (2n ** 10n)`,
    );
  }
}

/** ZS_NUMBER_CAST for unary `+` on anything but a number (`+'1.5'`, `+x` with x a string). */
export function checkUnaryPlus(ctx: FileContext, node: ts.PrefixUnaryExpression): void {
  if (node.operator !== ts.SyntaxKind.PlusToken) return;
  if (isNumberType(ctx.checker, ctx.checker.getTypeAtLocation(node.operand))) return;
  ctx.report(
    node,
    'ZS_NUMBER_CAST',
    'unary + converts to a binary float; keep bigint or parse exactly',
  );
}
