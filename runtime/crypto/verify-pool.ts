/**
 * The verification pool: ML-DSA-87 verification on worker threads (piscina), with a batch API.
 * Verification is the per-transaction cost of the sequencer, so it runs on every core (DESIGN.md
 * §4, §6). Items are shape-checked on the calling thread, split into chunks, verified in the
 * workers with the backend selected here, and returned in input order.
 * @module
 */
import os from 'node:os';
import path from 'node:path';
import { Piscina } from 'piscina';
import { selectVerifyBackend, type BackendPreference, type VerifyBackendName } from './backend';
import { CryptoInvalidInputError, CryptoPoolClosedError } from './errors';
import { checkVerifyInput, verify } from './ml-dsa';
import type { KeyCacheStats } from './noble';
import type { VerifyChunkResult, VerifyItem, VerifyTask } from './verify-worker';

export type { VerifyItem } from './verify-worker';

/** Largest number of items one worker task carries (keeps tasks short and the load balanced). */
export const POOL_TASK_ITEMS_MAX = 64;

/** Options of {@link VerifyPool.create}. */
export type VerifyPoolOptions = {
  /** Worker threads (default: the number of cores, `os.availableParallelism()`). */
  readonly threads?: number;
  /** Backend preference (default `auto`: native when available, else noble with a log line). */
  readonly backend?: BackendPreference;
  /** Receives the fallback log line (default stderr). */
  readonly log?: (line: string) => void;
  /**
   * Scheduling niceness of the worker threads, 0..19 (default 10). Verification is throughput
   * work; the main thread (admission, bundles) and the signing thread are on the latency path of
   * every bundle. With both cores busy, equal priority let the verification threads delay seal
   * signing threefold and cost the node about a quarter of its HTTP rate.
   */
  readonly nice?: number;
};

/** The default niceness of verification threads. */
export const VERIFY_NICE_DEFAULT = 10;

/** A pool of worker threads that verify ML-DSA-87 signatures in batches. Close it when done. */
export class VerifyPool {
  readonly threads: number;
  readonly backend: VerifyBackendName;
  readonly #pool: Piscina<VerifyTask, VerifyChunkResult>;
  /** Each worker's latest key-cache counters, by thread id. */
  readonly #cache = new Map<number, KeyCacheStats>();
  /** The workers' operating-system thread ids seen so far. */
  readonly #osThreads = new Set<number>();
  #closed = false;

  private constructor(threads: number, backend: VerifyBackendName, nice: number) {
    this.threads = threads;
    this.backend = backend;
    this.#pool = new Piscina<VerifyTask, VerifyChunkResult>({
      filename: path.join(__dirname, 'verify-worker-entry.js'),
      workerData: { nice },
      minThreads: threads,
      maxThreads: threads,
      idleTimeout: 60_000,
      // Each worker holds up to four queued batches and runs them back to back. With one, a worker
      // waits for the main thread to take its answer and hand it the next batch, and a busy event
      // loop (HTTP parsing, a bundle commit) left the workers idle half the time: over HTTP this
      // raised the node's rate by about a quarter. Verification is synchronous inside a worker,
      // so each worker's batches still finish in the order it was given them.
      concurrentTasksPerWorker: 4,
      // Batches must finish in the order they were queued: the sequencer acknowledges in that order,
      // and an out-of-order batch leaves nonce gaps that stall every sender (default piscina
      // re-queues an undistributed task at the tail).
      stricterFIFO: true,
    });
  }

  /**
   * Starts a pool. The backend is chosen here, once, and every worker uses the same one.
   * @param options - threads, backend preference, logger
   * @returns the pool
   * @throws {CryptoBackendUnavailableError} when `backend: 'native'` is required and missing
   * @throws {CryptoInvalidInputError} when `threads` is not an integer in [1, 256] or `nice` not in [0, 19]
   */
  static create(options: VerifyPoolOptions = {}): VerifyPool {
    const threads = options.threads ?? os.availableParallelism();
    if (!Number.isSafeInteger(threads) || threads < 1 || threads > 256) {
      throw new CryptoInvalidInputError({
        field: 'threads',
        reason: `not an integer in [1, 256]: ${threads}`,
      });
    }
    const selected = selectVerifyBackend({
      preference: options.backend ?? 'auto',
      ...(options.log === undefined ? {} : { log: options.log }),
    });
    const nice = options.nice ?? VERIFY_NICE_DEFAULT;
    if (!Number.isSafeInteger(nice) || nice < 0 || nice > 19) {
      throw new CryptoInvalidInputError({
        field: 'nice',
        reason: `not an integer in [0, 19]: ${nice}`,
      });
    }
    return new VerifyPool(threads, selected.name, nice);
  }

  /**
   * Verifies every item; the result at index i is item i's verdict.
   * @param items - the signatures to check
   * @returns one boolean per item, in input order
   * @throws {CryptoInvalidInputError} when an item is malformed (details name its index)
   * @throws {CryptoPoolClosedError} when the pool is closed
   */
  async verifyBatch(items: readonly VerifyItem[]): Promise<boolean[]> {
    if (this.#closed) throw new CryptoPoolClosedError();
    items.forEach((item, index) =>
      checkVerifyInput(item.publicKey, item.message, item.signature, item.context, index),
    );
    if (items.length === 0) return [];
    const chunkSize = Math.min(POOL_TASK_ITEMS_MAX, Math.ceil(items.length / this.threads));
    const tasks: Promise<VerifyChunkResult>[] = [];
    for (let start = 0; start < items.length; start += chunkSize) {
      const task: VerifyTask = {
        backend: this.backend,
        items: items.slice(start, start + chunkSize),
      };
      tasks.push(this.#pool.run(task));
    }
    try {
      const results = await Promise.all(tasks);
      for (const r of results) {
        if (r.cache !== null) this.#cache.set(r.thread, r.cache);
        if (r.osThread !== null) this.#osThreads.add(r.osThread);
      }
      return results.flatMap((r) => r.verdicts);
    } catch (err) {
      if (this.#closed) throw new CryptoPoolClosedError();
      throw err;
    }
  }

  /**
   * The workers' expanded-key cache counters summed (as of each worker's latest batch), or null
   * for a backend without a cache (noble, pqclean's addon). Benchmarks report the hit rate.
   */
  cacheStats(): KeyCacheStats | null {
    if (this.#cache.size === 0) return null;
    let hits = 0;
    let misses = 0;
    for (const s of this.#cache.values()) {
      hits += s.hits;
      misses += s.misses;
    }
    return { hits, misses };
  }

  /** The operating-system thread ids of the workers that have verified something (Linux). */
  osThreads(): number[] {
    return [...this.#osThreads].sort((a, b) => a - b);
  }

  /** Waits for running batches, then stops the workers. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#pool.close();
  }
}

/**
 * Verifies `items` on `pool` when there is one, else one by one on the calling thread (tools and
 * tests without a pool). The one place that choice is made for every caller.
 */
export async function verifyAll(
  items: readonly VerifyItem[],
  pool: VerifyPool | undefined,
): Promise<boolean[]> {
  if (pool !== undefined) return pool.verifyBatch(items);
  return items.map((i) => verify(i.publicKey, i.message, i.signature, i.context));
}
