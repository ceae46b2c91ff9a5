/**
 * QFS's own native ML-DSA-87 addon (native/ml-dsa-87.c): PQClean's ml-dsa-87 code from the
 * `pqclean` package, with a cache of expanded public keys per backend (so per verification thread)
 * and deterministic signing. A known key's signature is then checked without re-deriving the 56
 * polynomials of its matrix, which are most of a verification's hashing: ~2.5× faster here than
 * pqclean's addon (which re-expands every time). Signing is 10–13× faster than noble's, with the
 * same bytes (sign-backend.ts).
 *
 * `npm ci` compiles it (scripts/build-native.ts) in up to two variants: `portable` (the compiler's
 * default target) everywhere, and `x86-64-v3` (AVX2, BMI2, FMA; ~13 % faster) where the CPU has
 * every x86-64-v3 extension. The loader takes the x86-64-v3 one only on such a CPU, since an
 * instruction the CPU lacks kills the process (SIGILL) rather than throwing. When neither is built,
 * the native backend is pqclean's own addon. QFS_NATIVE_BUILD=0 skips both, at install and at run
 * time. Tests: test/runtime/crypto/native-build.test.ts, native/ml-dsa-87.test.ts.
 * @module
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** A compiled variant of the addon. */
export type NativeVariant = 'x86-64-v3' | 'portable';

/**
 * Compiler flags per variant. `-mtune=native` only orders instructions for the build machine (any
 * x86-64-v3 CPU runs the result); with it pqclean's verification took 270 µs, without 286.
 */
export const VARIANT_CFLAGS: Readonly<Record<NativeVariant, readonly string[]>> = Object.freeze({
  'x86-64-v3': Object.freeze(['-O3', '-march=x86-64-v3', '-mtune=native']),
  portable: Object.freeze(['-O3']),
});

/** The addon's C source. */
export const NATIVE_SOURCE = path.join(__dirname, 'native', 'ml-dsa-87.c');

/** PQClean's files the addon is compiled with, relative to the `pqclean` package. */
export const PQCLEAN_SOURCES: readonly string[] = Object.freeze([
  ...['sign', 'packing', 'poly', 'polyvec', 'ntt', 'reduce', 'rounding', 'symmetric-shake'].map(
    (name) => `deps/PQClean/crypto_sign/ml-dsa-87/clean/${name}.c`,
  ),
  'deps/PQClean/common/fips202.c',
]);

/** PQClean's include folders, relative to the `pqclean` package. */
export const PQCLEAN_INCLUDES: readonly string[] = Object.freeze([
  'deps/PQClean/crypto_sign/ml-dsa-87/clean',
  'deps/PQClean/common',
]);

/**
 * The instruction-set extensions of x86-64-v3, as Linux's /proc/cpuinfo names them (`abm` is
 * LZCNT). Code compiled with `-march=x86-64-v3` may use any of them.
 */
export const X86_64_V3_FLAGS: readonly string[] = Object.freeze([
  'avx',
  'avx2',
  'bmi1',
  'bmi2',
  'f16c',
  'fma',
  'abm',
  'movbe',
  'xsave',
]);

/** The x86-64-v3 extensions missing from a /proc/cpuinfo text (every one, if it lists no flags). */
export function missingX86_64V3Flags(cpuinfo: string): string[] {
  const line = /^flags\s*:(.*)$/m.exec(cpuinfo);
  const flags = new Set((line?.[1] ?? '').trim().split(/\s+/));
  return X86_64_V3_FLAGS.filter((flag) => !flags.has(flag));
}

/** The variants this machine can run, best first. */
export function runnableVariants(cpuinfo: string, arch: string = process.arch): NativeVariant[] {
  const v3 = arch === 'x64' && missingX86_64V3Flags(cpuinfo).length === 0;
  return v3 ? ['x86-64-v3', 'portable'] : ['portable'];
}

/** The first 12 hex digits of SHA-256 over the addon's source: a changed source is rebuilt. */
export function nativeSourceHash(source: string = NATIVE_SOURCE): string {
  return createHash('sha256').update(fs.readFileSync(source)).digest('hex').slice(0, 12);
}

/** What names a build: the addon's source, pqclean's version, the Node ABI and the variant. */
export type BuildId = {
  readonly sourceHash: string;
  readonly pqcleanVersion: string;
  readonly abi: string;
  readonly variant: NativeVariant;
};

/**
 * Where a build lives: beside the `pqclean` package, named for everything it was compiled from,
 * so an upgrade of pqclean or Node, or an edited source, never loads a stale build.
 * @param pqcleanDir - the `pqclean` package's folder
 * @param id - what the build was compiled from and for
 */
export function addonPath(pqcleanDir: string, id: BuildId): string {
  const name = `qfs-ml-dsa-87-${id.sourceHash}-pqclean${id.pqcleanVersion}-node-abi${id.abi}-${id.variant}.node`;
  return path.join(pqcleanDir, '..', '.qfs-native', name);
}

/**
 * The files in the builds' folder that a new build replaces: builds of the addon for the same
 * Node ABI and variant from another source or pqclean version, including those made before it
 * also signed (`ml-dsa-87-verify-…`), and the whole-pqclean x86-64-v3 builds an earlier version of
 * QFS made there (`pqclean-<version>-node-abi<abi>-x86-64-v3.node`). Builds for other ABIs stay:
 * another Node may share the folder.
 * @param files - the folder's file names
 * @param current - the build just made (a file name)
 * @param id - what it was built from and for
 */
export function staleBuilds(files: readonly string[], current: string, id: BuildId): string[] {
  const ours = `-node-abi${id.abi}-${id.variant}.node`;
  const legacy = `-node-abi${id.abi}-x86-64-v3.node`;
  return files.filter(
    (file) =>
      file !== current &&
      (((file.startsWith('qfs-ml-dsa-87-') || file.startsWith('ml-dsa-87-verify-')) &&
        file.endsWith(ours)) ||
        (file.startsWith('pqclean-') && file.endsWith(legacy))),
  );
}

/** The installed `pqclean` package's folder and version, or null when it is not installed. */
export function installedPqclean(): { dir: string; version: string } | null {
  try {
    const manifest = require.resolve('pqclean/package.json');
    const { version } = JSON.parse(fs.readFileSync(manifest, 'utf8')) as { version: string };
    return { dir: path.dirname(manifest), version };
  } catch {
    return null;
  }
}

/** This machine's /proc/cpuinfo, or '' where there is none (not Linux). */
export function readCpuinfo(): string {
  try {
    return fs.readFileSync('/proc/cpuinfo', 'utf8');
  } catch {
    return '';
  }
}

/** True unless the environment opts out of QFS's addon (QFS_NATIVE_BUILD=0). */
export function nativeBuildEnabled(): boolean {
  return process.env.QFS_NATIVE_BUILD !== '0';
}

/**
 * What this machine builds and loads for a pqclean version: one id per variant it can run, best
 * first, all from the addon's current source and for this Node's ABI.
 * @param pqcleanVersion - the installed pqclean's version
 * @param cpuinfo - /proc/cpuinfo's text
 */
export function buildIds(pqcleanVersion: string, cpuinfo: string): BuildId[] {
  const sourceHash = nativeSourceHash();
  const abi = process.versions.modules;
  return runnableVariants(cpuinfo).map((variant) => ({ sourceHash, pqcleanVersion, abi, variant }));
}

/**
 * The best built variant this CPU can run, or null: none is built, pqclean is not installed, or
 * QFS_NATIVE_BUILD=0 (then the native backend is pqclean's own addon).
 */
export function usableAddon(
  cpuinfo: string = readCpuinfo(),
): { file: string; variant: NativeVariant } | null {
  if (!nativeBuildEnabled()) return null;
  const pqclean = installedPqclean();
  if (pqclean === null) return null;
  for (const id of buildIds(pqclean.version, cpuinfo)) {
    const file = addonPath(pqclean.dir, id);
    if (fs.existsSync(file)) return { file, variant: id.variant };
  }
  return null;
}
