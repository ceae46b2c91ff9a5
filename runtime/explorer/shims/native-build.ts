/**
 * The explorer bundle's `runtime/crypto/native-build.ts`: a browser has no native addon, so none
 * is usable and the backends stay noble's (the explorer also selects noble explicitly). Issue 23.
 * @module
 */

/** No native ML-DSA-87 addon exists in a browser. */
export function usableAddon(): null {
  return null;
}
