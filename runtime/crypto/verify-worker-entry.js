'use strict';
// Worker entry of the verification pool: worker threads do not inherit the parent's require
// hooks, so register ts-node (transpile only) here unless something already handles `.ts`.
const path = require('node:path');
if (!require.extensions['.ts']) {
  require('ts-node').register({
    project: path.join(__dirname, '..', '..', 'tsconfig.json'),
    transpileOnly: true,
  });
}
// Lower this thread's scheduling priority (Linux applies niceness per thread): see
// VerifyPoolOptions.nice. Not every platform allows it; verification works the same without.
const { workerData } = require('piscina');
try {
  require('node:os').setPriority(0, (workerData && workerData.nice) || 0);
} catch {
  // keep the default priority
}
module.exports = require('./verify-worker').verifyChunk;
