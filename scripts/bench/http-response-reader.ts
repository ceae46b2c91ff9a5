/**
 * Splits HTTP/1.1 responses off a connection's byte stream for the load generator: status line and
 * Content-Length framing only (the node answers every request with a length-framed JSON body).
 * Anything else (chunked encoding, a missing length, a response over the limit) throws, so a
 * change in the server's framing stops the benchmark instead of skewing it.
 * @module
 */

export type HttpResponse = { readonly status: number; readonly body: string };

const HEAD_END = Buffer.from('\r\n\r\n');
const STATUS_LINE = /^HTTP\/1\.1 (\d{3}) /;
const CONTENT_LENGTH = /\r\ncontent-length:[ \t]*(\d+)[ \t]*\r\n/i;

export class ResponseReader {
  readonly #bytesMax: number;
  #pending: Buffer = Buffer.alloc(0);

  /** @param bytesMax - the largest response (head and body) accepted */
  constructor(bytesMax: number) {
    this.#bytesMax = bytesMax;
  }

  /**
   * Adds bytes read from the connection.
   * @returns the responses completed by them, in order
   * @throws {Error} on a response that is not Content-Length framed HTTP/1.1 or exceeds the limit
   */
  push(chunk: Buffer): HttpResponse[] {
    this.#pending = this.#pending.length === 0 ? chunk : Buffer.concat([this.#pending, chunk]);
    const responses: HttpResponse[] = [];
    for (;;) {
      const headEnd = this.#pending.indexOf(HEAD_END);
      if (headEnd < 0) {
        this.#checkSize(this.#pending.length);
        return responses;
      }
      // The terminating CRLF stays in the head so the last header matches like the others.
      const head = this.#pending.toString('latin1', 0, headEnd + 2);
      const status = STATUS_LINE.exec(head);
      const length = CONTENT_LENGTH.exec(head);
      if (status === null || length === null)
        throw new Error(`not a length-framed HTTP/1.1 response: ${head.slice(0, 200)}`);
      const total = headEnd + HEAD_END.length + Number(length[1]);
      this.#checkSize(total);
      if (this.#pending.length < total) return responses;
      const body = this.#pending.toString('utf8', headEnd + HEAD_END.length, total);
      responses.push({ status: Number(status[1]), body });
      this.#pending = this.#pending.subarray(total);
    }
  }

  #checkSize(bytes: number): void {
    if (bytes > this.#bytesMax)
      throw new Error(`response of ${bytes} bytes exceeds ${this.#bytesMax}`);
  }
}
