/**
 * Code integrity (AntiTamper): the node measures its own shipped files and compares them with the
 * manifest written at install time (`scripts/gen-manifest.js`, run by `npm ci`). The verdict is
 * runtime/guard's `assertManifestIntact`; a mismatch quarantines the node (CIR-412).
 *
 * Scope of the guarantee: this detects changed, added or removed runtime files after install. It
 * does not defend against an attacker who can also rewrite the manifest; a release signature over
 * the manifest would, and is left for a release process.
 * @module
 */
import fs from 'node:fs';
import path from 'node:path';
import type { IntegrityManifest } from '../guard';

/** The project root (where package.json and the manifest live). */
export const PROJECT_ROOT = path.join(__dirname, '..', '..');

// eslint-disable-next-line @typescript-eslint/no-require-imports
const generator = require(path.join(PROJECT_ROOT, 'scripts', 'gen-manifest.js')) as {
  measure(root: string): Record<string, string>;
  MANIFEST_FILE: string;
};

/** SHA-256 of every shipped file under `root`, as the manifest lists them. */
export function measureManifest(root: string = PROJECT_ROOT): IntegrityManifest {
  return generator.measure(root);
}

/** The manifest written at install time, or null if there is none. */
export function readManifest(root: string = PROJECT_ROOT): IntegrityManifest | null {
  const file = path.join(root, generator.MANIFEST_FILE);
  if (!fs.existsSync(file)) return null;
  const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as {
    version: number;
    files: Record<string, string>;
  };
  return parsed.files;
}
