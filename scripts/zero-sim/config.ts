/**
 * The checker's scope: the core folders and files listed in `zero-sim.config.json` (the one place
 * that says what the deterministic core is), or the paths given on the command line. Folders are
 * listed afresh on every run, so a file added to a core folder later is checked without any change
 * here; a file listed by name (the pure part of a folder whose rest is shell, like runtime/crypto
 * and runtime/entropy) is checked as long as it exists.
 * @module
 */
import fs from 'node:fs';
import path from 'node:path';

/** The default config file name, looked up in the working directory. */
export const CONFIG_FILE = 'zero-sim.config.json';

/** Extensions of the files the checker reads (declaration files carry no code and are skipped). */
const EXTENSIONS: readonly string[] = [
  '.ts',
  '.tsx',
  '.mts',
  '.cts',
  '.js',
  '.jsx',
  '.mjs',
  '.cjs',
];
const DECLARATION = /\.d\.[cm]?ts$/;

/** A problem with the invocation (bad option, missing path, broken config): exit code 2. */
export class UsageError extends Error {
  override readonly name = 'ZeroSim.UsageError';
}

/** The parsed config file. */
export type Config = {
  /** Folders and files of the deterministic core, relative to the root. */
  readonly core: readonly string[];
};

/**
 * Reads and validates a config file.
 * @throws {UsageError} when the file is missing, is not JSON, or has the wrong shape
 */
export function loadConfig(file: string): Config {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new UsageError(`cannot read the config file ${file}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${file} is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new UsageError(`${file} must hold a JSON object`);
  }
  const record = parsed as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (key !== 'core' && key !== '$comment') throw new UsageError(`${file}: unknown key "${key}"`);
  }
  const core = record['core'];
  if (!Array.isArray(core) || !core.every((c): c is string => typeof c === 'string' && c !== '')) {
    throw new UsageError(`${file}: "core" must be an array of folder or file paths`);
  }
  for (const folder of core) {
    if (path.isAbsolute(folder))
      throw new UsageError(`${file}: "${folder}" must be relative to the root`);
  }
  return { core };
}

function isSource(file: string): boolean {
  return EXTENSIONS.includes(path.extname(file)) && !DECLARATION.test(file);
}

function walk(dir: string, out: string[]): void {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(full, out);
    else if (entry.isFile() && isSource(full)) out.push(full);
  }
}

/**
 * The source files of the core folders and files under `root`; paths that do not exist are
 * skipped.
 */
export function coreFiles(config: Config, root: string): string[] {
  const out: string[] = [];
  for (const entry of config.core) {
    const full = path.resolve(root, entry);
    if (!fs.existsSync(full)) continue;
    if (fs.statSync(full).isDirectory()) walk(full, out);
    else if (isSource(full)) out.push(full);
  }
  return [...new Set(out)].sort();
}

/**
 * The source files named by explicit paths (files, or folders searched recursively).
 * @throws {UsageError} for a path that does not exist or a file that is not TypeScript/JavaScript
 */
export function filesOfPaths(paths: readonly string[], cwd: string): string[] {
  const out: string[] = [];
  for (const given of paths) {
    const full = path.resolve(cwd, given);
    if (!fs.existsSync(full)) throw new UsageError(`no such file or folder: ${given}`);
    if (fs.statSync(full).isDirectory()) {
      walk(full, out);
    } else if (isSource(full)) {
      out.push(full);
    } else {
      throw new UsageError(`not a TypeScript or JavaScript source file: ${given}`);
    }
  }
  return [...new Set(out)].sort();
}
