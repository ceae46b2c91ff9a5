/**
 * The VDF pool's worker: evaluates and proves one VDF (seconds of sequential squarings) off the
 * sequencer's main thread. Loaded through vdf-worker-entry.js, which registers ts-node.
 * @module
 */
import { evaluateVdf, type VdfEvaluation } from './vdf';

export type VdfTask = { readonly input: string; readonly t: bigint };

export function evaluateTask(task: VdfTask): VdfEvaluation {
  return evaluateVdf(task.input, task.t);
}
