#!/usr/bin/env node
'use strict';
// The `qfs` command: loads the TypeScript runtime through ts-node (transpile only) and runs the CLI.
const path = require('node:path');
require('ts-node').register({
  project: path.join(__dirname, '..', 'tsconfig.json'),
  transpileOnly: true,
});
const { main } = require('../runtime/cli/main');
main(process.argv.slice(2), { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr }).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`${err && err.stack ? err.stack : String(err)}\n`);
    process.exitCode = 1;
  },
);
