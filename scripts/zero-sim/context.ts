/**
 * What every rule sees while it walks one file: the program, its type checker, the file, and a
 * `report` that records a finding. Shared helpers for resolving names to their origin (a global of
 * the host, a module import, or a local declaration) live here too.
 * @module
 */
import ts from 'typescript';
import type { RuleId } from './rules';

/** A finding before exception comments are applied: offsets, not lines. */
export type Finding = {
  readonly rule: RuleId;
  /** Character offset of the reported node's first token. */
  readonly start: number;
  readonly message: string;
};

/** The program and its type checker: what name resolution needs. */
export type TypeInfo = {
  readonly program: ts.Program;
  readonly checker: ts.TypeChecker;
};

/** The per-file state handed to every rule. */
export type FileContext = TypeInfo & {
  readonly sourceFile: ts.SourceFile;
  /** Records a finding at the first token of `at` (a node) or at an offset. */
  report(at: ts.Node | number, rule: RuleId, message: string): void;
  /** True when `expr` provably evaluates to an integer number (see integers.ts). */
  isProvenInteger(expr: ts.Expression): boolean;
};

/**
 * A member path such as `Math.random`: the names and, for each prefix, the node that denotes it
 * (`nodes[0]` is the root identifier). A binding element stands for a destructured member
 * (`const { random } = Math`).
 */
export type Access = {
  readonly names: readonly string[];
  readonly nodes: readonly ts.Node[];
};

/** Where to report an access: a destructured member where it is named, otherwise at its root. */
export function reportNode(access: Access): ts.Node | undefined {
  const last = access.nodes[access.nodes.length - 1];
  return last !== undefined && ts.isBindingElement(last) ? last : access.nodes[0];
}

/** Where a name comes from. */
export type Origin =
  | { readonly kind: 'global'; readonly name: string }
  | { readonly kind: 'module'; readonly module: string; readonly member: string | undefined }
  | { readonly kind: 'local' };

const NODE_MODULES = /[\\/]node_modules[\\/]/;

/** True for TypeScript's default libraries and declaration files of installed packages. */
export function isLibraryFile(program: ts.Program, file: ts.SourceFile): boolean {
  return (
    program.isSourceFileDefaultLibrary(file) ||
    program.isSourceFileFromExternalLibrary(file) ||
    (file.isDeclarationFile && NODE_MODULES.test(file.fileName))
  );
}

/** True when some declaration of `symbol` comes from a library (the host's globals, lib.d.ts). */
export function isLibrarySymbol(program: ts.Program, symbol: ts.Symbol): boolean {
  const declarations = symbol.declarations ?? [];
  return declarations.some((d) => isLibraryFile(program, d.getSourceFile()));
}

/** Strips `node:` so that `node:fs` and `fs` are one module. */
export function normalizeModule(specifier: string): string {
  return specifier.startsWith('node:') ? specifier.slice('node:'.length) : specifier;
}

/** True when `node` is a call `require('literal')`. */
export function requiredModule(node: ts.Node): string | undefined {
  if (!ts.isCallExpression(node)) return undefined;
  if (!ts.isIdentifier(node.expression) || node.expression.text !== 'require') return undefined;
  const [first] = node.arguments;
  return node.arguments.length === 1 && first !== undefined && ts.isStringLiteralLike(first)
    ? first.text
    : undefined;
}

function moduleOfImport(declaration: ts.Declaration): Origin | undefined {
  if (ts.isImportSpecifier(declaration)) {
    const spec = declaration.parent.parent.parent.moduleSpecifier;
    if (!ts.isStringLiteralLike(spec)) return undefined;
    const member = (declaration.propertyName ?? declaration.name).text;
    return { kind: 'module', module: normalizeModule(spec.text), member };
  }
  if (ts.isNamespaceImport(declaration) || ts.isImportClause(declaration)) {
    const importDecl = ts.isNamespaceImport(declaration)
      ? declaration.parent.parent
      : declaration.parent;
    const spec = importDecl.moduleSpecifier;
    if (!ts.isStringLiteralLike(spec)) return undefined;
    return { kind: 'module', module: normalizeModule(spec.text), member: undefined };
  }
  if (
    ts.isImportEqualsDeclaration(declaration) &&
    ts.isExternalModuleReference(declaration.moduleReference) &&
    ts.isStringLiteralLike(declaration.moduleReference.expression)
  ) {
    const spec = declaration.moduleReference.expression.text;
    return { kind: 'module', module: normalizeModule(spec), member: undefined };
  }
  return undefined;
}

/**
 * Resolves an identifier to its origin. A name the checker cannot resolve is treated as a global
 * (the conservative choice: an unresolved `process` is still the host's `process`).
 */
export function originOf(ctx: TypeInfo, id: ts.Identifier): Origin {
  const symbol = ts.isShorthandPropertyAssignment(id.parent)
    ? ctx.checker.getShorthandAssignmentValueSymbol(id.parent)
    : ctx.checker.getSymbolAtLocation(id);
  if (symbol === undefined) return { kind: 'global', name: id.text };
  const declarations = symbol.declarations ?? [];
  if (symbol.flags & ts.SymbolFlags.Alias) {
    for (const declaration of declarations) {
      const origin = moduleOfImport(declaration);
      if (origin !== undefined) return origin;
    }
    return { kind: 'local' };
  }
  const [first] = declarations;
  if (first === undefined) return { kind: 'global', name: id.text };
  if (ts.isVariableDeclaration(first) && first.initializer !== undefined) {
    const required = requiredModule(first.initializer);
    if (required !== undefined) {
      return { kind: 'module', module: normalizeModule(required), member: undefined };
    }
  }
  return isLibrarySymbol(ctx.program, symbol)
    ? { kind: 'global', name: id.text }
    : { kind: 'local' };
}

/** Skips parentheses, type assertions, `!` and `satisfies` around an expression. */
export function skipOuter(node: ts.Expression): ts.Expression {
  let current = node;
  for (;;) {
    if (
      ts.isParenthesizedExpression(current) ||
      ts.isAsExpression(current) ||
      ts.isTypeAssertionExpression(current) ||
      ts.isNonNullExpression(current) ||
      ts.isSatisfiesExpression(current)
    ) {
      current = current.expression;
    } else {
      return current;
    }
  }
}

/** The outermost expression that is `node` wrapped in parentheses, assertions, `!`, `satisfies`. */
export function climbOuter(node: ts.Expression): ts.Expression {
  let current: ts.Expression = node;
  for (;;) {
    const parent = current.parent;
    if (
      ts.isParenthesizedExpression(parent) ||
      ts.isAsExpression(parent) ||
      ts.isTypeAssertionExpression(parent) ||
      ts.isNonNullExpression(parent) ||
      ts.isSatisfiesExpression(parent)
    ) {
      current = parent;
    } else {
      return current;
    }
  }
}

/** The call or `new` whose callee is `node` (looking through parentheses), if any. */
export function invocationOf(
  node: ts.Expression,
): ts.CallExpression | ts.NewExpression | undefined {
  const outer = climbOuter(node);
  const parent = outer.parent;
  if ((ts.isCallExpression(parent) || ts.isNewExpression(parent)) && parent.expression === outer) {
    return parent;
  }
  return undefined;
}

/** True when the type is (certainly) bigint: every union member, or some intersection member. */
export function isBigIntType(checker: ts.TypeChecker, type: ts.Type): boolean {
  if (type.flags & ts.TypeFlags.BigIntLike) return true;
  if (type.isUnion()) return type.types.every((t) => isBigIntType(checker, t));
  if (type.isIntersection()) return type.types.some((t) => isBigIntType(checker, t));
  if (type.flags & ts.TypeFlags.TypeParameter) {
    const constraint = checker.getBaseConstraintOfType(type);
    return constraint !== undefined && constraint !== type && isBigIntType(checker, constraint);
  }
  return false;
}

/** True when the type is (certainly) number. */
export function isNumberType(checker: ts.TypeChecker, type: ts.Type): boolean {
  if (type.flags & ts.TypeFlags.NumberLike) return true;
  if (type.isUnion()) return type.types.every((t) => isNumberType(checker, t));
  if (type.isIntersection()) return type.types.some((t) => isNumberType(checker, t));
  if (type.flags & ts.TypeFlags.TypeParameter) {
    const constraint = checker.getBaseConstraintOfType(type);
    return constraint !== undefined && constraint !== type && isNumberType(checker, constraint);
  }
  return false;
}
