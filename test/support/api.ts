/**
 * An API test bed: a real sequencer on a temporary SQLite store with the fastify app over it, and
 * an assertion that an answer is the error `{error: {code, message, details}}` with the status
 * the one mapping assigns to its code.
 * @module
 */
import { expect } from 'chai';
import type { LightMyRequestResponse } from 'fastify';
import { buildApp, HTTP_STATUS, type ApiErrorCode, type ApiOptions } from '../../runtime/node/api';
import type { AnchorStatus } from '../../runtime/node/anchoring';
import type { NodeLimits, Sequencer } from '../../runtime/node/sequencer';
import { initStore, openSequencer, tempDir } from './node';

export type ApiNode = {
  readonly seq: Sequencer;
  readonly app: ReturnType<typeof buildApp>;
  close(): Promise<void>;
};

export async function apiNode(
  options: {
    nodeLimits?: Partial<NodeLimits>;
    api?: ApiOptions;
    anchorStatus?: () => AnchorStatus | null;
  } = {},
): Promise<ApiNode> {
  const seq = await openSequencer(initStore(tempDir()), options.nodeLimits);
  const app = buildApp(
    {
      sequencer: seq,
      version: '0.0.0-test',
      ...(options.anchorStatus === undefined ? {} : { anchorStatus: options.anchorStatus }),
    },
    { processMetrics: false, ...options.api },
  );
  return {
    seq,
    app,
    close: async () => {
      await app.close();
      await seq.stop();
      seq.store.close();
    },
  };
}

/** Asserts the error shape and the mapped status; returns the details. */
export function expectError(
  res: LightMyRequestResponse,
  code: ApiErrorCode,
): Record<string, unknown> {
  const body = res.json() as {
    error: { code: string; message: string; details: Record<string, unknown> };
  };
  expect(body.error?.code, res.body).to.equal(code);
  expect(res.statusCode, res.body).to.equal(HTTP_STATUS[code]);
  expect(Object.keys(body)).to.deep.equal(['error']);
  expect(Object.keys(body.error).sort()).to.deep.equal(['code', 'details', 'message']);
  expect(body.error.message).to.be.a('string').and.not.equal('');
  expect(body.error.details).to.be.an('object');
  return body.error.details;
}

/** Polls `check` (a few ms apart) until it returns a value, at most `attempts` times. */
export async function eventually<T>(check: () => T | undefined, attempts = 400): Promise<T> {
  for (let i = 0; i < attempts; i++) {
    const value = check();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error('condition not reached');
}

/** Starts the app on a loopback port chosen by the OS and returns its base URL. */
export async function listenLoopback(node: ApiNode): Promise<string> {
  const address = await node.app.listen({ host: '127.0.0.1', port: 0 });
  return address.replace('localhost', '127.0.0.1');
}
