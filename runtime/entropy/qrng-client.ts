/**
 * A QRNG provider with the ANU Quantum Numbers API's shape: `GET {url}?length=L&type=hex16&size=S`
 * with the key in an `x-api-key` header, answered
 * `{"success": true, "type": "hex16", "length": "L", "data": ["<4·S hex digits>", …]}`. Its bytes
 * cannot be verified by anyone else, so they are recorded as received (provider, request id, raw
 * bytes, SHA-256) and only ever mixed into a VDF input next to the beacon, never used alone.
 * The request id is the API gateway's `x-amzn-requestid` header when present, else a local UUID
 * marked `local-`. Issue 22.
 * @module
 */
import { randomUUID } from 'node:crypto';
import { hexToBytes, isHex, sha256Hex } from '../codec';
import { QRNG_BYTES_MAX, type QrngRecord } from './record';
import { getJson } from './http-json';
import { EntropyFetchFailedError } from './provider-errors';

export type QrngOptions = {
  /** The API's URL (https://api.quantumnumbers.anu.edu.au for ANU). */
  readonly url: string;
  /** The provider's name as recorded (e.g. "anu-quantum-numbers"). */
  readonly provider: string;
  readonly apiKey: string;
  /** Blocks asked for (`length`) and 16-bit words per block (`size`): 2 × 4 = 16 bytes. */
  readonly blocks: number;
  readonly blockSize: number;
  readonly timeoutMs: number;
  readonly fetch?: typeof fetch;
};

/**
 * Fetches QRNG bytes and records them.
 * @throws {EntropyFetchFailedError} unreachable, not success, wrong type or length
 */
export async function fetchQrng(options: QrngOptions): Promise<QrngRecord> {
  const bytes = options.blocks * options.blockSize * 2;
  if (!Number.isSafeInteger(bytes) || bytes < 1 || bytes > QRNG_BYTES_MAX)
    throw new RangeError(`QRNG blocks × size × 2 must be 1..${QRNG_BYTES_MAX} bytes`);
  const url = `${options.url.replace(/\/+$/, '')}?length=${options.blocks}&type=hex16&size=${options.blockSize}`;
  const answer = await getJson(options.provider, url, {
    timeoutMs: options.timeoutMs,
    headers: { 'x-api-key': options.apiKey },
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
  });
  const fail = (reason: string): never => {
    throw new EntropyFetchFailedError({ provider: options.provider, url, reason });
  };
  const body = answer.body as Readonly<Record<string, unknown>> | null;
  if (typeof body !== 'object' || body === null || body.success !== true)
    return fail('the answer is not {"success": true, …}');
  if (body.type !== 'hex16') fail(`type ${String(body.type)}, asked for hex16`);
  if (String(body.length) !== String(options.blocks)) fail(`length ${String(body.length)}`);
  const data = body.data;
  const digits = options.blockSize * 4;
  if (
    !Array.isArray(data) ||
    data.length !== options.blocks ||
    !data.every((d) => typeof d === 'string' && isHex(d.toLowerCase()) && d.length === digits)
  )
    fail(`data is not ${options.blocks} blocks of ${digits} hex digits`);
  const hex = (data as string[]).join('').toLowerCase();
  const header = answer.headers.get('x-amzn-requestid');
  const requestId =
    header !== null && /^[\x20-\x7e]{1,128}$/.test(header) ? header : `local-${randomUUID()}`;
  return Object.freeze({
    provider: options.provider,
    requestId,
    bytes: hex,
    sha256: sha256Hex(hexToBytes(hex)),
  });
}
