/**
 * Rules about names: globals of the host (`Date`, `process`, `Math`, `JSON.stringify`, …), modules
 * that must not be imported, and random APIs reached through a module import. Every name is
 * resolved with the type checker first, so a local variable that happens to be called `Date` is not
 * the host's `Date`, and an aliased import (`import { randomBytes as rb }`) is still found.
 * @module
 */
import ts from 'typescript';
import {
  invocationOf,
  normalizeModule,
  originOf,
  reportNode,
  requiredModule,
  type Access,
  type FileContext,
} from './context';
import { checkMath, checkNumberGlobal } from './numbers';
import { checkArrayFrom, checkUnorderedKeys } from './iteration';
import type { RuleId } from './rules';

type Handler = (ctx: FileContext, access: Access) => void;
type Entry = { readonly rule: RuleId; readonly message: string } | { readonly handler: Handler };

function flag(rule: RuleId, message: string): Entry {
  return { rule, message };
}

const CLOCK = (what: string): Entry =>
  flag('ZS_CLOCK', `${what} reads the clock; the core takes time only from the DRV packet`);
const TIMER = (what: string): Entry =>
  flag('ZS_TIMER', `${what} schedules work on the event loop; the core runs synchronously`);
const RANDOM = (what: string): Entry =>
  flag('ZS_RANDOM', `${what} is not reproducible; entropy comes from the DRV packet seed`);
const FLOAT = (what: string): Entry =>
  flag('ZS_FLOAT_LITERAL', `${what} is a non-integer number; values are bigint fixed point`);
const UNORDERED: Entry = { handler: checkUnorderedKeys };

/** Globals of the host, matched by longest prefix of the member path. */
const GLOBALS: ReadonlyMap<string, Entry> = new Map<string, Entry>([
  [
    'Date',
    flag(
      'ZS_CLOCK',
      'Date reads the wall clock and formats in the host time zone; use the DRV packet timestamp',
    ),
  ],
  ['performance', CLOCK('performance')],
  ['process.hrtime', CLOCK('process.hrtime')],
  ['process.uptime', CLOCK('process.uptime')],
  ['process.cpuUsage', CLOCK('process.cpuUsage')],
  ['process.nextTick', TIMER('process.nextTick')],
  [
    'process.env',
    flag('ZS_ENV', 'process.env reads the host environment; pass configuration in as arguments'),
  ],
  ['process', flag('ZS_ENV', 'process is the host environment; the core must not depend on it')],
  ['__dirname', flag('ZS_ENV', '__dirname depends on where the code is installed')],
  ['__filename', flag('ZS_ENV', '__filename depends on where the code is installed')],
  ['setTimeout', TIMER('setTimeout')],
  ['setInterval', TIMER('setInterval')],
  ['setImmediate', TIMER('setImmediate')],
  ['queueMicrotask', TIMER('queueMicrotask')],
  ['Math.random', RANDOM('Math.random')],
  ['crypto.getRandomValues', RANDOM('crypto.getRandomValues')],
  ['crypto.randomUUID', RANDOM('crypto.randomUUID')],
  ['crypto.subtle.generateKey', RANDOM('crypto.subtle.generateKey')],
  ['Buffer.allocUnsafe', RANDOM('Buffer.allocUnsafe (uninitialised memory)')],
  ['Buffer.allocUnsafeSlow', RANDOM('Buffer.allocUnsafeSlow (uninitialised memory)')],
  ['Math', { handler: checkMath }],
  ['Number', { handler: checkNumberGlobal }],
  [
    'parseFloat',
    flag(
      'ZS_PARSE_FLOAT',
      'parseFloat parses into a binary float; parse decimals with runtime/math',
    ),
  ],
  [
    'Number.parseFloat',
    flag('ZS_PARSE_FLOAT', 'Number.parseFloat parses into a binary float; parse with runtime/math'),
  ],
  ['NaN', FLOAT('NaN')],
  ['Infinity', FLOAT('Infinity')],
  ['Number.EPSILON', FLOAT('Number.EPSILON')],
  ['Number.MAX_VALUE', FLOAT('Number.MAX_VALUE')],
  ['Number.MIN_VALUE', FLOAT('Number.MIN_VALUE')],
  ['Number.NaN', FLOAT('Number.NaN')],
  ['Number.POSITIVE_INFINITY', FLOAT('Number.POSITIVE_INFINITY')],
  ['Number.NEGATIVE_INFINITY', FLOAT('Number.NEGATIVE_INFINITY')],
  [
    'JSON.stringify',
    flag(
      'ZS_JSON_STRINGIFY',
      'JSON.stringify orders keys by insertion and cannot encode bigint; use runtime/codec',
    ),
  ],
  ['eval', flag('ZS_EVAL', 'eval runs code built at run time, which cannot be checked')],
  ['Function', { handler: checkFunctionConstructor }],
  [
    'fetch',
    flag('ZS_FETCH', 'fetch reads the network; the node fetches and records, the core judges'),
  ],
  ['XMLHttpRequest', flag('ZS_FETCH', 'XMLHttpRequest reads the network')],
  ['WebSocket', flag('ZS_FETCH', 'WebSocket reads the network')],
  ['EventSource', flag('ZS_FETCH', 'EventSource reads the network')],
  [
    'console',
    flag('ZS_CONSOLE', 'console is I/O; the core returns values and throws coded errors'),
  ],
  ['Intl', flag('ZS_LOCALE', 'Intl depends on the host locale and ICU version')],
  ['WeakRef', flag('ZS_WEAK_REF', 'WeakRef observes the garbage collector')],
  [
    'FinalizationRegistry',
    flag('ZS_WEAK_REF', 'FinalizationRegistry observes the garbage collector'),
  ],
  ['Object.keys', UNORDERED],
  ['Object.values', UNORDERED],
  ['Object.entries', UNORDERED],
  ['Object.getOwnPropertyNames', UNORDERED],
  ['Object.getOwnPropertySymbols', UNORDERED],
  ['Reflect.ownKeys', UNORDERED],
  ['Array.from', { handler: checkArrayFrom }],
  ['require', { handler: checkRequire }],
]);

/** Names of the global object; `globalThis.Date` is `Date`. */
const GLOBAL_OBJECTS: ReadonlySet<string> = new Set(['globalThis', 'global', 'window', 'self']);

/** Root names worth resolving: everything else cannot reach a forbidden global. */
const ROOT_NAMES: ReadonlySet<string> = new Set([
  ...[...GLOBALS.keys()].map((key) => key.split('.')[0] ?? key),
  ...GLOBAL_OBJECTS,
]);

/** Modules the core must not import, by normalised specifier (a prefix matches subpaths). */
const MODULES: ReadonlyMap<string, RuleId> = new Map<string, RuleId>([
  ...[
    'fs',
    'net',
    'http',
    'https',
    'http2',
    'dgram',
    'dns',
    'tls',
    'child_process',
    'cluster',
    'worker_threads',
    'os',
    'readline',
    'repl',
    'tty',
    'inspector',
    'v8',
    'better-sqlite3',
    'fastify',
    '@fastify',
    'pino',
    'piscina',
    'prom-client',
    'undici',
    'ws',
    'axios',
    'node-fetch',
  ].map((m): [string, RuleId] => [m, 'ZS_IO_IMPORT']),
  ['process', 'ZS_ENV'],
  ['perf_hooks', 'ZS_CLOCK'],
  ['timers', 'ZS_TIMER'],
  ['vm', 'ZS_EVAL'],
  ['module', 'ZS_DYNAMIC_IMPORT'],
  ['uuid', 'ZS_RANDOM'],
  ['nanoid', 'ZS_RANDOM'],
]);

const MODULE_WHY: Readonly<Record<string, string>> = {
  ZS_IO_IMPORT: 'does I/O; the core is pure and the node does the reading and writing',
  ZS_ENV: 'is the host environment',
  ZS_CLOCK: 'reads the clock',
  ZS_TIMER: 'schedules work on the event loop',
  ZS_EVAL: 'runs code built at run time',
  ZS_DYNAMIC_IMPORT: 'loads code chosen at run time',
  ZS_RANDOM: 'produces random values',
};

/** Exports that produce randomness, in `crypto` and in the `@noble/*` utilities. */
const RANDOM_EXPORTS: ReadonlySet<string> = new Set([
  'randomBytes',
  'randomFill',
  'randomFillSync',
  'randomInt',
  'randomUUID',
  'getRandomValues',
  'generateKey',
  'generateKeySync',
  'generateKeyPair',
  'generateKeyPairSync',
  'generatePrime',
  'generatePrimeSync',
]);

function isRandomCapableModule(module: string): boolean {
  return module === 'crypto' || module.startsWith('crypto/') || module.startsWith('@noble/');
}

/** The rule that forbids importing `specifier`, if any. */
export function forbiddenModuleRule(specifier: string): RuleId | undefined {
  const module = normalizeModule(specifier);
  for (const [key, rule] of MODULES) {
    if (module === key || module.startsWith(`${key}/`)) return rule;
  }
  return undefined;
}

/** Reports an import of `specifier` (at `node`) when the module is forbidden. */
export function checkModuleSpecifier(ctx: FileContext, specifier: string, node: ts.Node): void {
  const rule = forbiddenModuleRule(specifier);
  if (rule === undefined) return;
  ctx.report(node, rule, `module '${specifier}' ${MODULE_WHY[rule] ?? 'is forbidden in the core'}`);
}

/** Import, export-from and `import x = require()` declarations. */
export function checkModuleDeclaration(ctx: FileContext, node: ts.Node): void {
  if (ts.isImportDeclaration(node)) {
    if (node.importClause?.isTypeOnly === true || !ts.isStringLiteralLike(node.moduleSpecifier)) {
      return;
    }
    const clause = node.importClause;
    const bindings = clause?.namedBindings;
    const onlyTypes =
      clause !== undefined &&
      clause.name === undefined &&
      bindings !== undefined &&
      ts.isNamedImports(bindings) &&
      bindings.elements.length > 0 &&
      bindings.elements.every((e) => e.isTypeOnly);
    if (onlyTypes) return;
    checkModuleSpecifier(ctx, node.moduleSpecifier.text, node.moduleSpecifier);
    if (bindings !== undefined && ts.isNamedImports(bindings)) {
      checkRandomSpecifiers(ctx, node.moduleSpecifier.text, bindings.elements);
    }
  } else if (ts.isExportDeclaration(node)) {
    if (node.isTypeOnly || node.moduleSpecifier === undefined) return;
    if (!ts.isStringLiteralLike(node.moduleSpecifier)) return;
    const specifier = node.moduleSpecifier.text;
    checkModuleSpecifier(ctx, specifier, node.moduleSpecifier);
    const clause = node.exportClause;
    if (clause !== undefined && ts.isNamedExports(clause)) {
      checkRandomSpecifiers(ctx, specifier, clause.elements);
    } else if (isRandomCapableModule(normalizeModule(specifier))) {
      ctx.report(
        node.moduleSpecifier,
        'ZS_RANDOM',
        `export * from '${specifier}' re-exports its random APIs`,
      );
    }
  } else if (
    ts.isImportEqualsDeclaration(node) &&
    !node.isTypeOnly &&
    ts.isExternalModuleReference(node.moduleReference) &&
    ts.isStringLiteralLike(node.moduleReference.expression)
  ) {
    const literal = node.moduleReference.expression;
    checkModuleSpecifier(ctx, literal.text, literal);
  }
}

function checkRandomSpecifiers(
  ctx: FileContext,
  specifier: string,
  elements: ts.NodeArray<ts.ImportSpecifier | ts.ExportSpecifier>,
): void {
  if (!isRandomCapableModule(normalizeModule(specifier))) return;
  for (const element of elements) {
    const imported = (element.propertyName ?? element.name).text;
    if (!element.isTypeOnly && RANDOM_EXPORTS.has(imported)) {
      ctx.report(
        element,
        'ZS_RANDOM',
        `${imported} from '${specifier}' is not reproducible; entropy comes from the DRV packet seed`,
      );
    }
  }
}

/** True when `id` names something (a property, a declaration, a label) rather than referring to it. */
function isNamePosition(id: ts.Identifier): boolean {
  const parent = id.parent;
  if (ts.isShorthandPropertyAssignment(parent)) return false;
  if (ts.isQualifiedName(parent)) return parent.right === id;
  if (ts.isLabeledStatement(parent) || ts.isBreakOrContinueStatement(parent)) {
    return parent.label === id;
  }
  if (ts.isImportSpecifier(parent) || ts.isExportSpecifier(parent) || ts.isBindingElement(parent)) {
    return parent.propertyName === id || parent.name === id;
  }
  return (parent as { name?: ts.Node }).name === id;
}

/** The member path starting at identifier `root`: `globalThis.Math['random']` → 3 names. */
function memberAccess(root: ts.Identifier): { access: Access; dynamic: ts.Node | undefined } {
  const names: string[] = [root.text];
  const nodes: ts.Node[] = [root];
  let current: ts.Expression = root;
  for (;;) {
    const outer = climbParens(current);
    const parent = outer.parent;
    if (ts.isPropertyAccessExpression(parent) && parent.expression === outer) {
      names.push(parent.name.text);
    } else if (ts.isElementAccessExpression(parent) && parent.expression === outer) {
      const argument = parent.argumentExpression;
      if (!ts.isStringLiteralLike(argument)) return { access: { names, nodes }, dynamic: parent };
      names.push(argument.text);
    } else {
      return { access: { names, nodes }, dynamic: undefined };
    }
    nodes.push(parent);
    current = parent;
  }
}

function climbParens(node: ts.Expression): ts.Expression {
  let current = node;
  while (ts.isParenthesizedExpression(current.parent) || ts.isNonNullExpression(current.parent)) {
    current = current.parent;
  }
  return current;
}

/** `const { random } = Math` and friends: one access per destructured member. */
function destructured(access: Access): Access[] {
  const last = access.nodes[access.nodes.length - 1];
  if (last === undefined) return [];
  const declaration = last.parent;
  if (!ts.isVariableDeclaration(declaration) || declaration.initializer !== last) return [];
  if (!ts.isObjectBindingPattern(declaration.name)) return [];
  const out: Access[] = [];
  for (const element of declaration.name.elements) {
    const key = element.propertyName ?? element.name;
    if (
      element.dotDotDotToken !== undefined ||
      !(ts.isIdentifier(key) || ts.isStringLiteralLike(key))
    ) {
      out.push(access);
      continue;
    }
    out.push({ names: [...access.names, key.text], nodes: [...access.nodes, element] });
  }
  return out;
}

/** The entry of the longest prefix of `names` in the table. */
function lookup(names: readonly string[]): Entry | undefined {
  for (let depth = names.length; depth >= 1; depth--) {
    const entry = GLOBALS.get(names.slice(0, depth).join('.'));
    if (entry !== undefined) return entry;
  }
  return undefined;
}

function apply(ctx: FileContext, access: Access): void {
  const entry = lookup(access.names);
  if (entry === undefined) return;
  if ('handler' in entry) {
    entry.handler(ctx, access);
    return;
  }
  // A destructured member is reported where it is named; anything else at its root.
  const at = reportNode(access);
  if (at !== undefined) ctx.report(at, entry.rule, entry.message);
}

/**
 * Checks one identifier in a reference position: resolves it and applies the global table (for
 * globals) or the random-API rule (for imports of `crypto` and `@noble/*`).
 * @param moduleLocals - names bound in this file by imports of random-capable modules
 */
export function checkIdentifier(
  ctx: FileContext,
  id: ts.Identifier,
  moduleLocals: ReadonlySet<string>,
): void {
  if (!ROOT_NAMES.has(id.text) && !moduleLocals.has(id.text)) return;
  if (isNamePosition(id)) return;
  const origin = originOf(ctx, id);
  if (origin.kind === 'local') return;
  const { access, dynamic } = memberAccess(id);
  const parts = destructured(access);
  const accesses = parts.length > 0 ? parts : [access];
  if (origin.kind === 'module') {
    if (!isRandomCapableModule(origin.module)) return;
    for (const each of accesses) {
      const random = each.names.slice(1).find((m) => RANDOM_EXPORTS.has(m));
      if (random === undefined) continue;
      ctx.report(
        reportNode(each) ?? id,
        'ZS_RANDOM',
        `${random} is not reproducible; entropy comes from the DRV packet seed`,
      );
    }
    return;
  }
  if (!GLOBAL_OBJECTS.has(origin.name)) {
    checkGlobal(ctx, accesses, dynamic);
    return;
  }
  // `globalThis.Date.now()` is `Date.now()`; the node of `Date` is `globalThis.Date`, which starts
  // where `globalThis` does, so that is where it is reported.
  const inner: Access[] = [];
  for (const each of accesses) {
    if (each.names.length > 1) {
      inner.push({ names: each.names.slice(1), nodes: each.nodes.slice(1) });
      continue;
    }
    const why =
      dynamic !== undefined
        ? 'a computed member of the global object'
        : 'the global object as a value';
    ctx.report(id, 'ZS_EVAL', `${why} hides which global is used, so it cannot be checked`);
  }
  checkGlobal(ctx, inner, dynamic);
}

/** Applies the table to each access; a computed member of a listed global is ZS_EVAL. */
function checkGlobal(
  ctx: FileContext,
  accesses: readonly Access[],
  dynamic: ts.Node | undefined,
): void {
  for (const each of accesses) {
    if (dynamic !== undefined && lookup(each.names) === undefined && hasListedMembers(each.names)) {
      const [root] = each.nodes;
      const name = each.names.join('.');
      if (root !== undefined) {
        ctx.report(root, 'ZS_EVAL', `a computed member of ${name} hides which member is used`);
      }
      continue;
    }
    apply(ctx, each);
  }
}

/** True when the table lists members below `names` (`JSON` has `JSON.stringify`). */
function hasListedMembers(names: readonly string[]): boolean {
  const prefix = `${names.join('.')}.`;
  for (const key of GLOBALS.keys()) if (key.startsWith(prefix)) return true;
  return false;
}

/** Names bound in `file` by imports (or `require`) of `crypto` and `@noble/*` modules. */
export function moduleLocalsOf(file: ts.SourceFile): ReadonlySet<string> {
  const out = new Set<string>();
  const capable = (specifier: string): boolean => isRandomCapableModule(normalizeModule(specifier));
  for (const statement of file.statements) {
    if (ts.isImportDeclaration(statement) && ts.isStringLiteralLike(statement.moduleSpecifier)) {
      if (!capable(statement.moduleSpecifier.text)) continue;
      const clause = statement.importClause;
      if (clause?.name !== undefined) out.add(clause.name.text);
      const bindings = clause?.namedBindings;
      if (bindings !== undefined && ts.isNamespaceImport(bindings)) out.add(bindings.name.text);
      if (bindings !== undefined && ts.isNamedImports(bindings)) {
        for (const element of bindings.elements) out.add(element.name.text);
      }
    } else if (
      ts.isImportEqualsDeclaration(statement) &&
      ts.isExternalModuleReference(statement.moduleReference) &&
      ts.isStringLiteralLike(statement.moduleReference.expression) &&
      capable(statement.moduleReference.expression.text)
    ) {
      out.add(statement.name.text);
    }
  }
  // `const c = require('crypto')` may sit anywhere, not only at the top level.
  if (file.text.includes('require')) {
    const visit = (node: ts.Node): void => {
      if (
        ts.isVariableDeclaration(node) &&
        ts.isIdentifier(node.name) &&
        node.initializer !== undefined
      ) {
        const required = requiredModule(node.initializer);
        if (required !== undefined && capable(required)) out.add(node.name.text);
      }
      ts.forEachChild(node, visit);
    };
    visit(file);
  }
  return out;
}

/** ZS_EVAL for `Function(code)` and `new Function(code)`; `Function` as a type is fine. */
function checkFunctionConstructor(ctx: FileContext, access: Access): void {
  const [root] = access.nodes;
  if (root === undefined || access.names.length !== 1 || ts.isBindingElement(root)) return;
  if (invocationOf(root as ts.Expression) !== undefined) {
    ctx.report(root, 'ZS_EVAL', 'the Function constructor compiles code built at run time');
  }
}

/** `require('literal')` is an import (checked like one); any other use of `require` is dynamic. */
function checkRequire(ctx: FileContext, access: Access): void {
  const [root] = access.nodes;
  if (root === undefined) return;
  const call =
    access.names.length === 1 && !ts.isBindingElement(root)
      ? invocationOf(root as ts.Expression)
      : undefined;
  if (call !== undefined && ts.isCallExpression(call)) {
    const specifier = requiredModule(call);
    const [argument] = call.arguments;
    if (specifier !== undefined && argument !== undefined) {
      checkModuleSpecifier(ctx, specifier, argument);
      return;
    }
  }
  ctx.report(
    root,
    'ZS_DYNAMIC_IMPORT',
    'require with a computed argument, or used as a value, loads code chosen at run time',
  );
}
