/**
 * Loads the `canonicalize` package (RFC 8785) from CommonJS, whichever major is installed.
 * canonicalize 2.x is CommonJS. canonicalize 4.x is an ES module whose `exports` map has only an
 * `import` condition, so `require('canonicalize')` fails with ERR_PACKAGE_PATH_NOT_EXPORTED; Node
 * ≥ 20.19 can still `require()` the ES module file itself (require(esm)), and both majors ship it
 * as `lib/canonicalize.js`. Module loading only: no other I/O.
 * @module
 */

/** The package's one function. */
export type Serialize = (input: unknown) => string | undefined;

/**
 * Finds the serializer of package `name`: `require(name)` first, then `<dir>/<name>/lib/canonicalize.js`
 * in each of `searchPaths` (default: Node's own lookup directories for `name`).
 * @throws {Error} when no directory holds a usable package (a broken installation)
 */
export function loadCanonicalize(
  name = 'canonicalize',
  // zero-sim-allow ZS_DYNAMIC_IMPORT: only lists node_modules directories; loads the canonicalize package (RFC 8785) at start-up, never code chosen by input
  searchPaths: readonly string[] = require.resolve.paths(name) ?? [],
): Serialize {
  try {
    // zero-sim-allow ZS_DYNAMIC_IMPORT: loads the canonicalize package (RFC 8785) at start-up, never code chosen by input
    const serialize = pickSerialize(require(name));
    if (serialize !== undefined) return serialize;
  } catch (err) {
    if (errorCode(err) !== 'ERR_PACKAGE_PATH_NOT_EXPORTED' && errorCode(err) !== 'MODULE_NOT_FOUND')
      throw err;
  }
  for (const dir of searchPaths) {
    try {
      // zero-sim-allow ZS_DYNAMIC_IMPORT: the package's own file, loads the canonicalize package (RFC 8785) at start-up, never code chosen by input
      const serialize = pickSerialize(require(`${dir}/${name}/lib/canonicalize.js`));
      if (serialize !== undefined) return serialize;
    } catch (err) {
      if (errorCode(err) !== 'MODULE_NOT_FOUND') throw err;
    }
  }
  throw new Error(`cannot load the ${name} package (RFC 8785); run npm ci`);
}

function pickSerialize(loaded: unknown): Serialize | undefined {
  if (typeof loaded === 'function') return loaded as Serialize;
  const fallback = (loaded as { default?: unknown } | null)?.default;
  return typeof fallback === 'function' ? (fallback as Serialize) : undefined;
}

function errorCode(err: unknown): unknown {
  return (err as { code?: unknown } | null)?.code;
}
