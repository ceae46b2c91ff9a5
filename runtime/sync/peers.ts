/**
 * A replica's peers: the other replicas it knows by URL. Before it cosigns a height it asks each
 * reachable peer which seal it holds there (`GET /v1/sync/seals/{h}`): a different seal, validly
 * signed by the same sequencer key, is equivocation found before any cosignature on it. It also
 * collects the evidence its peers found (`GET /v1/sync/evidence`). A peer that fails is skipped for
 * a while, so a stopped peer costs one short timeout, not one per height.
 * @module
 */
import type { Logger } from '../node/sequencer';
import { requestJson } from './http-json';

export type PeerOptions = {
  readonly urls: readonly string[];
  readonly log: Logger;
  /** Per request (ms). */
  readonly timeoutMs?: number;
  /** How long a failed peer is skipped (ms). */
  readonly skipMs?: number;
  /** How long a peer at the tip is waited for before cosigning (ms). */
  readonly waitMs?: number;
};

/** A peer's answer for one height: the seal it holds (JSON as served), if any. */
export type PeerSeal = { readonly peer: string; readonly seal: unknown; readonly packet: unknown };

/** Largest answer accepted from a peer (a seal and a packet; an evidence page). */
const PEER_ANSWER_BYTES_MAX = 4 * 1024 * 1024;

export class PeerSet {
  readonly #o: PeerOptions;
  readonly #skipUntil = new Map<string, number>();

  constructor(options: PeerOptions) {
    this.#o = options;
  }

  get urls(): readonly string[] {
    return this.#o.urls;
  }

  /**
   * The seals the reachable peers hold at `height` whose hash is not `sealHash`. A peer at the tip
   * (it needs exactly this height next) is asked again for up to `waitMs`: it is about to hold the
   * height, and a sequencer that shows two seals to two replicas at once shows them both here.
   */
  async differingSeals(height: number, sealHash: string): Promise<PeerSeal[]> {
    const deadline = Date.now() + (this.#o.waitMs ?? 500);
    const answers = await Promise.all(
      this.#live().map(async (peer) => {
        for (;;) {
          const a = await this.#get(peer, `/v1/sync/seals/${height}`);
          if (a === null || a.status === 200) return a;
          const next = (a.body as { error?: { details?: { next?: unknown } } } | null)?.error
            ?.details?.next;
          if (next !== height || Date.now() >= deadline) return null;
          await new Promise((resolve) => setTimeout(resolve, 25));
        }
      }),
    );
    const out: PeerSeal[] = [];
    for (const a of answers) {
      if (a === null || a.status !== 200) continue;
      const body = a.body as { sealHash?: unknown; seal?: unknown; packet?: unknown };
      if (body.sealHash !== sealHash)
        out.push({ peer: a.peer, seal: body.seal, packet: body.packet });
    }
    return out;
  }

  /** Every evidence item the reachable peers serve (JSON, unchecked). */
  async evidence(): Promise<unknown[]> {
    const answers = await Promise.all(
      this.#live().map((peer) => this.#get(peer, '/v1/sync/evidence')),
    );
    return answers.flatMap((a) => {
      const list = (a?.body as { evidence?: unknown } | null)?.evidence;
      return Array.isArray(list) ? (list as { evidence?: unknown }[]).map((e) => e.evidence) : [];
    });
  }

  #live(): string[] {
    const now = Date.now();
    return this.#o.urls.filter((u) => (this.#skipUntil.get(u) ?? 0) <= now);
  }

  async #get(
    peer: string,
    path: string,
  ): Promise<{ peer: string; status: number; body: unknown } | null> {
    try {
      const answer = await requestJson('GET', new URL(path, peer).toString(), {
        timeoutMs: this.#o.timeoutMs ?? 500,
        bytesMax: PEER_ANSWER_BYTES_MAX,
      });
      this.#skipUntil.delete(peer);
      return { peer, ...answer };
    } catch {
      this.#skipUntil.set(peer, Date.now() + (this.#o.skipMs ?? 5000));
      return null;
    }
  }
}
