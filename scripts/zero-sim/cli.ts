/**
 * The command line of the checker: `npm run zero-sim -- [--json] [--config file] [--root dir]
 * [paths…]`. Exit codes: 0 no violation, 1 violations, 2 usage error (or the checker could not run).
 * @module
 */
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { checkFiles } from './checker';
import { CONFIG_FILE, UsageError, coreFiles, filesOfPaths, loadConfig } from './config';
import { formatText, toJsonReport } from './report';

export const EXIT_OK = 0;
export const EXIT_VIOLATIONS = 1;
export const EXIT_USAGE = 2;

/** Where the CLI writes; tests pass captured streams. */
export type ZeroSimIo = {
  readonly stdout: { write(chunk: string): unknown };
  readonly stderr: { write(chunk: string): unknown };
};

const USAGE = `Usage: npm run zero-sim -- [options] [paths...]

Checks the deterministic core (the folders listed in ${CONFIG_FILE}) against the
zero-simulation rules, or the given files and folders instead. Rules: docs/zero-sim.md.

Options:
  --json           print a JSON report on stdout
  --config <file>  config file (default: ./${CONFIG_FILE})
  --root <dir>     folder the core folders and reported paths are relative to
                   (default: the config file's folder, or the working directory with paths)
  -h, --help       print this help

Exit codes: 0 no violation, 1 violations, 2 usage error.
`;

type Options = {
  json: boolean;
  help: boolean;
  config: string | undefined;
  root: string | undefined;
  paths: string[];
};

/** Parses argv (without node and the script). @throws {UsageError} */
export function parseArgs(argv: readonly string[]): Options {
  const options: Options = {
    json: false,
    help: false,
    config: undefined,
    root: undefined,
    paths: [],
  };
  const value = (i: number, flag: string): string => {
    const next = argv[i + 1];
    if (next === undefined || next.startsWith('-')) throw new UsageError(`${flag} needs a value`);
    return next;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--') {
      options.paths.push(...argv.slice(i + 1));
      break;
    }
    if (arg === '--json') options.json = true;
    else if (arg === '-h' || arg === '--help') options.help = true;
    else if (arg === '--config') options.config = value(i++, arg);
    else if (arg === '--root') options.root = value(i++, arg);
    else if (arg.startsWith('--config=')) options.config = arg.slice('--config='.length);
    else if (arg.startsWith('--root=')) options.root = arg.slice('--root='.length);
    else if (arg.startsWith('-')) throw new UsageError(`unknown option ${arg}`);
    else options.paths.push(arg);
  }
  return options;
}

/** Resolves what to check: explicit paths, or the core folders of the config. */
function scope(options: Options, cwd: string): { files: string[]; root: string } {
  if (options.paths.length > 0 && options.config === undefined) {
    const root = path.resolve(cwd, options.root ?? '.');
    return { files: filesOfPaths(options.paths, cwd), root };
  }
  const configFile = path.resolve(cwd, options.config ?? CONFIG_FILE);
  const config = loadConfig(configFile);
  const root = path.resolve(cwd, options.root ?? path.dirname(configFile));
  const files =
    options.paths.length > 0 ? filesOfPaths(options.paths, cwd) : coreFiles(config, root);
  return { files, root };
}

/**
 * Runs the checker.
 * @param argv - arguments without node and the script path
 * @param cwd - the directory paths and the default config are resolved against
 * @returns the exit code
 */
export function main(argv: readonly string[], io: ZeroSimIo, cwd: string): number {
  const started = performance.now();
  try {
    const options = parseArgs(argv);
    if (options.help) {
      io.stdout.write(USAGE);
      return EXIT_OK;
    }
    const { files, root } = scope(options, cwd);
    const result = checkFiles(files, { root });
    if (options.json) {
      io.stdout.write(`${JSON.stringify(toJsonReport(result), null, 2)}\n`);
    } else {
      io.stdout.write(formatText(result, performance.now() - started));
    }
    return result.violations.length === 0 ? EXIT_OK : EXIT_VIOLATIONS;
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.stderr.write(`zero-sim: ${err.message}\n(npm run zero-sim -- --help prints the usage)\n`);
    return EXIT_USAGE;
  }
}
