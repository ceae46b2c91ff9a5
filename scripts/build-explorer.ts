/**
 * Builds the explorer (runtime/explorer) into dist/explorer with esbuild: one ES-module entry, code
 * split so that ethers loads only when a chain is configured, uPlot's CSS bundled, index.html
 * copied. Run by `npm ci` (postinstall), `npm run build`, `npm start` and `npm test`.
 *
 * The page verifies with the runtime's own code (codec, ledger, engine, crypto's ML-DSA framing),
 * so the build maps the few Node-only things that code touches to browser equivalents:
 * `node:crypto`'s one-shot SHA-256 → @noble/hashes, the global `Buffer` → the `buffer` package,
 * `runtime/crypto/index.ts` → the same modules minus worker pools, keystore and native addon, and
 * the native addon's loader → "none". Any other `node:` import fails the build. Issue 23.
 * @module
 */
import fs from 'node:fs';
import path from 'node:path';
import { build, type Plugin } from 'esbuild';

const ROOT = path.join(__dirname, '..');
const SOURCE = path.join(ROOT, 'runtime', 'explorer');
const SHIMS = path.join(SOURCE, 'shims');
const CRYPTO_DIR = path.join(ROOT, 'runtime', 'crypto');
export const OUT_DIR = path.join(ROOT, 'dist', 'explorer');

/** Redirects the Node-only imports of runtime code to the browser shims. */
const browserShims: Plugin = {
  name: 'qfs-browser-shims',
  setup(b) {
    b.onResolve({ filter: /^node:crypto$/ }, () => ({ path: path.join(SHIMS, 'node-crypto.ts') }));
    b.onResolve({ filter: /^pqclean$/ }, () => ({ path: path.join(SHIMS, 'pqclean.ts') }));
    b.onResolve({ filter: /^node:/ }, (args) => ({
      errors: [{ text: `${args.path} has no browser equivalent (imported by ${args.importer})` }],
    }));
    b.onResolve({ filter: /(^|\/)native-build$/ }, (args) =>
      path.dirname(args.importer) === CRYPTO_DIR
        ? { path: path.join(SHIMS, 'native-build.ts') }
        : undefined,
    );
    b.onResolve({ filter: /(^|\/)crypto$/ }, (args) => {
      if (args.importer.startsWith(SHIMS)) return undefined;
      const target = path.resolve(path.dirname(args.importer), args.path);
      return target === CRYPTO_DIR ? { path: path.join(SHIMS, 'crypto-index.ts') } : undefined;
    });
  },
};

export async function buildExplorer(outDir = OUT_DIR): Promise<void> {
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(outDir, { recursive: true });
  const result = await build({
    entryPoints: { main: path.join(SOURCE, 'main.ts') },
    outdir: outDir,
    bundle: true,
    format: 'esm',
    splitting: true,
    platform: 'browser',
    target: ['es2022'],
    minify: true,
    legalComments: 'linked',
    chunkNames: 'chunk-[hash]',
    define: { 'process.env': '{}' },
    inject: [path.join(SHIMS, 'buffer-global.ts')],
    plugins: [browserShims],
    logLevel: 'warning',
    metafile: true,
  });
  fs.copyFileSync(path.join(SOURCE, 'index.html'), path.join(outDir, 'index.html'));
  const bytes = Object.entries(result.metafile.outputs)
    .filter(([file]) => !file.endsWith('.map'))
    .reduce((sum, [, o]) => sum + o.bytes, 0);
  process.stdout.write(
    `explorer built: ${path.relative(ROOT, outDir)} (${Math.round(bytes / 1024)} KiB)\n`,
  );
}

if (require.main === module) {
  buildExplorer().catch((err: unknown) => {
    process.stderr.write(`explorer build failed: ${String(err)}\n`);
    process.exit(1);
  });
}
