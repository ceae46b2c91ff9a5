'use strict';
// Preload (`node -r`) that makes `require('pqclean')` and its files fail, to run QFS as if the
// optional native build were missing (used by the fallback test and to check `npm run bench:pqc`
// without it). QFS's own verifier is found through pqclean's folder, so it is missing too.
const Module = require('node:module');
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (request === 'pqclean' || request.startsWith('pqclean/')) {
    const err = new Error(
      "Cannot find module 'pqclean' (blocked by test/support/block-pqclean.js)",
    );
    err.code = 'MODULE_NOT_FOUND';
    throw err;
  }
  return resolve.call(this, request, ...rest);
};
