/**
 * The zero-simulation checker: builds one TypeScript program over the files to check (their imports
 * are resolved for types but not checked), runs every rule over each file, and applies the
 * `// zero-sim-allow` exceptions. DESIGN.md §5; issue 3.
 * @module
 */
import path from 'node:path';
import ts from 'typescript';
import { collectAllowComments, type AllowComment } from './allow';
import type { FileContext, Finding } from './context';
import { createIntegerProver } from './integers';
import { ALLOWABLE_RULE_IDS, isRuleId, type RuleId } from './rules';
import { checkSourceFile } from './visit';

/** A violation at a 1-based line and column (UTF-16 code units, as editors and tsc count). */
export type Violation = {
  readonly rule: RuleId;
  /** Path relative to the root, with `/` separators. */
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly message: string;
};

/** A violation excepted by a `// zero-sim-allow` comment, with its reason. */
export type Exception = Violation & { readonly reason: string };

/** The outcome of a run. */
export type CheckResult = {
  /** Checked files, relative to the root, sorted. */
  readonly files: readonly string[];
  readonly violations: readonly Violation[];
  readonly exceptions: readonly Exception[];
};

/** Options of a run. */
export type CheckOptions = {
  /** Paths in the report are relative to this directory; its tsconfig.json (if any) is used. */
  readonly root: string;
};

const DEFAULT_COMPILER_OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  lib: ['lib.es2022.d.ts'],
  module: ts.ModuleKind.CommonJS,
  moduleResolution: ts.ModuleResolutionKind.Node10,
  strict: true,
  esModuleInterop: true,
  types: ['node'],
};

/** Compiler options: the root's tsconfig.json when it has one, otherwise strict ES2022 defaults. */
export function compilerOptionsFor(root: string): ts.CompilerOptions {
  const configPath = path.join(root, 'tsconfig.json');
  let options = DEFAULT_COMPILER_OPTIONS;
  if (ts.sys.fileExists(configPath)) {
    const read = ts.readConfigFile(configPath, (p) => ts.sys.readFile(p));
    if (read.error !== undefined) {
      throw new Error(
        `${configPath}: ${ts.flattenDiagnosticMessageText(read.error.messageText, ' ')}`,
      );
    }
    options = ts.parseJsonConfigFileContent(
      read.config,
      ts.sys,
      root,
      undefined,
      configPath,
    ).options;
  }
  // Only what the rules need: parse, resolve, type; no emit and no checking of libraries.
  return {
    ...options,
    noEmit: true,
    allowJs: true,
    checkJs: false,
    skipLibCheck: true,
    incremental: false,
    composite: false,
    declaration: false,
    declarationMap: false,
    sourceMap: false,
  };
}

/** Library files parsed once per process: a second run in the same process reuses them. */
const libraryFiles = new Map<string, ts.SourceFile>();
const NODE_MODULES = /[\\/]node_modules[\\/]/;

function createHost(options: ts.CompilerOptions): ts.CompilerHost {
  const host = ts.createCompilerHost(options, true);
  const parse = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
    if (!NODE_MODULES.test(fileName))
      return parse(fileName, languageVersion, onError, shouldCreate);
    const format =
      typeof languageVersion === 'object' ? languageVersion.impliedNodeFormat : undefined;
    const version =
      typeof languageVersion === 'object' ? languageVersion.languageVersion : languageVersion;
    const key = `${fileName}\0${version}\0${format ?? ''}`;
    const cached = libraryFiles.get(key);
    if (cached !== undefined) return cached;
    const file = parse(fileName, languageVersion, onError, shouldCreate);
    if (file !== undefined) libraryFiles.set(key, file);
    return file;
  };
  return host;
}

function relative(root: string, file: string): string {
  const rel = path.relative(root, file);
  return (rel.startsWith('..') || path.isAbsolute(rel) ? file : rel).split(path.sep).join('/');
}

function compareViolations(a: Violation, b: Violation): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  if (a.line !== b.line) return a.line - b.line;
  if (a.column !== b.column) return a.column - b.column;
  return a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0;
}

/**
 * Checks `files` (absolute paths) with every rule.
 * @returns the violations and the exceptions, each sorted by file, line, column and rule
 */
export function checkFiles(files: readonly string[], options: CheckOptions): CheckResult {
  const sorted = [...new Set(files.map((f) => path.resolve(f)))].sort();
  if (sorted.length === 0) return { files: [], violations: [], exceptions: [] };
  const compilerOptions = compilerOptionsFor(options.root);
  const program = ts.createProgram({
    rootNames: sorted,
    options: compilerOptions,
    host: createHost(compilerOptions),
  });
  const checker = program.getTypeChecker();
  const isProvenInteger = createIntegerProver({ program, checker });
  const violations: Violation[] = [];
  const exceptions: Exception[] = [];
  for (const fileName of sorted) {
    const sourceFile = program.getSourceFile(fileName);
    if (sourceFile === undefined) throw new Error(`${fileName}: not part of the program`);
    const findings = new Map<string, Finding>();
    const ctx: FileContext = {
      program,
      checker,
      sourceFile,
      isProvenInteger,
      report(at, rule, message) {
        const start = typeof at === 'number' ? at : at.getStart(sourceFile);
        findings.set(`${rule}\0${start}`, { rule, start, message });
      },
    };
    checkSourceFile(ctx);
    const outcome = applyExceptions(sourceFile, relative(options.root, fileName), [
      ...findings.values(),
    ]);
    violations.push(...outcome.violations);
    exceptions.push(...outcome.exceptions);
  }
  return {
    files: sorted.map((f) => relative(options.root, f)),
    violations: violations.sort(compareViolations),
    exceptions: exceptions.sort(compareViolations),
  };
}

/** Splits the findings of one file into violations and exceptions, and judges the comments. */
function applyExceptions(
  sourceFile: ts.SourceFile,
  file: string,
  findings: readonly Finding[],
): { violations: Violation[]; exceptions: Exception[] } {
  const at = (start: number, rule: RuleId, message: string): Violation => {
    const { line, character } = sourceFile.getLineAndCharacterOfPosition(start);
    return { rule, file, line: line + 1, column: character + 1, message };
  };
  const violations: Violation[] = [];
  const exceptions: Exception[] = [];
  const comments = collectAllowComments(sourceFile);
  const valid = comments.filter((c) => isValidComment(c));
  const used = new Set<string>();
  for (const finding of findings) {
    const violation = at(finding.start, finding.rule, finding.message);
    const allow = valid.find(
      (c) => c.targetLine === violation.line && c.ids.includes(finding.rule),
    );
    if (allow === undefined || allow.reason === undefined) {
      violations.push(violation);
      continue;
    }
    used.add(`${allow.start}\0${finding.rule}`);
    exceptions.push({ ...violation, reason: allow.reason });
  }
  for (const comment of comments) {
    violations.push(...judgeComment(comment, used, at));
  }
  return { violations, exceptions };
}

function isValidComment(comment: AllowComment): boolean {
  return (
    comment.reason !== undefined &&
    comment.ids.length > 0 &&
    comment.ids.every((id) => ALLOWABLE_RULE_IDS.has(id))
  );
}

function judgeComment(
  comment: AllowComment,
  used: ReadonlySet<string>,
  at: (start: number, rule: RuleId, message: string) => Violation,
): Violation[] {
  const out: Violation[] = [];
  if (comment.ids.length === 0) {
    out.push(at(comment.start, 'ZS_ALLOW_UNKNOWN_RULE', 'zero-sim-allow names no rule'));
  }
  for (const id of comment.ids) {
    if (ALLOWABLE_RULE_IDS.has(id)) continue;
    const why = isRuleId(id) ? 'is a meta rule and cannot be excepted' : 'is not a rule id';
    out.push(
      at(comment.start, 'ZS_ALLOW_UNKNOWN_RULE', `zero-sim-allow names ${id}, which ${why}`),
    );
  }
  if (comment.reason === undefined) {
    out.push(
      at(
        comment.start,
        'ZS_ALLOW_WITHOUT_REASON',
        'zero-sim-allow needs a reason (// zero-sim-allow RULE_ID: why this is deterministic); ' +
          'without one it excepts nothing',
      ),
    );
  }
  if (out.length > 0) return out;
  const unused = comment.ids.filter((id) => !used.has(`${comment.start}\0${id}`));
  if (unused.length > 0) {
    out.push(
      at(
        comment.start,
        'ZS_ALLOW_UNUSED',
        `zero-sim-allow ${unused.join(', ')} excepts no violation on line ${comment.targetLine}; delete it`,
      ),
    );
  }
  return out;
}
