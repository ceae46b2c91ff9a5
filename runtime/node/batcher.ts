/**
 * Group work: callers add items one by one and get a promise; the batcher runs the work for many
 * items at once (one fsync for many acknowledgements, one worker round trip for many signatures).
 * A batch runs when it reaches `itemsMax` or `delayMs` after its first item.
 * @module
 */
export class Batcher<I, O> {
  readonly #run: (items: readonly I[]) => Promise<readonly O[]> | readonly O[];
  readonly #itemsMax: number;
  readonly #delayMs: number;
  #pending: { item: I; resolve: (o: O) => void; reject: (e: unknown) => void }[] = [];
  #timer: NodeJS.Timeout | null = null;

  constructor(
    run: (items: readonly I[]) => Promise<readonly O[]> | readonly O[],
    itemsMax: number,
    delayMs: number,
  ) {
    this.#run = run;
    this.#itemsMax = itemsMax;
    this.#delayMs = delayMs;
  }

  add(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.#pending.push({ item, resolve, reject });
      if (this.#pending.length >= this.#itemsMax) this.flush();
      else if (this.#timer === null) this.#timer = setTimeout(() => this.flush(), this.#delayMs);
    });
  }

  /** Runs the pending batch now. */
  flush(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    const batch = this.#pending;
    this.#pending = [];
    if (batch.length === 0) return;
    Promise.resolve()
      .then(() => this.#run(batch.map((b) => b.item)))
      .then(
        (outputs) => batch.forEach((b, i) => b.resolve(outputs[i] as O)),
        (err: unknown) => batch.forEach((b) => b.reject(err)),
      );
  }
}
