/**
 * `postinstall`: builds pqclean's addon again for x86-64-v3 (runtime/crypto/native-build.ts says
 * why) when this machine can run it, and checks the result before the node may load it. Never fails
 * the install: on any obstacle it prints one line and the node uses pqclean's portable build.
 * Skipped with QFS_NATIVE_TUNED=0; nothing to do when the build for this pqclean and Node ABI exists.
 * Takes about a minute on two cores (node-gyp compiles all of pqclean's algorithms).
 * @module
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  installedPqclean,
  missingX86_64V3Flags,
  readCpuinfo,
  TUNED_CFLAGS,
  tunedAddonPath,
} from '../runtime/crypto/native-build';

const say = (line: string): void => void process.stdout.write(`qfs native build: ${line}\n`);

/** What to build: pqclean's folder and the tuned addon's path. */
type Plan = { readonly pqcleanDir: string; readonly out: string };

/** The build to make here, or why it cannot or need not be made. */
function plan(): Plan | string {
  if (process.env.QFS_NATIVE_TUNED === '0') return 'skipped (QFS_NATIVE_TUNED=0)';
  if (process.platform !== 'linux' || process.arch !== 'x64')
    return `not built (${process.platform}/${process.arch}; x86-64 Linux only)`;
  const pqclean = installedPqclean();
  if (pqclean === null) return 'not built (pqclean is not installed)';
  if (!fs.existsSync(path.join(pqclean.dir, 'build', 'Release', 'node_pqclean.node')))
    return 'not built (pqclean has no native build here, so no compiler either)';
  const missing = missingX86_64V3Flags(readCpuinfo());
  if (missing.length > 0) return `not built (this CPU lacks ${missing.join(' ')})`;
  const out = tunedAddonPath(pqclean.dir, pqclean.version, process.versions.modules);
  if (fs.existsSync(out)) return `up to date (${path.basename(out)})`;
  return { pqcleanDir: pqclean.dir, out };
}

/** npm's node-gyp: the one npm gives install scripts, else the one beside npm itself. */
function nodeGyp(): string | null {
  const candidates = [
    process.env.npm_config_node_gyp,
    process.env.npm_execpath &&
      path.join(
        path.dirname(process.env.npm_execpath),
        '..',
        'node_modules',
        'node-gyp',
        'bin',
        'node-gyp.js',
      ),
    path.join(
      path.dirname(process.execPath),
      '..',
      'lib',
      'node_modules',
      'npm',
      'node_modules',
      'node-gyp',
      'bin',
      'node-gyp.js',
    ),
  ];
  return candidates.find((c): c is string => typeof c === 'string' && fs.existsSync(c)) ?? null;
}

/** Node's headers: npm's `nodedir` setting, else the ones installed beside this Node. */
function nodeDir(): string | null {
  if (process.env.npm_config_nodedir) return process.env.npm_config_nodedir;
  const prefix = path.dirname(path.dirname(process.execPath));
  return fs.existsSync(path.join(prefix, 'include', 'node', 'node_api.h')) ? prefix : null;
}

/** Compiles a copy of the pqclean package with TUNED_CFLAGS; returns the addon's path in the copy. */
function compile(pqcleanDir: string, work: string): string {
  const gyp = nodeGyp();
  if (gyp === null) throw new Error('node-gyp not found');
  fs.cpSync(pqcleanDir, work, {
    recursive: true,
    filter: (src) => !['build', 'wasm'].includes(path.relative(pqcleanDir, src)),
  });
  const dir = nodeDir();
  const result = spawnSync(
    process.execPath,
    [gyp, 'rebuild', '-j', 'max', ...(dir === null ? [] : [`--nodedir=${dir}`])],
    {
      cwd: work,
      env: { ...process.env, CFLAGS: TUNED_CFLAGS, CXXFLAGS: TUNED_CFLAGS },
      encoding: 'utf8',
    },
  );
  if (result.status !== 0)
    throw new Error(`node-gyp failed: ${`${result.stdout}${result.stderr}`.slice(-2000)}`);
  return path.join(work, 'build', 'Release', 'node_pqclean.node');
}

/** Loads the addon in a child process and runs the backend's known-answer self-test on it. */
function check(addon: string): void {
  const backend = path.join(__dirname, '..', 'runtime', 'crypto', 'backend');
  const script =
    `const { createNativeBackend } = require(${JSON.stringify(backend)});` +
    `const b = createNativeBackend(() => ({ ...require(${JSON.stringify(addon)}), build: 'x' }));` +
    `if (!b.implementation.includes('built for x')) process.exit(3);`;
  const result = spawnSync(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', '-e', script],
    { encoding: 'utf8', cwd: path.join(__dirname, '..') },
  );
  if (result.status !== 0)
    throw new Error(
      `self-test failed (${result.signal ?? result.status}): ${result.stderr.slice(-500)}`,
    );
}

function main(): void {
  const build = plan();
  if (typeof build === 'string') return say(build);
  const started = process.hrtime.bigint();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'qfs-pqclean-'));
  try {
    const addon = compile(build.pqcleanDir, work);
    check(addon);
    fs.mkdirSync(path.dirname(build.out), { recursive: true });
    fs.copyFileSync(addon, `${build.out}.tmp`);
    fs.renameSync(`${build.out}.tmp`, build.out);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    say(`built ${path.basename(build.out)} in ${seconds.toFixed(0)} s`);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

try {
  main();
} catch (err) {
  // Whatever went wrong, the install goes on with pqclean's portable build.
  const reason = err instanceof Error ? err.message : String(err);
  say(`not built, pqclean's portable build is used (${reason})`);
}
