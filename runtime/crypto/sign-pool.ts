/**
 * Signing off the calling thread: the sequencer signs two ML-DSA-87 objects per bundle (the DRV
 * packet and the seal), ~1 ms each with QFS's native signer and ~10–15 ms with noble
 * (sign-backend.ts); on a worker thread that time never blocks admission. Signing stays
 * deterministic, so a signature made here equals one made inline.
 * @module
 */
import path from 'node:path';
import { Piscina } from 'piscina';
import type { SignatureContext } from './contexts';
import { CryptoPoolClosedError } from './errors';
import type { SignTask } from './sign-worker';

export class SignPool {
  readonly #pool: Piscina<SignTask, Uint8Array>;
  #closed = false;

  constructor(threads = 1) {
    this.#pool = new Piscina<SignTask, Uint8Array>({
      filename: path.join(__dirname, 'sign-worker-entry.js'),
      minThreads: threads,
      maxThreads: threads,
      idleTimeout: 60_000,
      stricterFIFO: true,
    });
  }

  /** Signs `message` under `context` with `secretKey` on a worker thread. */
  async sign(
    secretKey: Uint8Array,
    message: Uint8Array,
    context: SignatureContext,
  ): Promise<Uint8Array> {
    if (this.#closed) throw new CryptoPoolClosedError();
    return new Uint8Array(await this.#pool.run({ secretKey, message, context }));
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#pool.close();
  }
}
