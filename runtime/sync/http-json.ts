/**
 * Small JSON requests between nodes (a replica's reports to its sequencer, its questions to its
 * peers), each with a timeout and a limit on the answer's size.
 * @module
 */

export type JsonAnswer = { readonly status: number; readonly body: unknown };

export type RequestLimits = { readonly timeoutMs: number; readonly bytesMax: number };

/**
 * Sends a request and reads a JSON answer.
 * @throws when the peer cannot be reached, answers too slowly or too much, or not with JSON
 */
export async function requestJson(
  method: 'GET' | 'POST',
  url: string,
  limits: RequestLimits,
  body?: unknown,
): Promise<JsonAnswer> {
  const response = await fetch(url, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(limits.timeoutMs),
  });
  const reader = response.body?.getReader();
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  for (;;) {
    const next = reader === undefined ? { done: true as const } : await reader.read();
    if (next.done === true) break;
    bytes += next.value.length;
    if (bytes > limits.bytesMax) {
      await reader?.cancel();
      throw new Error(`answer over ${limits.bytesMax} bytes from ${url}`);
    }
    chunks.push(next.value);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  return { status: response.status, body: text === '' ? null : (JSON.parse(text) as unknown) };
}
