/**
 * Iteration-order rules: `for…in` (ZS_FOR_IN) and iterating something whose order is its insertion
 * history (ZS_UNORDERED_ITERATION): a `Map`, a `Set`, their iterators, or the arrays returned by
 * `Object.keys/values/entries` and friends. Such a sequence is fine once it is sorted in the same
 * expression (`Object.keys(o).sort()`, `[...set].sort(compare)`), or when only an order-free
 * question is asked of it (`.length`, `.includes`, `.some`, `.every`), or when it is copied into
 * another Map or Set (whose own iteration is then checked).
 * @module
 */
import ts from 'typescript';
import {
  climbOuter,
  invocationOf,
  isLibrarySymbol,
  originOf,
  reportNode,
  type Access,
  type FileContext,
} from './context';

const UNORDERED_TYPES: ReadonlySet<string> = new Set([
  'Map',
  'Set',
  'ReadonlyMap',
  'ReadonlySet',
  'MapIterator',
  'SetIterator',
]);

/** Types a callee declares when it will iterate what it is given. */
const ITERABLE_TYPES: ReadonlySet<string> = new Set([
  'Iterable',
  'IterableIterator',
  'Iterator',
  'AsyncIterable',
  'ArrayLike',
]);

/** Methods that fix the order of an array. */
const SORTS: ReadonlySet<string> = new Set(['sort', 'toSorted']);
/** Methods whose answer does not depend on the order (for a side-effect-free callback). */
const ORDER_FREE: ReadonlySet<string> = new Set(['includes', 'some', 'every']);
/** Element-wise (and joining) methods after which a sort still fixes the order. */
const ELEMENTWISE: ReadonlySet<string> = new Set(['map', 'filter', 'flatMap', 'flat', 'concat']);

const FIX = 'sort it in the same expression ([...m.keys()].sort(), Object.keys(o).sort())';

function isLibraryTypeNamed(ctx: FileContext, type: ts.Type, names: ReadonlySet<string>): boolean {
  const symbol = type.getSymbol() ?? type.aliasSymbol;
  return symbol !== undefined && names.has(symbol.name) && isLibrarySymbol(ctx.program, symbol);
}

/** True when values of `type` iterate in insertion order (Map, Set, their iterators, subclasses). */
export function isUnorderedType(ctx: FileContext, type: ts.Type, depth = 0): boolean {
  if (depth > 8) return false;
  const { checker } = ctx;
  if (type.flags & ts.TypeFlags.TypeParameter) {
    const constraint = checker.getBaseConstraintOfType(type);
    return (
      constraint !== undefined && constraint !== type && isUnorderedType(ctx, constraint, depth + 1)
    );
  }
  if (type.isUnionOrIntersection())
    return type.types.some((t) => isUnorderedType(ctx, t, depth + 1));
  if (isLibraryTypeNamed(ctx, type, UNORDERED_TYPES)) return true;
  const target = (type as ts.TypeReference).target;
  const declared = target !== undefined && target !== type ? target : type;
  if (declared.isClassOrInterface()) {
    return checker.getBaseTypes(declared).some((base) => isUnorderedType(ctx, base, depth + 1));
  }
  return false;
}

function isUnordered(ctx: FileContext, expr: ts.Expression): boolean {
  return isUnorderedType(ctx, ctx.checker.getTypeAtLocation(expr));
}

function isGlobalNamed(ctx: FileContext, expr: ts.Expression, names: readonly string[]): boolean {
  if (!ts.isIdentifier(expr) || !names.includes(expr.text)) return false;
  const origin = originOf(ctx, expr);
  return origin.kind === 'global' && names.includes(origin.name);
}

/**
 * True when the array `produced` is sorted, or only asked order-free questions, in the expression
 * that contains it.
 */
export function isOrderFixedInExpression(ctx: FileContext, produced: ts.Expression): boolean {
  let current = produced;
  for (;;) {
    const outer = climbOuter(current);
    const parent = outer.parent;
    if (ts.isPropertyAccessExpression(parent) && parent.expression === outer) {
      const name = parent.name.text;
      if (name === 'length') return true;
      const call = invocationOf(parent);
      if (call === undefined || !ts.isCallExpression(call)) return false;
      if (SORTS.has(name) || ORDER_FREE.has(name)) return true;
      if (!ELEMENTWISE.has(name)) return false;
      current = call;
      continue;
    }
    // `[...Object.keys(a), ...Object.keys(b)]` and `x.concat(Object.keys(b))`: the order question
    // moves to the enclosing array.
    if (ts.isSpreadElement(parent) && ts.isArrayLiteralExpression(parent.parent)) {
      current = parent.parent;
      continue;
    }
    if (isConcatArgument(parent, outer)) {
      current = parent as ts.CallExpression;
      continue;
    }
    return isCopiedIntoCollection(ctx, outer);
  }
}

function isConcatArgument(parent: ts.Node, argument: ts.Expression): boolean {
  return (
    ts.isCallExpression(parent) &&
    parent.arguments.includes(argument) &&
    ts.isPropertyAccessExpression(parent.expression) &&
    parent.expression.name.text === 'concat'
  );
}

/** `new Map(x)` / `new Set(x)`: an order-preserving copy whose own iteration is checked. */
function isCopiedIntoCollection(ctx: FileContext, argument: ts.Expression): boolean {
  const parent = argument.parent;
  return (
    ts.isNewExpression(parent) &&
    parent.arguments?.[0] === argument &&
    isGlobalNamed(ctx, parent.expression, ['Map', 'Set'])
  );
}

/** `Object.keys(o)` and friends: the result must be sorted in the same expression. */
export function checkUnorderedKeys(ctx: FileContext, access: Access): void {
  const [root] = access.nodes;
  const member = access.nodes[1];
  if (root === undefined || member === undefined) return;
  const name = access.names.slice(0, 2).join('.');
  const call = ts.isBindingElement(member) ? undefined : invocationOf(member as ts.Expression);
  if (call !== undefined && ts.isCallExpression(call) && isOrderFixedInExpression(ctx, call))
    return;
  ctx.report(
    reportNode(access) ?? root,
    'ZS_UNORDERED_ITERATION',
    `${name} lists keys in insertion order; ${FIX}`,
  );
}

/** `Array.from(mapOrSet)`: the array must be sorted in the same expression. */
export function checkArrayFrom(ctx: FileContext, access: Access): void {
  const member = access.nodes[1];
  if (access.names.length !== 2 || member === undefined || ts.isBindingElement(member)) return;
  const call = invocationOf(member as ts.Expression);
  const source = call !== undefined && ts.isCallExpression(call) ? call.arguments[0] : undefined;
  if (call === undefined || source === undefined || !isUnordered(ctx, source)) return;
  if (isOrderFixedInExpression(ctx, call)) return;
  ctx.report(
    source,
    'ZS_UNORDERED_ITERATION',
    `Array.from of a Map or Set keeps insertion order; ${FIX}`,
  );
}

/** ZS_FOR_IN, reported at `for`. */
export function checkForIn(ctx: FileContext, node: ts.ForInStatement): void {
  ctx.report(
    node,
    'ZS_FOR_IN',
    'for…in enumerates keys in insertion order, inherited ones included; iterate ' +
      'Object.keys(o).sort() instead',
  );
}

/**
 * The places where a Map, a Set or one of their iterators is iterated: for…of, spread, `forEach`,
 * array destructuring, `yield*`, and arguments passed where an `Iterable` is expected.
 */
export function checkIterationSite(ctx: FileContext, node: ts.Node): void {
  if (ts.isForOfStatement(node)) {
    if (isUnordered(ctx, node.expression)) {
      ctx.report(
        node.expression,
        'ZS_UNORDERED_ITERATION',
        `for…of over a Map or Set follows insertion order; ${FIX}`,
      );
    }
  } else if (ts.isSpreadElement(node)) {
    checkSpread(ctx, node);
  } else if (ts.isCallExpression(node) || ts.isNewExpression(node)) {
    checkCall(ctx, node);
  } else if (ts.isVariableDeclaration(node)) {
    if (
      ts.isArrayBindingPattern(node.name) &&
      node.initializer !== undefined &&
      isUnordered(ctx, node.initializer)
    ) {
      ctx.report(
        node.initializer,
        'ZS_UNORDERED_ITERATION',
        `destructuring a Map or Set takes elements in insertion order; ${FIX}`,
      );
    }
  } else if (ts.isBinaryExpression(node)) {
    if (
      node.operatorToken.kind === ts.SyntaxKind.EqualsToken &&
      ts.isArrayLiteralExpression(node.left) &&
      isUnordered(ctx, node.right)
    ) {
      ctx.report(
        node.right,
        'ZS_UNORDERED_ITERATION',
        `destructuring a Map or Set takes elements in insertion order; ${FIX}`,
      );
    }
  } else if (ts.isYieldExpression(node)) {
    if (
      node.asteriskToken !== undefined &&
      node.expression !== undefined &&
      isUnordered(ctx, node.expression)
    ) {
      ctx.report(
        node.expression,
        'ZS_UNORDERED_ITERATION',
        `yield* over a Map or Set follows insertion order; ${FIX}`,
      );
    }
  }
}

function checkSpread(ctx: FileContext, node: ts.SpreadElement): void {
  if (!isUnordered(ctx, node.expression)) return;
  const parent = node.parent;
  if (ts.isArrayLiteralExpression(parent) && isOrderFixedInExpression(ctx, parent)) return;
  ctx.report(
    node.expression,
    'ZS_UNORDERED_ITERATION',
    `spreading a Map or Set follows insertion order; ${FIX}`,
  );
}

function checkCall(ctx: FileContext, node: ts.CallExpression | ts.NewExpression): void {
  const callee = node.expression;
  if (
    ts.isCallExpression(node) &&
    ts.isPropertyAccessExpression(callee) &&
    callee.name.text === 'forEach' &&
    isUnordered(ctx, callee.expression)
  ) {
    ctx.report(
      callee.expression,
      'ZS_UNORDERED_ITERATION',
      `forEach on a Map or Set follows insertion order; ${FIX}`,
    );
    return;
  }
  // A Map or Set handed to a parameter typed as a plain Iterable will be iterated by the callee.
  if (isOrderPreservingSink(ctx, node)) return;
  for (const argument of node.arguments ?? []) {
    if (ts.isSpreadElement(argument) || !isUnordered(ctx, argument)) continue;
    const expected = ctx.checker.getContextualType(argument);
    if (expected === undefined || !expectsIterable(ctx, expected)) continue;
    ctx.report(
      argument,
      'ZS_UNORDERED_ITERATION',
      `a Map or Set passed as an Iterable is iterated in insertion order by the callee; ${FIX}`,
    );
  }
}

/** `new Map(m)`, `new Set(s)`, `Array.from(s)` (checked on its own), `Object.fromEntries(m)`. */
function isOrderPreservingSink(
  ctx: FileContext,
  node: ts.CallExpression | ts.NewExpression,
): boolean {
  const callee = node.expression;
  if (ts.isNewExpression(node)) return isGlobalNamed(ctx, callee, ['Map', 'Set']);
  if (!ts.isPropertyAccessExpression(callee)) return false;
  const name = callee.name.text;
  return (
    (name === 'from' && isGlobalNamed(ctx, callee.expression, ['Array'])) ||
    (name === 'fromEntries' && isGlobalNamed(ctx, callee.expression, ['Object']))
  );
}

function expectsIterable(ctx: FileContext, type: ts.Type): boolean {
  if (type.isUnion()) return type.types.some((t) => expectsIterable(ctx, t));
  if (isUnorderedType(ctx, type)) return false;
  return isLibraryTypeNamed(ctx, type, ITERABLE_TYPES);
}
