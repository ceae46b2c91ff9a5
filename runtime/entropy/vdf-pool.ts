/**
 * VDF evaluation off the calling thread: one worker thread (a VDF is sequential; the service runs
 * one per beacon round), so evaluation never blocks admission or bundle production. The result is
 * the same bytes `evaluateVdf` gives inline.
 * @module
 */
import path from 'node:path';
import { Piscina } from 'piscina';
import type { VdfEvaluation } from './vdf';
import type { VdfTask } from './vdf-worker';

/** Something that evaluates VDFs (the pool, or `evaluateVdf` inline in tools). */
export type VdfEvaluator = { evaluate(input: string, t: bigint): Promise<VdfEvaluation> };

export class VdfPool implements VdfEvaluator {
  readonly #pool: Piscina<VdfTask, VdfEvaluation>;
  #closed = false;

  constructor() {
    this.#pool = new Piscina<VdfTask, VdfEvaluation>({
      filename: path.join(__dirname, 'vdf-worker-entry.js'),
      minThreads: 1,
      maxThreads: 1,
      idleTimeout: 60_000,
    });
  }

  /** Evaluates and proves y = x^(2^T) for `input` on the worker thread. */
  async evaluate(input: string, t: bigint): Promise<VdfEvaluation> {
    if (this.#closed) throw new Error('the VDF pool is closed');
    return this.#pool.run({ input, t });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#pool.close({ force: true });
  }
}
