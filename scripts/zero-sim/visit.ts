/**
 * Walks one source file once and hands every node to the rules that care about its kind.
 * @module
 */
import ts from 'typescript';
import { isLibrarySymbol, type FileContext } from './context';
import { checkIdentifier, checkModuleDeclaration, moduleLocalsOf } from './globals';
import { checkForIn, checkIterationSite } from './iteration';
import { checkBinaryOperator, checkNumericLiteral, checkUnaryPlus } from './numbers';

const LOCALE_METHODS: ReadonlySet<string> = new Set([
  'localeCompare',
  'toLocaleString',
  'toLocaleDateString',
  'toLocaleTimeString',
  'toLocaleUpperCase',
  'toLocaleLowerCase',
]);

/** Runs every rule over `ctx.sourceFile`; findings go to `ctx.report`. */
export function checkSourceFile(ctx: FileContext): void {
  const file = ctx.sourceFile;
  for (const diagnostic of ctx.program.getSyntacticDiagnostics(file)) {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ');
    ctx.report(diagnostic.start ?? 0, 'ZS_SYNTAX_ERROR', `cannot parse: ${message}`);
  }
  const moduleLocals = moduleLocalsOf(file);
  const visit = (node: ts.Node): void => {
    checkNode(ctx, node, moduleLocals);
    ts.forEachChild(node, visit);
  };
  visit(file);
}

function checkNode(ctx: FileContext, node: ts.Node, moduleLocals: ReadonlySet<string>): void {
  switch (node.kind) {
    case ts.SyntaxKind.Identifier:
      checkIdentifier(ctx, node as ts.Identifier, moduleLocals);
      return;
    case ts.SyntaxKind.NumericLiteral:
      checkNumericLiteral(ctx, node as ts.NumericLiteral);
      return;
    case ts.SyntaxKind.AnyKeyword:
      ctx.report(
        node,
        'ZS_ANY',
        'any switches off the type information determinism depends on; use unknown or a precise type',
      );
      return;
    case ts.SyntaxKind.ForInStatement:
      checkForIn(ctx, node as ts.ForInStatement);
      return;
    case ts.SyntaxKind.BinaryExpression:
      checkBinaryOperator(ctx, node as ts.BinaryExpression);
      checkIterationSite(ctx, node);
      return;
    case ts.SyntaxKind.PrefixUnaryExpression:
      checkUnaryPlus(ctx, node as ts.PrefixUnaryExpression);
      return;
    case ts.SyntaxKind.PropertyAccessExpression:
      checkLocaleMethod(ctx, node as ts.PropertyAccessExpression);
      return;
    case ts.SyntaxKind.ImportDeclaration:
    case ts.SyntaxKind.ExportDeclaration:
    case ts.SyntaxKind.ImportEqualsDeclaration:
      checkModuleDeclaration(ctx, node);
      return;
    case ts.SyntaxKind.CallExpression:
      if ((node as ts.CallExpression).expression.kind === ts.SyntaxKind.ImportKeyword) {
        ctx.report(
          node,
          'ZS_DYNAMIC_IMPORT',
          'import() loads code chosen at run time; use a static import',
        );
        return;
      }
      checkIterationSite(ctx, node);
      return;
    case ts.SyntaxKind.ForOfStatement:
    case ts.SyntaxKind.SpreadElement:
    case ts.SyntaxKind.NewExpression:
    case ts.SyntaxKind.VariableDeclaration:
    case ts.SyntaxKind.YieldExpression:
      checkIterationSite(ctx, node);
      return;
    default:
      return;
  }
}

/** ZS_LOCALE for `localeCompare` and the `toLocale*` methods of the built-in types. */
function checkLocaleMethod(ctx: FileContext, node: ts.PropertyAccessExpression): void {
  const name = node.name.text;
  if (!LOCALE_METHODS.has(name)) return;
  const symbol = ctx.checker.getSymbolAtLocation(node.name);
  if (symbol !== undefined && !isLibrarySymbol(ctx.program, symbol)) return;
  ctx.report(
    node.name,
    'ZS_LOCALE',
    `${name} depends on the host locale and ICU version; compare code units`,
  );
}
