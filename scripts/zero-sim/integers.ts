/**
 * The integer prover: decides, from syntax and types, whether a `number` expression can only hold
 * an integer. ZS_MATH allows `Math.max` and friends, and ZS_FLOAT_DIVISION allows `%`, only on
 * proven integers. The prover is sound but incomplete: "not proven" means "could not show it", and
 * a function parameter typed plain `number` is never proven (TypeScript has no integer type).
 *
 * Proven integers: integer literals and integer literal types (`3`, `0 | 1`, numeric enums, `as
 * const` objects); `.length`, `.size`, `.byteLength` of library types; `indexOf`, `lastIndexOf`,
 * `findIndex`, `findLastIndex`, `search`; `parseInt`; elements of integer typed arrays; `+ - * %`
 * and `?? || &&` of proven integers; every bitwise operator on numbers; `/` of two integer constants
 * that divide exactly (`BITS / 4` with `const BITS = 12`); allowed `Math` calls on proven integers;
 * `Number.MAX_SAFE_INTEGER`/`MIN_SAFE_INTEGER`; a `const` with a proven initializer; a `let` whose
 * initializer and every assignment in its file are proven (loop counters); a `for…of` variable over
 * an array literal of proven integers or an integer typed array.
 * @module
 */
import ts from 'typescript';
import { isLibrarySymbol, isNumberType, originOf, skipOuter, type TypeInfo } from './context';

/** Math functions that map integers to integers. */
export const INTEGER_MATH: ReadonlySet<string> = new Set([
  'abs',
  'sign',
  'max',
  'min',
  'trunc',
  'floor',
  'ceil',
  'round',
  'clz32',
  'imul',
]);

const INTEGER_METHODS: ReadonlySet<string> = new Set([
  'indexOf',
  'lastIndexOf',
  'findIndex',
  'findLastIndex',
  'search',
]);

const INTEGER_PROPERTIES: ReadonlySet<string> = new Set([
  'length',
  'size',
  'byteLength',
  'byteOffset',
  'BYTES_PER_ELEMENT',
]);

const INTEGER_TYPED_ARRAYS: ReadonlySet<string> = new Set([
  'Int8Array',
  'Uint8Array',
  'Uint8ClampedArray',
  'Int16Array',
  'Uint16Array',
  'Int32Array',
  'Uint32Array',
  'Buffer',
]);

const BITWISE: ReadonlySet<ts.SyntaxKind> = new Set([
  ts.SyntaxKind.AmpersandToken,
  ts.SyntaxKind.BarToken,
  ts.SyntaxKind.CaretToken,
  ts.SyntaxKind.LessThanLessThanToken,
  ts.SyntaxKind.GreaterThanGreaterThanToken,
  ts.SyntaxKind.GreaterThanGreaterThanGreaterThanToken,
]);

const BITWISE_ASSIGNMENT: ReadonlySet<ts.SyntaxKind> = new Set([
  ts.SyntaxKind.AmpersandEqualsToken,
  ts.SyntaxKind.BarEqualsToken,
  ts.SyntaxKind.CaretEqualsToken,
  ts.SyntaxKind.LessThanLessThanEqualsToken,
  ts.SyntaxKind.GreaterThanGreaterThanEqualsToken,
  ts.SyntaxKind.GreaterThanGreaterThanGreaterThanEqualsToken,
]);

/** Assignments that keep an integer an integer when their right operand is one. */
const INTEGER_ASSIGNMENT: ReadonlySet<ts.SyntaxKind> = new Set([
  ts.SyntaxKind.EqualsToken,
  ts.SyntaxKind.PlusEqualsToken,
  ts.SyntaxKind.MinusEqualsToken,
  ts.SyntaxKind.AsteriskEqualsToken,
  ts.SyntaxKind.PercentEqualsToken,
  ts.SyntaxKind.AmpersandAmpersandEqualsToken,
  ts.SyntaxKind.BarBarEqualsToken,
  ts.SyntaxKind.QuestionQuestionEqualsToken,
]);

/** True when the literal's source text is a safe integer written without a decimal point. */
export function isIntegerLiteral(node: ts.NumericLiteral, file: ts.SourceFile): boolean {
  return !node.getText(file).includes('.') && Number.isSafeInteger(Number(node.text));
}

/** The value of a type that is a single safe-integer literal type (`12`, an enum member), if any. */
function integerLiteralValue(type: ts.Type): number | undefined {
  return type.isNumberLiteral() && Number.isSafeInteger(type.value) ? type.value : undefined;
}

/**
 * True when `left / right` divides two integer constants exactly (`BITS / 4` with `const BITS = 12`):
 * both operand types are single integer literal types, so the quotient is known and integral.
 */
export function isExactConstantDivision(
  checker: ts.TypeChecker,
  left: ts.Expression,
  right: ts.Expression,
): boolean {
  const dividend = integerLiteralValue(checker.getTypeAtLocation(left));
  const divisor = integerLiteralValue(checker.getTypeAtLocation(right));
  return (
    dividend !== undefined && divisor !== undefined && divisor !== 0 && dividend % divisor === 0
  );
}

/** Builds a prover over one program; results for `let` variables are cached per symbol. */
export function createIntegerProver(info: TypeInfo): (expr: ts.Expression) => boolean {
  const { checker, program } = info;
  const cache = new Map<ts.Symbol, boolean>();
  const assumed = new Set<ts.Symbol>();

  function hasIntegerLiteralType(expr: ts.Expression): boolean {
    const isInteger = (type: ts.Type): boolean =>
      type.isUnion()
        ? type.types.every(isInteger)
        : type.isNumberLiteral() && Number.isSafeInteger(type.value);
    return isInteger(checker.getTypeAtLocation(expr));
  }

  function isGlobal(expr: ts.Expression, name: string): boolean {
    if (!ts.isIdentifier(expr) || expr.text !== name) return false;
    const origin = originOf(info, expr);
    return origin.kind === 'global' && origin.name === name;
  }

  function isLibraryMember(name: ts.MemberName): boolean {
    const symbol = checker.getSymbolAtLocation(name);
    return symbol !== undefined && isLibrarySymbol(program, symbol);
  }

  function isIntegerTypedArray(expr: ts.Expression): boolean {
    const type = checker.getTypeAtLocation(expr);
    const symbol = type.getSymbol();
    return (
      symbol !== undefined &&
      INTEGER_TYPED_ARRAYS.has(symbol.name) &&
      isLibrarySymbol(program, symbol)
    );
  }

  function prove(node: ts.Expression): boolean {
    const expr = skipOuter(node);
    if (ts.isNumericLiteral(expr)) return isIntegerLiteral(expr, expr.getSourceFile());
    if (ts.isBigIntLiteral(expr) || ts.isStringLiteralLike(expr)) return false;
    if (hasIntegerLiteralType(expr)) return true;
    if (ts.isPrefixUnaryExpression(expr)) {
      if (expr.operator === ts.SyntaxKind.TildeToken)
        return isNumberType(checker, checker.getTypeAtLocation(expr));
      return expr.operator !== ts.SyntaxKind.ExclamationToken && prove(expr.operand);
    }
    if (ts.isPostfixUnaryExpression(expr)) return prove(expr.operand);
    if (ts.isBinaryExpression(expr)) return proveBinary(expr);
    if (ts.isConditionalExpression(expr)) return prove(expr.whenTrue) && prove(expr.whenFalse);
    if (ts.isIdentifier(expr)) return proveIdentifier(expr);
    if (ts.isPropertyAccessExpression(expr)) return proveProperty(expr);
    if (ts.isElementAccessExpression(expr)) return isIntegerTypedArray(expr.expression);
    if (ts.isCallExpression(expr)) return proveCall(expr);
    return false;
  }

  function proveBinary(expr: ts.BinaryExpression): boolean {
    const op = expr.operatorToken.kind;
    if (BITWISE.has(op) || BITWISE_ASSIGNMENT.has(op)) {
      return isNumberType(checker, checker.getTypeAtLocation(expr));
    }
    switch (op) {
      case ts.SyntaxKind.PlusToken:
      case ts.SyntaxKind.MinusToken:
      case ts.SyntaxKind.AsteriskToken:
      case ts.SyntaxKind.PercentToken:
      case ts.SyntaxKind.QuestionQuestionToken:
      case ts.SyntaxKind.BarBarToken:
      case ts.SyntaxKind.AmpersandAmpersandToken:
        // `??`, `||` and `&&` evaluate to one of their operands.
        return prove(expr.left) && prove(expr.right);
      case ts.SyntaxKind.SlashToken:
        return isExactConstantDivision(checker, expr.left, expr.right);
      case ts.SyntaxKind.CommaToken:
      case ts.SyntaxKind.EqualsToken:
        return prove(expr.right);
      default:
        return false;
    }
  }

  function proveProperty(expr: ts.PropertyAccessExpression): boolean {
    const name = expr.name.text;
    if (name === 'MAX_SAFE_INTEGER' || name === 'MIN_SAFE_INTEGER') {
      return isGlobal(expr.expression, 'Number');
    }
    return INTEGER_PROPERTIES.has(name) && isLibraryMember(expr.name);
  }

  function proveCall(call: ts.CallExpression): boolean {
    const callee = skipOuter(call.expression);
    if (ts.isIdentifier(callee)) return isGlobal(callee, 'parseInt');
    if (!ts.isPropertyAccessExpression(callee)) return false;
    const name = callee.name.text;
    if (isGlobal(callee.expression, 'Math')) {
      return (
        INTEGER_MATH.has(name) &&
        call.arguments.length > 0 &&
        call.arguments.every((a) => !ts.isSpreadElement(a) && prove(a))
      );
    }
    if (name === 'parseInt') return isGlobal(callee.expression, 'Number');
    return INTEGER_METHODS.has(name) && isLibraryMember(callee.name);
  }

  function proveIdentifier(id: ts.Identifier): boolean {
    let symbol = checker.getSymbolAtLocation(id);
    if (symbol === undefined) return false;
    if (symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
    const declaration = symbol.valueDeclaration;
    if (declaration === undefined) return false;
    if (ts.isEnumMember(declaration)) {
      return declaration.initializer === undefined || prove(declaration.initializer);
    }
    if (!ts.isVariableDeclaration(declaration) || !ts.isIdentifier(declaration.name)) return false;
    const list = declaration.parent;
    if (ts.isForOfStatement(list.parent)) return proveForOfElement(list.parent.expression);
    if (ts.isForInStatement(list.parent) || declaration.initializer === undefined) return false;
    // A variable mentioned while proving itself is assumed an integer (induction on assignments).
    if (assumed.has(symbol)) return true;
    const cached = cache.get(symbol);
    if (cached !== undefined) return cached;
    assumed.add(symbol);
    const isConst = (list.flags & ts.NodeFlags.Const) !== 0;
    const result =
      prove(declaration.initializer) && (isConst || assignmentsKeepInteger(symbol, declaration));
    assumed.delete(symbol);
    // Results computed under another variable's assumption are not cached.
    if (assumed.size === 0) cache.set(symbol, result);
    return result;
  }

  function proveForOfElement(iterable: ts.Expression): boolean {
    const expr = skipOuter(iterable);
    if (ts.isArrayLiteralExpression(expr)) {
      return (
        expr.elements.length > 0 && expr.elements.every((e) => !ts.isSpreadElement(e) && prove(e))
      );
    }
    return isIntegerTypedArray(expr);
  }

  function assignmentsKeepInteger(symbol: ts.Symbol, declaration: ts.VariableDeclaration): boolean {
    let ok = true;
    const name = symbol.name;
    const visit = (node: ts.Node): void => {
      if (!ok) return;
      if (ts.isIdentifier(node) && node.text === name && node !== declaration.name) {
        if (checker.getSymbolAtLocation(node) === symbol && !writeKeepsInteger(node)) ok = false;
        return;
      }
      ts.forEachChild(node, visit);
    };
    visit(declaration.getSourceFile());
    return ok;
  }

  function writeKeepsInteger(id: ts.Identifier): boolean {
    let target: ts.Node = id;
    while (ts.isParenthesizedExpression(target.parent) || ts.isNonNullExpression(target.parent)) {
      target = target.parent;
    }
    const parent = target.parent;
    if (ts.isBinaryExpression(parent) && parent.left === target) {
      const op = parent.operatorToken.kind;
      if (BITWISE_ASSIGNMENT.has(op)) return true;
      if (INTEGER_ASSIGNMENT.has(op)) return prove(parent.right);
      if (
        op === ts.SyntaxKind.SlashEqualsToken ||
        op === ts.SyntaxKind.AsteriskAsteriskEqualsToken
      ) {
        return false;
      }
      return true; // a comparison or arithmetic read such as `i < n`
    }
    if (ts.isPrefixUnaryExpression(parent) || ts.isPostfixUnaryExpression(parent)) return true;
    return !isDestructuringTarget(target);
  }

  return prove;
}

/** True when `node` is written by a destructuring assignment or is a for…of/for…in target. */
function isDestructuringTarget(node: ts.Node): boolean {
  let current = node;
  for (;;) {
    const parent = current.parent;
    if (
      (ts.isForOfStatement(parent) || ts.isForInStatement(parent)) &&
      parent.initializer === current
    ) {
      return true;
    }
    if (ts.isBinaryExpression(parent)) {
      return parent.operatorToken.kind === ts.SyntaxKind.EqualsToken && parent.left === current;
    }
    if (
      ts.isArrayLiteralExpression(parent) ||
      ts.isObjectLiteralExpression(parent) ||
      ts.isPropertyAssignment(parent) ||
      ts.isShorthandPropertyAssignment(parent) ||
      ts.isSpreadElement(parent) ||
      ts.isSpreadAssignment(parent) ||
      ts.isParenthesizedExpression(parent)
    ) {
      current = parent;
      continue;
    }
    return false;
  }
}
