/**
 * The two report formats: lines for people (`file:line:column RULE message`, the shape editors and
 * CI logs link) and a JSON document for tools (`--json`).
 * @module
 */
import type { CheckResult, Exception, Violation } from './checker';

/** The `--json` document. Field order and sorting are stable. */
export type JsonReport = {
  /** True when there is no violation (exceptions do not count). */
  readonly ok: boolean;
  readonly files: readonly string[];
  readonly violations: readonly Violation[];
  readonly exceptions: readonly Exception[];
};

/** Builds the `--json` document. */
export function toJsonReport(result: CheckResult): JsonReport {
  return {
    ok: result.violations.length === 0,
    files: result.files,
    violations: result.violations.map(({ rule, file, line, column, message }) => ({
      rule,
      file,
      line,
      column,
      message,
    })),
    exceptions: result.exceptions.map(({ rule, file, line, column, message, reason }) => ({
      rule,
      file,
      line,
      column,
      message,
      reason,
    })),
  };
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** The human report: one line per violation, then every exception, then a summary line. */
export function formatText(result: CheckResult, elapsedMs: number): string {
  const lines: string[] = [];
  for (const v of result.violations) {
    lines.push(`${v.file}:${v.line}:${v.column} ${v.rule} ${v.message}`);
  }
  if (result.exceptions.length > 0) {
    lines.push(`exceptions (${result.exceptions.length}):`);
    for (const e of result.exceptions) {
      lines.push(`  ${e.file}:${e.line}:${e.column} ${e.rule} allowed: ${e.reason}`);
    }
  }
  const verdict = result.violations.length === 0 ? 'ok' : 'FAILED';
  lines.push(
    `zero-sim: ${verdict}: ${plural(result.violations.length, 'violation')}, ` +
      `${plural(result.exceptions.length, 'exception')} in ${plural(result.files.length, 'file')} ` +
      `(${(elapsedMs / 1000).toFixed(2)} s)`,
  );
  return `${lines.join('\n')}\n`;
}
