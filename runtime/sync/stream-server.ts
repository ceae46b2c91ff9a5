/**
 * `GET /v1/sync/stream?from=H`: the sealed bundles from height H on, one JSON line each, as they are
 * committed (the sequencer's push, `propagateFinality`), with certificates and a head line every
 * few seconds in between. A sequencer serves it from its store and a replica from its own, so a
 * replica can follow the sequencer or any other replica. Each subscriber has a pump that sends the
 * next height it lacks when its socket drains, so a subscriber that is far behind reads its
 * backlog at its own pace and then goes on live; recent heights' texts are cached, so live
 * subscribers share one serialisation. docs/sync.md, Propagation.
 *
 *   {"bundle": sealed bundle}   {"certificate": certificate}   {"head": {"height": h, "timeMs": t}}
 * @module
 */
import type { ServerResponse } from 'node:http';
import type { NodeStore } from '../node/store';
import { sealedBundleText } from './stored-sync';

export type StreamLimits = {
  /** Most open streams. */
  readonly streamsMax: number;
  /** A head line (keep-alive) at least this often. */
  readonly heartbeatMs: number;
  /** Control lines (certificates) queued for a slow subscriber before it is dropped. */
  readonly controlQueueMax: number;
};

export const DEFAULT_STREAM_LIMITS: StreamLimits = Object.freeze({
  streamsMax: 64,
  heartbeatMs: 2000,
  controlQueueMax: 4096,
});

/** Heights whose texts are kept for live subscribers. */
const TEXT_CACHE_MAX = 8;

type Subscriber = {
  readonly res: ServerResponse;
  next: number;
  control: string[];
  pumping: boolean;
  closed: boolean;
};

export class StreamServer {
  readonly #store: NodeStore;
  readonly #limits: StreamLimits;
  readonly #nowMs: () => number;
  readonly #subscribers = new Set<Subscriber>();
  readonly #texts = new Map<number, string>();
  #timer: NodeJS.Timeout | null = null;
  #bytes = 0;

  constructor(store: NodeStore, nowMs: () => number, limits: Partial<StreamLimits> = {}) {
    this.#store = store;
    this.#nowMs = nowMs;
    this.#limits = { ...DEFAULT_STREAM_LIMITS, ...limits };
  }

  get subscribers(): number {
    return this.#subscribers.size;
  }

  /** Bytes written to streams since the server started (bandwidth per replica). */
  get bytesWritten(): number {
    return this.#bytes;
  }

  /** Starts the heartbeat (a head line to every subscriber). */
  start(): void {
    if (this.#timer !== null) return;
    this.#timer = setInterval(() => this.#heartbeat(), this.#limits.heartbeatMs);
    this.#timer.unref();
  }

  /** Ends every stream. */
  stop(): void {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
    for (const s of this.#subscribers) this.#close(s);
  }

  /** True when another stream may be opened. */
  hasRoom(): boolean {
    return this.#subscribers.size < this.#limits.streamsMax;
  }

  /**
   * Serves a stream on `res` (headers already written) from height `from`.
   * @returns false when the server is full (the caller answers 503 instead)
   */
  open(res: ServerResponse, from: number): boolean {
    if (!this.hasRoom()) return false;
    const s: Subscriber = { res, next: from, control: [], pumping: false, closed: false };
    this.#subscribers.add(s);
    const end = () => this.#close(s);
    res.once('close', end);
    res.once('error', end);
    res.write(this.#headLine());
    this.#pump(s);
    return true;
  }

  /**
   * A height was committed: every subscriber that is waiting for it gets it now
   * (`propagateFinality`). Returns how many streams will carry it.
   */
  committed(height: number): number {
    let reached = 0;
    for (const s of this.#subscribers) {
      if (s.next <= height) reached += 1;
      this.#pump(s);
    }
    return reached;
  }

  /** Sends a control line (a certificate) to every subscriber, before its next bundle. */
  broadcast(line: string): void {
    for (const s of this.#subscribers) {
      if (s.control.length >= this.#limits.controlQueueMax) {
        this.#close(s); // it reconnects and reads what it missed
        continue;
      }
      s.control.push(line);
      this.#pump(s);
    }
  }

  #heartbeat(): void {
    const line = this.#headLine();
    for (const s of this.#subscribers) {
      s.control.push(line);
      this.#pump(s);
    }
  }

  #headLine(): string {
    return `{"head":{"height":${this.#store.headHeight()},"timeMs":"${this.#nowMs()}"}}\n`;
  }

  /** Writes control lines, then bundles up to the head, while the socket takes them. */
  #pump(s: Subscriber): void {
    if (s.pumping || s.closed) return;
    for (;;) {
      let line = s.control.shift();
      if (line === undefined) {
        line = this.#bundleLine(s.next);
        if (line === undefined) return;
        s.next += 1;
      }
      this.#bytes += line.length;
      if (!s.res.write(line)) {
        s.pumping = true;
        s.res.once('drain', () => {
          s.pumping = false;
          this.#pump(s);
        });
        return;
      }
    }
  }

  #bundleLine(height: number): string | undefined {
    if (height > this.#store.headHeight()) return undefined;
    let text = this.#texts.get(height);
    if (text === undefined) {
      const sealed = sealedBundleText(this.#store, height);
      if (sealed === undefined) return undefined;
      text = `{"bundle":${sealed}}\n`;
      if (height >= this.#store.headHeight() - TEXT_CACHE_MAX) {
        if (this.#texts.size >= TEXT_CACHE_MAX) this.#texts.delete(Math.min(...this.#texts.keys()));
        this.#texts.set(height, text);
      }
    }
    return text;
  }

  #close(s: Subscriber): void {
    if (s.closed) return;
    s.closed = true;
    this.#subscribers.delete(s);
    s.res.destroy();
  }
}
