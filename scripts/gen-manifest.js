#!/usr/bin/env node
'use strict';
// Writes .qfs-manifest.json: SHA-256 of every shipped runtime file (runtime/**, bin/**, package.json)
// and of the native addons the node loads: QFS's ML-DSA-87 addon (node_modules/.qfs-native/*.node,
// every variant built), better-sqlite3's, and pqclean's (loaded when QFS's is not built).
// Run by `npm ci`/`npm install` (prepare, after the native build) and before `npm test` (pretest);
// the node checks it at start-up and periodically (AntiTamper, CIR-412). Plain JavaScript so it
// runs before anything else.
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.join(__dirname, '..');
const SOURCES = ['runtime', 'bin'];
const FILES = ['package.json'];
/** The folder of QFS's native addons (runtime/crypto/native-build.ts). */
const NATIVE_DIR = path.join('node_modules', '.qfs-native');
/** Other native addons the node loads, when installed (pqclean is an optional dependency). */
const NATIVE_ADDONS = [
  path.join('node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node'),
  path.join('node_modules', 'pqclean', 'build', 'Release', 'node_pqclean.node'),
];

function walk(dir, out) {
  for (const name of fs.readdirSync(dir).sort()) {
    const full = path.join(dir, name);
    if (fs.statSync(full).isDirectory()) walk(full, out);
    else out.push(full);
  }
  return out;
}

function measure(root) {
  const files = [];
  for (const dir of SOURCES) walk(path.join(root, dir), files);
  for (const file of FILES) files.push(path.join(root, file));
  const nativeDir = path.join(root, NATIVE_DIR);
  if (fs.existsSync(nativeDir))
    for (const name of fs.readdirSync(nativeDir).sort())
      if (name.endsWith('.node')) files.push(path.join(nativeDir, name));
  for (const addon of NATIVE_ADDONS)
    if (fs.existsSync(path.join(root, addon))) files.push(path.join(root, addon));
  const manifest = {};
  for (const file of files.sort()) {
    manifest[path.relative(root, file).split(path.sep).join('/')] = createHash('sha256')
      .update(fs.readFileSync(file))
      .digest('hex');
  }
  return manifest;
}

module.exports = { measure, MANIFEST_FILE: '.qfs-manifest.json' };

if (require.main === module) {
  const files = measure(ROOT);
  fs.writeFileSync(
    path.join(ROOT, '.qfs-manifest.json'),
    `${JSON.stringify({ version: 1, files }, null, 1)}\n`,
  );
  console.log(`wrote .qfs-manifest.json (${Object.keys(files).length} files)`);
}
