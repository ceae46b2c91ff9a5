/**
 * The signing pool's worker: deterministic ML-DSA-87 signatures (the same bytes `sign` gives on
 * the calling thread). Loaded through sign-worker-entry.js, which registers ts-node.
 * @module
 */
import type { SignatureContext } from './contexts';
import { sign } from './ml-dsa';
import { getSignBackend } from './sign-backend';

export type SignTask = {
  readonly secretKey: Uint8Array;
  readonly message: Uint8Array;
  readonly context: SignatureContext;
};

export function signTask(task: SignTask): Uint8Array {
  return sign(task.secretKey, task.message, task.context, getSignBackend());
}
