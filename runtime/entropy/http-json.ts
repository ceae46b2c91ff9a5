/**
 * A bounded JSON GET for the entropy providers: a timeout, a body-size limit, and errors that name
 * the provider and the URL (never the API key, which travels in a header).
 * @module
 */
import { EntropyFetchFailedError } from './provider-errors';

/** Largest provider answer read (a drand round is ~250 bytes, a QRNG answer ~2 KB). */
export const PROVIDER_BODY_BYTES_MAX = 64 * 1024;

export type JsonAnswer = {
  readonly status: number;
  readonly headers: Headers;
  readonly body: unknown;
};

/**
 * GETs `url` and parses a JSON body.
 * @param provider - the provider's name (for errors)
 * @param url - the URL
 * @param options - timeout (ms), extra headers, the fetch implementation
 * @throws {EntropyFetchFailedError} unreachable, timed out, not 200, too large, not JSON
 */
export async function getJson(
  provider: string,
  url: string,
  options: {
    readonly timeoutMs: number;
    readonly headers?: Readonly<Record<string, string>>;
    readonly fetch?: typeof fetch;
  },
): Promise<JsonAnswer> {
  const fail = (reason: string, cause?: unknown): never => {
    throw new EntropyFetchFailedError({ provider, url, reason }, cause);
  };
  let response: Response;
  try {
    response = await (options.fetch ?? fetch)(url, {
      headers: { accept: 'application/json', ...options.headers },
      signal: AbortSignal.timeout(options.timeoutMs),
      redirect: 'error',
    });
  } catch (err) {
    const timedOut = err instanceof Error && err.name === 'TimeoutError';
    return fail(timedOut ? `no answer within ${options.timeoutMs} ms` : 'unreachable', err);
  }
  const text = await readLimited(response, PROVIDER_BODY_BYTES_MAX).catch((err: unknown) =>
    fail(err instanceof RangeError ? err.message : 'the body could not be read', err),
  );
  if (response.status !== 200) fail(`HTTP ${response.status}: ${text.slice(0, 120)}`);
  try {
    return { status: response.status, headers: response.headers, body: JSON.parse(text) };
  } catch (err) {
    return fail('the body is not JSON', err);
  }
}

async function readLimited(response: Response, maxBytes: number): Promise<string> {
  const reader = response.body?.getReader();
  if (reader === undefined) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > maxBytes) {
      await reader.cancel();
      throw new RangeError(`the body is larger than ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}
