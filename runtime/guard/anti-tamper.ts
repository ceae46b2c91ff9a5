/**
 * AntiTamper verdicts: pure comparisons of what the node measured (file hashes, chain links)
 * against what it expected. The node reads the files; this module judges. A mismatch is a CIR-412.
 * (The reference hashed a constant string instead of any file, reference §12.4.)
 * @module
 */
import { Cir412Halt } from './halts';

/** A code-integrity manifest: relative path → SHA-256 hex of the file's bytes. */
export type IntegrityManifest = Readonly<Record<string, string>>;

export type IntegrityMismatch = {
  readonly path: string;
  readonly expected: string | null;
  readonly actual: string | null;
};

/**
 * Every difference between the expected and the measured manifest (missing, extra, changed files),
 * in path order.
 */
export function compareManifests(
  expected: IntegrityManifest,
  actual: IntegrityManifest,
): IntegrityMismatch[] {
  const paths = [...new Set([...Object.keys(expected), ...Object.keys(actual)])].sort();
  const out: IntegrityMismatch[] = [];
  for (const path of paths) {
    const e = Object.hasOwn(expected, path) ? (expected[path] as string) : null;
    const a = Object.hasOwn(actual, path) ? (actual[path] as string) : null;
    if (e !== a) out.push(Object.freeze({ path, expected: e, actual: a }));
  }
  return out;
}

/**
 * Throws a CIR-412 quarantine naming the first mismatch, if any.
 * @throws {Cir412Halt}
 */
export function assertManifestIntact(expected: IntegrityManifest, actual: IntegrityManifest): void {
  const mismatches = compareManifests(expected, actual);
  const first = mismatches[0];
  if (first !== undefined) {
    throw new Cir412Halt('code integrity mismatch', {
      path: first.path,
      expected: first.expected ?? 'absent',
      actual: first.actual ?? 'absent',
      mismatches: String(mismatches.length),
    });
  }
}
