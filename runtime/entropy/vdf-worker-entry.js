'use strict';
// Worker entry of the VDF pool: worker threads do not inherit the parent's require hooks, so
// register ts-node (transpile only) here unless something already handles `.ts`.
const path = require('node:path');
if (!require.extensions['.ts']) {
  require('ts-node').register({
    project: path.join(__dirname, '..', '..', 'tsconfig.json'),
    transpileOnly: true,
  });
}
module.exports = require('./vdf-worker').evaluateTask;
