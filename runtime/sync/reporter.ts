/**
 * Delivers a replica's attestations (and its signed refusals) to the sequencer it follows:
 * `POST /v1/sync/attestations`, in height order, retried with backoff while the sequencer is
 * unreachable. What to send is read from the sync store (cosigned, not yet reported), so an
 * attestation made just before a crash is delivered after the restart.
 * @module
 */
import type { Logger } from '../node/sequencer';
import { requestJson } from './http-json';
import type { SyncStore } from './sync-store';

/** Attestations per report. */
const REPORT_BATCH = 64;
const BACKOFF_MAX_MS = 5000;

export class Reporter {
  readonly #sync: SyncStore;
  readonly #url: string;
  readonly #log: Logger;
  readonly #refusals: unknown[] = [];
  #running = false;
  #busy = false;
  #backoffMs = 0;
  #timer: NodeJS.Timeout | null = null;
  #lastError: string | null = null;

  constructor(options: { sync: SyncStore; sequencerUrl: string; log: Logger }) {
    this.#sync = options.sync;
    this.#url = new URL('/v1/sync/attestations', options.sequencerUrl).toString();
    this.#log = options.log;
  }

  get lastError(): string | null {
    return this.#lastError;
  }

  start(): void {
    this.#running = true;
    this.wake();
  }

  stop(): void {
    this.#running = false;
    if (this.#timer !== null) clearTimeout(this.#timer);
  }

  /** Queues a signed refusal (JSON) for the next report. */
  refusal(record: unknown): void {
    if (this.#refusals.length < 1024) this.#refusals.push(record);
    this.wake();
  }

  /** Sends what is pending now (unless a report is on its way or a backoff is running). */
  wake(): void {
    if (!this.#running || this.#busy || this.#timer !== null) return;
    this.#busy = true;
    void this.#send().finally(() => {
      this.#busy = false;
    });
  }

  async #send(): Promise<void> {
    for (;;) {
      const pending = this.#sync.unreported(REPORT_BATCH);
      const refusals = this.#refusals.splice(0, REPORT_BATCH);
      if (pending.length === 0 && refusals.length === 0) return;
      try {
        const answer = await requestJson(
          'POST',
          this.#url,
          { timeoutMs: 10_000, bytesMax: 1024 * 1024 },
          { attestations: pending.map((p) => JSON.parse(p.attestation) as unknown), refusals },
        );
        if (answer.status !== 200)
          throw new Error(`status ${answer.status}: ${JSON.stringify(answer.body).slice(0, 300)}`);
        const rejected = (answer.body as { rejected?: unknown[] }).rejected ?? [];
        if (rejected.length > 0)
          this.#log.warn(
            { rejected: rejected.slice(0, 4) },
            'the sequencer did not accept some attestations',
          );
        this.#sync.markReported(pending.map((p) => p.height));
        this.#backoffMs = 0;
        this.#lastError = null;
      } catch (err) {
        this.#refusals.unshift(...refusals);
        this.#lastError = err instanceof Error ? err.message : String(err);
        this.#backoffMs = Math.min(BACKOFF_MAX_MS, Math.max(200, this.#backoffMs * 2));
        this.#timer = setTimeout(() => {
          this.#timer = null;
          this.wake();
        }, this.#backoffMs);
        this.#timer.unref();
        return;
      }
    }
  }
}
