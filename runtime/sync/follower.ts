/**
 * The replica's side of the stream: it keeps one `GET /v1/sync/stream?from=H` open to a source —
 * the sequencer first, else one of its peers — reads the JSON lines and hands each message to the
 * replica. When the source closes, stalls (no line for `idleTimeoutMs`) or cannot be reached, it
 * reconnects from the replica's height, moving to the next source after a failure, with backoff.
 * While the replica is busy (its queue is full) the response is paused, so TCP holds the sender.
 * @module
 */
import http from 'node:http';
import type { Logger } from '../node/sequencer';

export type FollowerOptions = {
  /** Where to read from, in order of preference (sequencer, then peers). */
  readonly sources: () => readonly string[];
  /** The height to start from (the replica's next height). */
  readonly from: () => number;
  /**
   * Handles one message; returns false when the replica wants the stream paused. `startedAtMs`
   * (performance.now) is when the line's first bytes arrived.
   */
  readonly onMessage: (message: unknown, source: string, startedAtMs: number) => boolean;
  readonly log: Logger;
  /** Longest line accepted (bytes): a sealed bundle of the largest size the replica takes. */
  readonly lineBytesMax: number;
  /** Reconnect when nothing arrived for this long (the source sends a head line every 2 s). */
  readonly idleTimeoutMs?: number;
  /** The replica's address, sent so the source can tell its subscribers apart in logs. */
  readonly replica?: string;
};

const BACKOFF_MIN_MS = 200;
const BACKOFF_MAX_MS = 5000;

export class StreamFollower {
  readonly #o: FollowerOptions;
  #running = false;
  #request: http.ClientRequest | null = null;
  #response: http.IncomingMessage | null = null;
  #sourceIndex = 0;
  #backoffMs = BACKOFF_MIN_MS;
  #wake: (() => void) | null = null;
  #connectedTo: string | null = null;

  constructor(options: FollowerOptions) {
    this.#o = options;
  }

  /** The source currently streaming, or null. */
  get source(): string | null {
    return this.#connectedTo;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    void this.#loop();
  }

  stop(): void {
    this.#running = false;
    this.#request?.destroy();
    this.#wake?.();
  }

  /** The replica has room again: let data flow. */
  resume(): void {
    if (this.#response?.isPaused() !== true) return;
    this.#request?.setTimeout(this.#o.idleTimeoutMs ?? 10_000);
    this.#response.resume();
  }

  /** Drops the current connection (the loop reconnects from the replica's height). */
  reconnect(): void {
    this.#request?.destroy();
  }

  async #loop(): Promise<void> {
    while (this.#running) {
      const sources = this.#o.sources();
      const source = sources[this.#sourceIndex % Math.max(1, sources.length)];
      if (source === undefined) {
        await this.#sleep(BACKOFF_MAX_MS);
        continue;
      }
      const received = await this.#follow(source);
      if (!this.#running) return;
      if (received) this.#backoffMs = BACKOFF_MIN_MS;
      else {
        this.#sourceIndex += 1; // that source failed before any line: try the next one
        this.#backoffMs = Math.min(BACKOFF_MAX_MS, this.#backoffMs * 2);
      }
      await this.#sleep(this.#backoffMs);
    }
  }

  /** Follows one source until the connection ends; true when at least one line arrived. */
  #follow(source: string): Promise<boolean> {
    return new Promise((resolve) => {
      let received = false;
      let buffered: Buffer[] = [];
      let bufferedBytes = 0;
      let lineStartedAtMs = 0;
      const url = new URL('/v1/sync/stream', source);
      url.searchParams.set('from', String(this.#o.from()));
      if (this.#o.replica !== undefined) url.searchParams.set('replica', this.#o.replica);
      const idleMs = this.#o.idleTimeoutMs ?? 10_000;
      const request = http.get(url, { timeout: idleMs }, (res) => {
        this.#response = res;
        if (res.statusCode !== 200) {
          res.resume();
          request.destroy();
          return;
        }
        this.#connectedTo = source;
        res.on('data', (chunk: Buffer) => {
          let start = 0;
          if (bufferedBytes === 0) lineStartedAtMs = performance.now();
          for (let nl = chunk.indexOf(10); nl >= 0; nl = chunk.indexOf(10, start)) {
            buffered.push(chunk.subarray(start, nl));
            const line = Buffer.concat(buffered).toString('utf8');
            buffered = [];
            bufferedBytes = 0;
            start = nl + 1;
            if (line.length === 0) continue;
            received = true;
            const startedAtMs = lineStartedAtMs;
            lineStartedAtMs = performance.now();
            if (!this.#deliver(line, source, startedAtMs)) {
              res.pause();
              request.setTimeout(0); // paused on purpose: not a stalled source
            }
          }
          buffered.push(chunk.subarray(start));
          bufferedBytes += chunk.length - start;
          if (bufferedBytes > this.#o.lineBytesMax) {
            this.#o.log.warn(
              { source, bytes: bufferedBytes },
              'sync stream line too long; reconnecting',
            );
            request.destroy();
          }
        });
      });
      this.#request = request;
      request.on('timeout', () => request.destroy());
      request.on('error', () => undefined); // 'close' follows
      request.on('close', () => {
        this.#request = null;
        this.#response = null;
        this.#connectedTo = null;
        resolve(received);
      });
    });
  }

  #deliver(line: string, source: string, startedAtMs: number): boolean {
    let message: unknown;
    try {
      message = JSON.parse(line);
    } catch {
      this.#o.log.warn({ source }, 'sync stream sent a line that is not JSON');
      return true;
    }
    return this.#o.onMessage(message, source, startedAtMs);
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.#wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
