/**
 * The host-tuned build of pqclean's addon. The `pqclean` package compiles PQClean's portable C for
 * the x86-64 baseline (SSE2); the same sources compiled for x86-64-v3 (AVX2, BMI2, FMA) verify an
 * ML-DSA-87 signature ~13 % faster here (310 → 270 µs, one thread), and verification is the
 * largest cost of a transaction. `npm ci` builds it after pqclean (scripts/build-native-tuned.ts)
 * when the machine's CPU has every x86-64-v3 extension; the loader takes it only on a CPU that has
 * them too, since an instruction the CPU lacks kills the process (SIGILL) rather than throwing.
 * Same sources, same self-test, same answers (test/runtime/crypto/native-build.test.ts).
 * @module
 */
import fs from 'node:fs';
import path from 'node:path';

/** What the tuned build targets (GCC's `-march` level). */
export const TUNED_MARCH = 'x86-64-v3';

/**
 * The compiler flags of the tuned build. `-mtune=native` only orders instructions for the build
 * machine (any x86-64-v3 CPU runs the result); with it verification took 270 µs, without 286.
 */
export const TUNED_CFLAGS = `-march=${TUNED_MARCH} -mtune=native`;

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

/**
 * Where the tuned addon lives: beside the `pqclean` package, named for its version and the Node
 * ABI it was compiled against, so an upgrade of either never loads a stale build.
 * @param pqcleanDir - the `pqclean` package's folder
 * @param version - its version
 * @param abi - `process.versions.modules`
 */
export function tunedAddonPath(pqcleanDir: string, version: string, abi: string): string {
  const name = `pqclean-${version}-node-abi${abi}-${TUNED_MARCH}.node`;
  return path.join(pqcleanDir, '..', '.qfs-native', name);
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

/**
 * The tuned addon's path if it is built and this CPU can run it; null otherwise, or when the
 * environment sets QFS_NATIVE_TUNED=0 (then pqclean's own build is used).
 */
export function usableTunedAddon(cpuinfo: string = readCpuinfo()): string | null {
  if (process.env.QFS_NATIVE_TUNED === '0') return null;
  if (process.platform !== 'linux' || process.arch !== 'x64') return null;
  const pqclean = installedPqclean();
  if (pqclean === null) return null;
  const file = tunedAddonPath(pqclean.dir, pqclean.version, process.versions.modules);
  if (!fs.existsSync(file) || missingX86_64V3Flags(cpuinfo).length > 0) return null;
  return file;
}
