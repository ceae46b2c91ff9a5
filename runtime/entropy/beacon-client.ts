/**
 * Fetching beacon rounds from drand's HTTP API (`GET {relay}/{chainHash}/public/latest` and
 * `…/public/{round}`, answered `{"round": n, "randomness": "…", "signature": "…"}`), trying the
 * configured relays in order. Every answer is verified here with the same code packet validation
 * uses (signature under the chain's key, randomness = SHA-256(signature)) before anything else
 * sees it. Issue 22.
 * @module
 */
import { isHex } from '../codec';
import {
  beaconRandomness,
  BEACON_ROUND_MAX,
  BEACON_SIGNATURE_BYTES,
  verifyBeaconSignature,
  type BeaconChain,
} from './beacon';
import { getJson } from './http-json';
import { EntropyFetchFailedError } from './provider-errors';

/** A verified round. */
export type BeaconRound = { readonly round: bigint; readonly signature: string };

export type BeaconFetchOptions = {
  /** Relay base URLs, tried in order (e.g. https://api.drand.sh). */
  readonly urls: readonly string[];
  readonly chain: BeaconChain;
  readonly timeoutMs: number;
  readonly fetch?: typeof fetch;
};

/**
 * Fetches and verifies a round (or the latest one) from the first relay that answers correctly.
 * @param options - relays, chain, timeout
 * @param round - a round number, or 'latest'
 * @returns the verified round
 * @throws {EntropyFetchFailedError} when no relay gives a verified answer (the reasons of all)
 */
export async function fetchBeaconRound(
  options: BeaconFetchOptions,
  round: bigint | 'latest',
): Promise<BeaconRound> {
  const reasons: string[] = [];
  for (const base of options.urls) {
    const url = `${base.replace(/\/+$/, '')}/${options.chain.chainHash}/public/${round === 'latest' ? 'latest' : round.toString()}`;
    try {
      const answer = await getJson(`beacon ${options.chain.name}`, url, options);
      return checkRound(answer.body, options.chain, round, url);
    } catch (err) {
      if (!(err instanceof EntropyFetchFailedError)) throw err;
      reasons.push(err.message);
    }
  }
  throw new EntropyFetchFailedError({
    provider: `beacon ${options.chain.name}`,
    url: options.urls.join(', '),
    reason: reasons.length === 0 ? 'no relay configured' : reasons.join('; '),
  });
}

/** Parses and verifies one relay answer. */
function checkRound(
  body: unknown,
  chain: BeaconChain,
  requested: bigint | 'latest',
  url: string,
): BeaconRound {
  const fail = (reason: string): never => {
    throw new EntropyFetchFailedError({ provider: `beacon ${chain.name}`, url, reason });
  };
  if (typeof body !== 'object' || body === null) return fail('the answer is not an object');
  const j = body as Readonly<Record<string, unknown>>;
  if (typeof j.round !== 'number' || !Number.isSafeInteger(j.round))
    return fail('round is not an integer');
  const round = BigInt(j.round);
  if (round < 1n || round > BEACON_ROUND_MAX) fail('round out of range');
  if (requested !== 'latest' && round !== requested)
    fail(`asked for round ${requested}, got ${round}`);
  if (!isHex(j.signature, BEACON_SIGNATURE_BYTES)) return fail('signature is not 48 bytes of hex');
  if (j.previous_signature !== undefined) fail('a chained round (this chain is unchained)');
  if (!verifyBeaconSignature(chain, round, j.signature))
    fail(`the signature of round ${round} does not verify under the chain key`);
  if (j.randomness !== beaconRandomness(j.signature))
    fail('randomness is not SHA-256 of the signature');
  return Object.freeze({ round, signature: j.signature });
}
