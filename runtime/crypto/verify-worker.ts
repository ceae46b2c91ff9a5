/**
 * The verification pool's worker: verifies a chunk of signatures with the backend the pool chose.
 * Loaded through verify-worker-entry.js, which registers ts-node in the worker thread.
 * @module
 */
import {
  createNativeBackend,
  nobleBackend,
  type VerifyBackend,
  type VerifyBackendName,
} from './backend';
import type { KeyCacheStats } from './noble';
import { readlinkSync } from 'node:fs';
import { threadId } from 'node:worker_threads';
import type { SignatureContext } from './contexts';
import { contextMessage } from './ml-dsa';

/** One signature to check, already shape-checked by the pool. */
export type VerifyItem = {
  readonly publicKey: Uint8Array;
  readonly message: Uint8Array;
  readonly signature: Uint8Array;
  readonly context: SignatureContext;
};

/** A task: a chunk of items and the backend to use. */
export type VerifyTask = {
  readonly backend: VerifyBackendName;
  readonly items: readonly VerifyItem[];
};

const backends = new Map<VerifyBackendName, VerifyBackend>();

function backendFor(name: VerifyBackendName): VerifyBackend {
  let backend = backends.get(name);
  if (backend === undefined) {
    backend = name === 'native' ? createNativeBackend() : nobleBackend;
    backends.set(name, backend);
  }
  return backend;
}

/**
 * A chunk's verdicts, this worker's key-cache counters so far (null without a cache), and its
 * operating-system thread id (null off Linux), so that benchmarks can tell the verification
 * threads' CPU time from the rest of the process's (/proc/<pid>/task/<tid>/stat).
 */
export type VerifyChunkResult = {
  readonly verdicts: boolean[];
  readonly thread: number;
  readonly osThread: number | null;
  readonly cache: KeyCacheStats | null;
};

/** This thread's OS id: /proc/thread-self links to <pid>/task/<tid> on Linux. */
const osThread: number | null = (() => {
  try {
    return Number(readlinkSync('/proc/thread-self').split('/').pop());
  } catch {
    return null;
  }
})();

/** Verifies every item of the task, in order. */
export function verifyChunk(task: VerifyTask): VerifyChunkResult {
  const backend = backendFor(task.backend);
  const verdicts = task.items.map((item) =>
    backend.verify(item.publicKey, contextMessage(item.context, item.message), item.signature),
  );
  return { verdicts, thread: threadId, osThread, cache: backend.cacheStats?.() ?? null };
}
