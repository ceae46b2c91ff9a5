#!/usr/bin/env node
'use strict';
// Writes .qfs-manifest.json: SHA-256 of every shipped runtime file (runtime/**, bin/**, package.json).
// Run by `npm ci`/`npm install` (prepare) and before `npm test` (pretest); the node checks it at
// start-up and periodically (AntiTamper, CIR-412). Plain JavaScript so it runs before anything else.
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.join(__dirname, '..');
const SOURCES = ['runtime', 'bin'];
const FILES = ['package.json'];

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
