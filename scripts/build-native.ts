/**
 * `postinstall` (also `npm run build:native`): compiles QFS's ML-DSA-87 addon, verification and
 * signing (runtime/crypto/native-build.ts says what and why), for each variant this machine runs,
 * and checks each build in a child process before the node may load it. Never fails the install: on
 * any obstacle it prints one line and the native backend is pqclean's own addon. Skipped with
 * QFS_NATIVE_BUILD=0; a variant already built from the same source, pqclean and Node ABI is kept.
 * About 5 s per variant on two cores.
 * @module
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  addonPath,
  buildIds,
  installedPqclean,
  nativeBuildEnabled,
  PQCLEAN_INCLUDES,
  PQCLEAN_SOURCES,
  readCpuinfo,
  staleBuilds,
  VARIANT_CFLAGS,
  NATIVE_SOURCE,
  type BuildId,
  type NativeVariant,
} from '../runtime/crypto/native-build';

const say = (line: string): void => void process.stdout.write(`qfs native build: ${line}\n`);

/** One build to make: pqclean's folder, what it is built from and for, and where it goes. */
type Build = { readonly pqcleanDir: string; readonly id: BuildId; readonly out: string };

/** The builds to make here, or why none can be made. */
function plan(): Build[] | string {
  if (!nativeBuildEnabled()) return 'skipped (QFS_NATIVE_BUILD=0)';
  const pqclean = installedPqclean();
  if (pqclean === null) return 'not built (pqclean is not installed)';
  if (!fs.existsSync(path.join(pqclean.dir, 'build', 'Release', 'node_pqclean.node')))
    return 'not built (pqclean has no native build here, so no compiler either)';
  return buildIds(pqclean.version, readCpuinfo()).map((id) => ({
    pqcleanDir: pqclean.dir,
    id,
    out: addonPath(pqclean.dir, id),
  }));
}

/** npm's node-gyp: the one npm gives install scripts, else the one beside npm itself. */
function nodeGyp(): string | null {
  const besideNpm = (npmDir: string) =>
    path.join(npmDir, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
  const candidates = [
    process.env.npm_config_node_gyp,
    process.env.npm_execpath && besideNpm(path.join(path.dirname(process.env.npm_execpath), '..')),
    besideNpm(path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm')),
  ];
  return candidates.find((c): c is string => typeof c === 'string' && fs.existsSync(c)) ?? null;
}

/** Node's headers: npm's `nodedir` setting, else the ones installed beside this Node. */
function nodeDir(): string | null {
  if (process.env.npm_config_nodedir) return process.env.npm_config_nodedir;
  const prefix = path.dirname(path.dirname(process.execPath));
  return fs.existsSync(path.join(prefix, 'include', 'node', 'node_api.h')) ? prefix : null;
}

/**
 * Copies the sources into `work` and returns the gyp file of one variant. gyp's make generator
 * wants sources below the gyp file, so PQClean's folders are copied beside the addon's source.
 */
function stage(build: Build, work: string): string {
  fs.copyFileSync(NATIVE_SOURCE, path.join(work, path.basename(NATIVE_SOURCE)));
  for (const dir of PQCLEAN_INCLUDES)
    fs.cpSync(path.join(build.pqcleanDir, dir), path.join(work, dir), { recursive: true });
  const cflags = VARIANT_CFLAGS[build.id.variant];
  const target = {
    target_name: 'qfs_ml_dsa_87',
    sources: [path.basename(NATIVE_SOURCE), ...PQCLEAN_SOURCES],
    include_dirs: [...PQCLEAN_INCLUDES],
    cflags: [...cflags],
    'cflags!': ['-O2', '-O1', '-O0'],
    xcode_settings: { OTHER_CFLAGS: [...cflags] },
  };
  return JSON.stringify({ targets: [target] }, null, 2);
}

/** Compiles one variant in `work`; returns the addon's path there. */
function compile(build: Build, work: string): string {
  const gyp = nodeGyp();
  if (gyp === null) throw new Error('node-gyp not found');
  fs.writeFileSync(path.join(work, 'binding.gyp'), stage(build, work));
  const dir = nodeDir();
  const result = spawnSync(
    process.execPath,
    [gyp, 'rebuild', '-j', 'max', ...(dir === null ? [] : [`--nodedir=${dir}`])],
    { cwd: work, encoding: 'utf8' },
  );
  if (result.status !== 0)
    throw new Error(`node-gyp failed: ${`${result.stdout}${result.stderr}`.slice(-2000)}`);
  return path.join(work, 'build', 'Release', 'qfs_ml_dsa_87.node');
}

/**
 * Loads the addon in a child process and runs the verifier's and the signer's known-answer tests on
 * it.
 */
function check(addon: string, variant: NativeVariant): void {
  const backend = path.join(__dirname, '..', 'runtime', 'crypto', 'backend');
  const signer = path.join(__dirname, '..', 'runtime', 'crypto', 'sign-backend');
  const script =
    `const { createNativeBackend } = require(${JSON.stringify(backend)});` +
    `const m = { ...require(${JSON.stringify(addon)}), build: ${JSON.stringify(variant)} };` +
    `const b = createNativeBackend(() => m);` +
    `if (!b.implementation.includes('QFS verifier')) process.exit(3);` +
    `require(${JSON.stringify(signer)}).createNativeSigner(() => m);`;
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

/** Builds, checks and installs one variant (atomically: a half-written addon is never loaded). */
function make(build: Build): void {
  if (fs.existsSync(build.out)) {
    removeStale(build);
    return say(`up to date (${path.basename(build.out)})`);
  }
  const started = process.hrtime.bigint();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'qfs-native-'));
  try {
    const addon = compile(build, work);
    check(addon, build.id.variant);
    fs.mkdirSync(path.dirname(build.out), { recursive: true });
    fs.copyFileSync(addon, `${build.out}.tmp`);
    fs.renameSync(`${build.out}.tmp`, build.out);
    removeStale(build);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    say(`built ${path.basename(build.out)} in ${seconds.toFixed(0)} s`);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    say(`${build.id.variant} not built (${reason})`);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** Deletes the builds this one replaces (native-build.ts `staleBuilds`). */
function removeStale(build: Build): void {
  const dir = path.dirname(build.out);
  const stale = staleBuilds(fs.readdirSync(dir), path.basename(build.out), build.id);
  for (const file of stale) fs.rmSync(path.join(dir, file), { force: true });
  if (stale.length > 0) say(`removed ${stale.join(', ')}`);
}

try {
  const builds = plan();
  if (typeof builds === 'string') say(builds);
  else builds.forEach(make);
} catch (err) {
  // Whatever went wrong, the install goes on: the native backend is then pqclean's own addon.
  const reason = err instanceof Error ? err.message : String(err);
  say(`not built, pqclean's own addon is used (${reason})`);
}
