/**
 * A client for the node's HTTP API over `fetch`: submit signed transactions, follow them, read
 * accounts, bundles, seals and status, and build-sign-submit transfers and actions in one call.
 * Every failure is a coded error: {@link NodeApiError} carries the server's `{code, message,
 * details}` and HTTP status. Issue 6 (`runtime/sdk` client operations).
 * @module
 */
import type { KeyPair } from '../crypto';
import { txHashOf, txSigningBytes, type Token } from '../engine';
import { ErrorCode, isCodedError } from '../errors';
import { httpStatusOf } from '../http-status';
import type { UD128x18 } from '../math';
import type {
  AccountView,
  BundleView,
  CoherenceSealView,
  KeySealView,
  NodeStatus,
  TxAccepted,
  TxView,
} from './api-types';
import {
  BadResponseError,
  detailsFromWire,
  NodeApiError,
  NodeUnreachableError,
  TxWaitTimeoutError,
} from './errors';
import { actionBody, signTx, transferBody, type TxWire } from './tx-builder';

/** The node API's default address (`qfs start` listens on port 7545 unless told otherwise). */
export const DEFAULT_NODE_URL = 'http://127.0.0.1:7545';

export type ClientOptions = {
  /** Per-request timeout (default 10 s). */
  readonly timeoutMs?: number;
  /** The fetch implementation (default: the global one). */
  readonly fetch?: typeof fetch;
};

export type WaitOptions = {
  /** Give up after this long (default 30 s). */
  readonly timeoutMs?: number;
  /** Poll interval (default 100 ms). */
  readonly intervalMs?: number;
};

/** A settled transaction: committed (with its receipt) or rejected. */
export type SettledTx = Exclude<TxView, { status: 'pending' }>;

/** What the build-sign-submit helpers return: the answer and the nonce they used. */
export type Submitted = TxAccepted & { readonly nonce: bigint };

/** Nonces tried by the build-sign-submit helpers before giving up. */
export const NONCE_ATTEMPTS_MAX = 16;

const ERROR_CODES = new Set<string>(Object.values(ErrorCode));

export class QfsClient {
  readonly baseUrl: string;
  readonly #timeoutMs: number;
  readonly #fetch: typeof fetch;
  /** Last nonce this client used per lowercase address (transactions not yet committed). */
  readonly #nonces = new Map<string, bigint>();
  #chainId: string | undefined;

  /**
   * @param baseUrl - the node API, e.g. `http://127.0.0.1:7545`
   * @param options - request timeout and fetch implementation
   */
  constructor(baseUrl: string = DEFAULT_NODE_URL, options: ClientOptions = {}) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
    this.#timeoutMs = options.timeoutMs ?? 10_000;
    this.#fetch = options.fetch ?? fetch;
  }

  /**
   * Submits a signed transaction; resolves once the node has durably stored it.
   * @throws {NodeApiError} with the node's code (TX_BAD_SIGNATURE, TX_BAD_NONCE, NODE_HALTED, …)
   */
  submit(tx: TxWire): Promise<TxAccepted> {
    return this.#request<TxAccepted>('POST', '/v1/tx', tx);
  }

  /**
   * Submits several signed transactions in one request (`POST /v1/txs`, at most 256), in order;
   * resolves once every accepted one is durably stored. Entry i is transaction i's answer, or the
   * coded error the node gave that transaction alone (the others are unaffected).
   * @throws {NodeApiError} when the request as a whole is refused (not a list of transactions,
   *   too many, too large, rate limited)
   */
  async submitBatch(txs: readonly TxWire[]): Promise<(TxAccepted | NodeApiError)[]> {
    const url = `${this.baseUrl}/v1/txs`;
    const answer = await this.#request<{ results?: unknown }>('POST', '/v1/txs', { txs });
    const results = answer.results;
    if (!Array.isArray(results) || results.length !== txs.length)
      throw new BadResponseError({ url, status: 200, reason: 'results do not match the request' });
    return results.map((r: unknown) => {
      const item = r as { txHash?: unknown; status?: unknown; error?: unknown };
      if (item.error === undefined) return item as TxAccepted;
      const code = (item.error as { code?: unknown }).code;
      const error = apiError(url, typeof code === 'string' ? httpStatusOf(code) : 500, item);
      if (error instanceof NodeApiError) return error;
      throw error;
    });
  }

  /**
   * Where a transaction stands.
   * @throws {NodeApiError} NOT_FOUND when the node does not know it
   */
  tx(txHash: string): Promise<TxView> {
    return this.#request<TxView>('GET', `/v1/tx/${encodeURIComponent(txHash)}`);
  }

  /**
   * Polls until the transaction is committed or rejected.
   * @throws {TxWaitTimeoutError} when it is still pending after `timeoutMs`
   */
  async waitForTx(txHash: string, options: WaitOptions = {}): Promise<SettledTx> {
    const timeoutMs = options.timeoutMs ?? 30_000;
    const intervalMs = options.intervalMs ?? 100;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const view = await this.tx(txHash);
      if (view.status !== 'pending') return view;
      if (Date.now() + intervalMs > deadline) throw new TxWaitTimeoutError({ txHash, timeoutMs });
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }

  /**
   * Polls until the transaction's bundle is confirmed by a quorum certificate (HolonetSync), or the
   * transaction is rejected or committed with a failed receipt (nothing to confirm for the sender).
   * @throws {TxWaitTimeoutError} when it is not confirmed after `timeoutMs`
   */
  async waitForConfirmation(txHash: string, options: WaitOptions = {}): Promise<SettledTx> {
    const timeoutMs = options.timeoutMs ?? 60_000;
    const intervalMs = options.intervalMs ?? 100;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const view = await this.tx(txHash);
      if (view.status === 'rejected' || (view.status === 'committed' && view.confirmed === true))
        return view;
      if (Date.now() + intervalMs > deadline) throw new TxWaitTimeoutError({ txHash, timeoutMs });
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }

  /** Balances, nonce and KeyLedger record of an address (zeros for an untouched address). */
  account(address: string): Promise<AccountView> {
    return this.#request<AccountView>('GET', `/v1/accounts/${encodeURIComponent(address)}`);
  }

  /**
   * A committed bundle.
   * @throws {NodeApiError} NOT_FOUND when there is no bundle at `height`
   */
  bundle(height: number | bigint): Promise<BundleView> {
    return this.#request<BundleView>('GET', `/v1/bundles/${height.toString()}`);
  }

  /** The latest CoherenceLedger seal (NOT_FOUND before the first bundle). */
  latestSeal(): Promise<CoherenceSealView> {
    return this.#request<CoherenceSealView>('GET', '/v1/seals/latest');
  }

  /** The latest KeyLedger seal (NOT_FOUND until a bundle carries a key event). */
  keySeal(): Promise<KeySealView> {
    return this.#request<KeySealView>('GET', '/v1/keyledger/seal');
  }

  status(): Promise<NodeStatus> {
    return this.#request<NodeStatus>('GET', '/v1/status');
  }

  /**
   * Builds, signs and submits a transfer from `key`.
   * @param amount - decimal string (up to 18 fractional digits) or a UD128x18
   * @throws {MathParseError} when the amount is not a decimal
   */
  transfer(key: KeyPair, to: string, token: Token, amount: string | UD128x18): Promise<Submitted> {
    return this.signAndSubmit(key, transferBody(token, to, amount));
  }

  /** Builds, signs and submits an action (`kind`, `units`, optional printable `ref`). */
  action(key: KeyPair, kind: string, units: bigint, ref = ''): Promise<Submitted> {
    return this.signAndSubmit(key, actionBody(kind, units, ref));
  }

  /**
   * Signs `body` from `key` with the next free nonce and submits it. The nonce starts after the
   * committed one and after any this client used; a nonce taken by a pending transaction (the
   * node answers TX_BAD_NONCE, or the same signed bytes are already pending) moves it on, at most
   * {@link NONCE_ATTEMPTS_MAX} times.
   * @throws {NodeApiError} when the node refuses the transaction for another reason
   */
  async signAndSubmit(key: KeyPair, body: Readonly<Record<string, unknown>>): Promise<Submitted> {
    const chainId = await this.#chain();
    const address = key.address.toLowerCase();
    const account = await this.account(key.address);
    const used = this.#nonces.get(address) ?? 0n;
    let nonce = BigInt(account.nonce) >= used ? BigInt(account.nonce) + 1n : used + 1n;
    let lastError: unknown;
    for (let attempt = 0; attempt < NONCE_ATTEMPTS_MAX; attempt++) {
      // Signing is deterministic: the same body at a nonce already pending is the same
      // transaction, so a fresh request needs the next nonce.
      const hash = txHashOf(txSigningBytes({ chainId, from: key.address, nonce, wireBody: body }));
      if ((await this.#statusOf(hash)) === 'pending') {
        nonce += 1n;
        continue;
      }
      try {
        const accepted = await this.submit(signTx(key, chainId, nonce, body));
        this.#nonces.set(address, nonce);
        return { ...accepted, nonce };
      } catch (err) {
        if (!(err instanceof NodeApiError) || err.code !== ErrorCode.TX_BAD_NONCE) throw err;
        lastError = err;
        const committed = err.details.committed;
        nonce =
          typeof committed === 'string' && BigInt(committed) >= nonce
            ? BigInt(committed) + 1n
            : nonce + 1n;
      }
    }
    throw lastError ?? new Error('no free nonce');
  }

  async #chain(): Promise<string> {
    this.#chainId ??= (await this.status()).chainId;
    return this.#chainId;
  }

  async #statusOf(txHash: string): Promise<TxView['status'] | null> {
    try {
      return (await this.tx(txHash)).status;
    } catch (err) {
      if (isCodedError(err, ErrorCode.NOT_FOUND)) return null;
      throw err;
    }
  }

  async #request<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const url = `${this.baseUrl}${path}`;
    let response: Response;
    try {
      response = await this.#fetch(url, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
    } catch (err) {
      throw new NodeUnreachableError({ url, reason: reasonOf(err) }, err);
    }
    const text = await response.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new BadResponseError({ url, status: response.status, reason: 'not JSON' });
    }
    if (response.ok) {
      if (typeof json !== 'object' || json === null)
        throw new BadResponseError({ url, status: response.status, reason: 'not an object' });
      return json as T;
    }
    throw apiError(url, response.status, json);
  }
}

/** The error a non-2xx answer stands for. */
function apiError(url: string, status: number, json: unknown): Error {
  const error = (json as { error?: { code?: unknown; message?: unknown; details?: unknown } })
    ?.error;
  if (typeof error?.code !== 'string' || typeof error.message !== 'string') {
    return new BadResponseError({ url, status, reason: 'error without {code, message}' });
  }
  if (!ERROR_CODES.has(error.code)) {
    return new BadResponseError({
      url,
      status,
      reason: `unknown error code ${error.code.slice(0, 64)}`,
      serverCode: error.code.slice(0, 64),
      serverMessage: error.message.slice(0, 500),
    });
  }
  return new NodeApiError(
    error.code as ErrorCode,
    error.message,
    detailsFromWire(error.details),
    status,
  );
}

function reasonOf(err: unknown): string {
  if (err instanceof Error) {
    const cause = (err as Error & { cause?: { code?: unknown } }).cause;
    if (err.name === 'TimeoutError') return 'timeout';
    if (typeof cause?.code === 'string') return cause.code;
    return err.message;
  }
  return String(err);
}
