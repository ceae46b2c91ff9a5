/**
 * The explorer bundle's `pqclean` package: a native addon, absent in a browser. Loading it throws,
 * which `runtime/crypto/backend.ts` treats as "no native backend". Issue 23.
 * @module
 */
throw new Error('pqclean is a native addon: not available in a browser');
