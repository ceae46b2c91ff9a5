/**
 * Helpers shared by the zero-sim suites: fixture paths, the caret markers that state where a
 * fixture expects each violation, and running the CLI in a child process.
 *
 * A marker line sits below the code line it describes and puts a caret under the expected column:
 *
 *     const now = Date.now();
 *   //            ^ ZS_CLOCK
 *
 * Several carets may share a marker line, and several marker lines may follow one code line.
 * @module
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** The project root. */
export const ROOT = path.resolve(__dirname, '..', '..', '..');
/** The fixture tree (excluded from tsconfig and from the test runner). */
export const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'zero-sim');
/** The CLI entry behind `npm run zero-sim`. */
export const ENTRY = path.join(ROOT, 'scripts', 'zero-sim.ts');

/** `ZS_UNORDERED_ITERATION` → `zs-unordered-iteration.ts`. */
export function fixtureName(ruleId: string): string {
  return `${ruleId.toLowerCase().replace(/_/g, '-')}.ts`;
}

/** An expected or reported violation, as `RULE line:column`. */
export function key(v: { rule: string; line: number; column: number }): string {
  return `${v.rule} ${v.line}:${v.column}`;
}

const MARKER_LINE = /^\s*\/\/(?:\s*\^ ZS_[A-Z_]+)+\s*$/;
const CARET = /\^ (ZS_[A-Z_]+)/g;

/** The violations a fixture's caret markers expect, as sorted `RULE line:column` keys. */
export function expectedMarkers(file: string): string[] {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const out: string[] = [];
  let codeLine = 0;
  lines.forEach((text, index) => {
    if (!MARKER_LINE.test(text)) {
      codeLine = index + 1;
      return;
    }
    for (const match of text.matchAll(CARET)) {
      out.push(key({ rule: match[1] ?? '', line: codeLine, column: (match.index ?? 0) + 1 }));
    }
  });
  return out.sort();
}

/** The outcome of a CLI run in a child process. */
export type CliRun = { status: number | null; stdout: string; stderr: string };

/** Runs `ts-node --transpile-only scripts/zero-sim.ts ...args` in `cwd`, as `npm run zero-sim` does. */
export function runCli(args: readonly string[], cwd: string = ROOT): CliRun {
  const tsNode = require.resolve('ts-node/dist/bin.js');
  const result = spawnSync(process.execPath, [tsNode, '--transpile-only', ENTRY, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, TS_NODE_PROJECT: path.join(ROOT, 'tsconfig.json') },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A writable that collects what is written to it. */
export function capture(): { write(chunk: string): boolean; text(): string } {
  let text = '';
  return {
    write(chunk: string): boolean {
      text += chunk;
      return true;
    },
    text: () => text,
  };
}
