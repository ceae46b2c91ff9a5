/**
 * The explorer's static files (`GET /`, `/main.js`, …), built by `npm run build:explorer` into
 * `dist/explorer` and served as files by the node: no CDN, works offline. Only files present at
 * start-up get routes (no wildcard), so a missing file is an unknown route and answers the API's
 * JSON error envelope like any other. When the explorer is not built, `GET /` answers 404
 * `NOT_FOUND` naming the build command. Issue 23.
 * @module
 */
import fs from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { NotFoundError } from '../errors';
import { PROJECT_ROOT } from '../integrity';
import type { ExplorerDeps } from './routes/explorer';

/** Where `npm run build:explorer` writes the explorer. */
export const EXPLORER_DIST_DIR = path.join(PROJECT_ROOT, 'dist', 'explorer');

/**
 * Registers the explorer's files under `/`, with a Content-Security-Policy that lets the page
 * fetch only its own origin and the chain RPC it reads balances from.
 * @param app - the API
 * @param options - `dir`: the built explorer (default {@link EXPLORER_DIST_DIR}); `chain`: the
 *   chain facts published to the page
 */
export function registerExplorerStatic(
  app: FastifyInstance,
  options: ExplorerDeps & { readonly dir?: string },
): void {
  const dir = options.dir ?? EXPLORER_DIST_DIR;
  const rpcUrl = options.chain?.()?.rpcUrl ?? null;
  if (!fs.existsSync(path.join(dir, 'index.html'))) {
    app.get('/', { schema: { hide: true } }, async () => {
      throw new NotFoundError('explorer build', { dir, build: 'npm run build:explorer' });
    });
    return;
  }
  const csp = [
    "default-src 'self'",
    `connect-src 'self'${rpcUrl === null ? '' : ` ${new URL(rpcUrl).origin}`}`,
    "img-src 'self' data:",
    "style-src 'self' 'unsafe-inline'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
  app.register(fastifyStatic, {
    root: dir,
    prefix: '/',
    wildcard: false,
    index: ['index.html'],
    decorateReply: false,
    schemaHide: true,
    cacheControl: false,
    setHeaders: (res) => {
      res.setHeader('cache-control', 'no-cache');
      res.setHeader('content-security-policy', csp);
      res.setHeader('x-content-type-options', 'nosniff');
    },
  });
}
