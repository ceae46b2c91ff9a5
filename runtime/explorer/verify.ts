/**
 * What the explorer checks in the browser, with the runtime's own code (the bundle imports
 * runtime/codec, ledger, engine, crypto's ML-DSA-87 framing and node/records; see
 * scripts/build-explorer.ts): the KeyLedger entry by entry (shape, link, hash, signatures,
 * lifecycle rules), each bundle's DRV packet (hash, signer, ML-DSA-87 signature, link to the
 * previous packet), CoherenceLedger entry (hash, link) and seal (fields, signature, hash), each
 * transaction (hash, signature), the payload commitment and the bundle hash over transactions,
 * receipts, rewards and allocations, halt records, the KeyLedger seal and HolonetSync's quorum
 * certificates (issue 21). Nothing here trusts a
 * hash the node states: each is recomputed and compared with the signed value. Issue 23.
 * @module
 */
import { hexToBytes } from '../codec';
import {
  nobleBackend,
  nobleSigner,
  setSignBackend,
  setVerifyBackend,
  SignatureContext,
  verify,
} from '../crypto';
import {
  bundleHashOf,
  parseTx,
  txSigningBytes,
  TOKENS,
  type Receipt,
  type RewardBundle,
  type SignedTx,
  type Token,
} from '../engine';
import { isCodedError, type ErrorCode } from '../errors';
import {
  applyKeyEvent,
  coherenceEntryHash,
  coherenceSealHash,
  computePayloadHash,
  EMPTY_KEY_LEDGER_STATE,
  keyLedgerView,
  packetHash,
  packetSigningBytes,
  parseKeyLedgerEntry,
  parsePacket,
  validatePacket,
  verifyCoherenceChain,
  verifyCoherenceSeal,
  verifySeal,
  type CoherenceEntry,
  type DrvPacket,
  type KeyFinalitySeal,
  type KeyLedgerEntry,
  type KeyLedgerState,
} from '../ledger';
import { UD, type UD128x18 } from '../math';
import {
  parseCoherenceEntry,
  parseCoherenceSeal,
  parseOperatorRecord,
  verifyOperatorRecord,
} from '../node/records';
import { certificateIssue, membershipOf, parseCertificate, parseSealJson } from '../sync/protocol';
import type { BundleTx, BundleView } from './api';
import { invalid, unchecked, verified, type Verdict } from './dom';

/** A browser has no native addon: noble verifies (and would sign), chosen here once. */
export function selectBrowserBackends(): void {
  setVerifyBackend(nobleBackend);
  setSignBackend(nobleSigner);
}

/** The KeyLedger as the page checked it. */
export type KeyLedgerCheck = {
  readonly entries: readonly {
    readonly json: Record<string, unknown>;
    readonly entry: KeyLedgerEntry | null;
    readonly verdict: Verdict;
  }[];
  /** The state after each entry of the valid prefix, by its head hash. */
  readonly byHead: ReadonlyMap<string, KeyLedgerState>;
  /** The state after the valid prefix. */
  readonly final: KeyLedgerState;
};

/** Why an error failed a check: its code and message. */
function why(err: unknown): string {
  if (isCodedError(err)) return `${err.code}: ${err.message}`;
  return err instanceof Error ? err.message : String(err);
}

/**
 * Replays the KeyLedger entry by entry with `applyKeyEvent` (shape, sequence, chain, link, hash,
 * cid, signatures, lifecycle rules). After the first invalid entry the rest are not checked: their
 * place in the chain is unknown.
 */
export function checkKeyLedger(jsons: readonly unknown[]): KeyLedgerCheck {
  let state = EMPTY_KEY_LEDGER_STATE;
  let broken: string | null = null;
  const byHead = new Map<string, KeyLedgerState>();
  const entries = jsons.map((value, i) => {
    const json = (typeof value === 'object' && value !== null ? value : {}) as Record<
      string,
      unknown
    >;
    if (broken !== null)
      return { json, entry: null, verdict: unchecked('entry', `after invalid entry ${broken}`) };
    try {
      const entry = parseKeyLedgerEntry(json, BigInt(i));
      state = applyKeyEvent(state, entry);
      byHead.set(state.headHash, state);
      return { json, entry, verdict: verified('entry shape, link, hash, signatures and rules') };
    } catch (err) {
      broken = String(i);
      return { json, entry: null, verdict: invalid('entry', why(err)) };
    }
  });
  return { entries, byHead, final: state };
}

/** The public key of an address from the checked KeyLedger (keys are never deleted), or null. */
export function publicKeyOf(keys: KeyLedgerCheck, address: string): Uint8Array | null {
  const record = keyLedgerView(keys.final).getKey(address);
  return record === undefined ? null : hexToBytes(record.publicKey);
}

/** The checks of a bundle that need only the bundle (and its predecessor for the links). */
export type HeaderChecks = {
  readonly packet: Verdict;
  readonly entry: Verdict;
  readonly seal: Verdict;
  /** Packet and ledger entry both link to the previous bundle's. */
  readonly link: Verdict;
  readonly parsedPacket: DrvPacket | null;
  readonly parsedEntry: CoherenceEntry | null;
};

/** What the previous bundle contributes to a bundle's link checks. */
export type Predecessor =
  | { readonly kind: 'genesis' }
  | { readonly kind: 'unknown' }
  | {
      readonly kind: 'bundle';
      readonly packet: DrvPacket | null;
      readonly entry: CoherenceEntry | null;
    };

const AFTER_LINK_CODES = new Set(['DRV_SIGNER_UNAUTHORIZED', 'DRV_SIGNATURE_INVALID']);
const LINK_CODES = new Set([
  'DRV_BAD_SEQUENCE',
  'DRV_PREVIOUS_HASH_MISMATCH',
  'DRV_TIMESTAMP_NOT_INCREASING',
  'DRV_TIMESTAMP_JUMP',
]);

/**
 * Checks a bundle's packet, ledger entry, seal and links.
 * @param b - the bundle as served
 * @param before - its predecessor (already checked), genesis for height 0, or unknown (not loaded)
 * @param keys - the checked KeyLedger
 */
export function checkBundleHeader(
  b: BundleView,
  before: Predecessor,
  keys: KeyLedgerCheck,
): HeaderChecks {
  const entryResult = checkEntry(b, before);
  const packetResult = checkPacket(b, entryResult.entry, before, keys);
  const seal =
    entryResult.entry === null
      ? unchecked('seal', 'ledger entry unreadable')
      : checkSeal(b, entryResult.entry, keys);
  const links = [packetResult.link, entryResult.link];
  const link =
    links.find((l) => l.state === 'invalid') ??
    links.find((l) => l.state === 'unchecked') ??
    verified('links to the previous packet and ledger entry');
  return {
    packet: packetResult.packet,
    entry: entryResult.verdict,
    seal,
    link,
    parsedPacket: packetResult.parsed,
    parsedEntry: entryResult.entry,
  };
}

function checkEntry(
  b: BundleView,
  before: Predecessor,
): { verdict: Verdict; link: Verdict; entry: CoherenceEntry | null } {
  let entry: CoherenceEntry;
  try {
    entry = parseCoherenceEntry(JSON.stringify(b.coherenceEntry));
  } catch (err) {
    return {
      verdict: invalid('ledger entry', why(err)),
      link: unchecked('entry link', 'unreadable'),
      entry: null,
    };
  }
  const recomputed = coherenceEntryHash(entry);
  const pairs: [string, string, string][] = [
    ['entryHash', recomputed, entry.entryHash],
    ['height', String(b.height), String(entry.height)],
    ['bundleHash', entry.bundleHash, b.bundleHash],
    ['stateRoot', entry.stateRoot, b.stateRoot],
    ['opLogHash', entry.opLogHash, b.opLogHash],
  ];
  const bad = pairs.find(([, expected, actual]) => expected !== actual);
  const verdict =
    bad === undefined
      ? verified('entry hash recomputed')
      : invalid('ledger entry', `${bad[0]}: expected ${bad[1]}, served ${bad[2]}`);
  let link: Verdict = unchecked('entry link', 'previous bundle not loaded');
  if (before.kind !== 'unknown') {
    const previous = before.kind === 'genesis' ? null : before.entry;
    if (before.kind === 'bundle' && previous === null)
      link = unchecked('entry link', 'previous entry unreadable');
    else {
      const m = verifyCoherenceChain([entry], previous);
      link =
        m === null
          ? verified('entry link')
          : invalid('entry link', `${m.field}: expected ${m.expected}, got ${m.actual}`);
    }
  }
  return { verdict, link, entry };
}

function checkPacket(
  b: BundleView,
  entry: CoherenceEntry | null,
  before: Predecessor,
  keys: KeyLedgerCheck,
): { packet: Verdict; link: Verdict; parsed: DrvPacket | null } {
  let packet: DrvPacket;
  try {
    packet = parsePacket(b.packet);
  } catch (err) {
    return {
      packet: invalid('packet', why(err)),
      link: unchecked('packet link', 'unreadable'),
      parsed: null,
    };
  }
  const recomputed = packetHash(packet);
  if (entry !== null && recomputed !== entry.packetHash)
    return {
      packet: invalid('packet', `hash ${recomputed} is not the sealed ${entry.packetHash}`),
      link: unchecked('packet link', 'packet altered'),
      parsed: packet,
    };
  if (before.kind === 'unknown' || (before.kind === 'bundle' && before.packet === null))
    return {
      packet: packetSignature(packet, keys),
      link: unchecked('packet link', 'previous bundle not loaded'),
      parsed: packet,
    };
  const previous = before.kind === 'genesis' ? null : before.packet;
  try {
    validatePacket(packet, previous, keyViewBefore(before, keys), { chainId: keys.final.chainId });
    return {
      packet: verified('packet hash, signer and ML-DSA-87 signature'),
      link: verified('packet link'),
      parsed: packet,
    };
  } catch (err) {
    if (isCodedError(err) && LINK_CODES.has(err.code))
      return {
        packet: packetSignature(packet, keys),
        link: invalid('packet link', why(err)),
        parsed: packet,
      };
    // Signer and signature are checked after the links: a failure there means the links held.
    const linked = isCodedError(err) && AFTER_LINK_CODES.has(err.code);
    const link = linked ? verified('packet link') : unchecked('packet link', 'packet invalid');
    return { packet: invalid('packet', why(err)), link, parsed: packet };
  }
}

/** The KeyLedger as it stood before a bundle: after the previous bundle's KeyLedger head. */
function keyViewBefore(before: Predecessor, keys: KeyLedgerCheck) {
  const head = before.kind === 'bundle' ? before.entry?.keyLedgerHead : undefined;
  const genesis = keys.entries[0]?.entry?.entryHash;
  const state =
    (head !== undefined ? keys.byHead.get(head) : undefined) ??
    (genesis !== undefined ? keys.byHead.get(genesis) : undefined) ??
    keys.final;
  return keyLedgerView(state);
}

function packetSignature(packet: DrvPacket, keys: KeyLedgerCheck): Verdict {
  return signatureVerdict(
    'packet',
    keys,
    packet.signer,
    packet.signature,
    () => packetSigningBytes(packet),
    SignatureContext.DRV,
  );
}

function signatureVerdict(
  what: string,
  keys: KeyLedgerCheck,
  signer: string,
  signature: string,
  bytes: () => Uint8Array,
  context: SignatureContext,
): Verdict {
  const publicKey = publicKeyOf(keys, signer);
  if (publicKey === null)
    return unchecked(what, `signer ${signer} is not in the checked KeyLedger`);
  try {
    return verify(publicKey, bytes(), hexToBytes(signature), context)
      ? verified(`${what} ML-DSA-87 signature (${context})`)
      : invalid(what, `ML-DSA-87 signature does not verify (${context})`);
  } catch (err) {
    return invalid(what, why(err));
  }
}

function checkSeal(b: BundleView, entry: CoherenceEntry, keys: KeyLedgerCheck): Verdict {
  try {
    const seal = parseCoherenceSeal(JSON.stringify(b.seal));
    const publicKey = publicKeyOf(keys, seal.signer);
    if (publicKey === null)
      return unchecked('seal', `signer ${seal.signer} is not in the checked KeyLedger`);
    const m = verifyCoherenceSeal(seal, entry, publicKey);
    if (m !== null) return invalid('seal', `${m.field}: expected ${m.expected}, got ${m.actual}`);
    const hash = coherenceSealHash(seal);
    if (hash !== b.sealHash) return invalid('seal', `hash ${hash}, served ${b.sealHash}`);
    return verified('seal fields, ML-DSA-87 signature and hash');
  } catch (err) {
    return invalid('seal', why(err));
  }
}

/** A transaction's checks: hash recomputed from its signed bytes, and its signature. */
export function checkTx(
  wire: unknown,
  txHash: string,
  keys: KeyLedgerCheck,
): { verdict: Verdict; parsed: SignedTx | null } {
  let parsed: SignedTx;
  try {
    parsed = parseTx(wire);
  } catch (err) {
    return { verdict: invalid('transaction', why(err)), parsed: null };
  }
  if (parsed.hash !== txHash)
    return {
      verdict: invalid('transaction', `hash of its signed bytes is ${parsed.hash}`),
      parsed,
    };
  const verdict = signatureVerdict(
    'transaction',
    keys,
    parsed.from,
    parsed.signature,
    () => txSigningBytes(parsed),
    SignatureContext.TX,
  );
  return {
    verdict:
      verdict.state === 'verified' ? verified('transaction hash and ML-DSA-87 signature') : verdict,
    parsed,
  };
}

/** The checks that need the bundle's transactions. */
export type BodyChecks = {
  readonly txs: readonly Verdict[];
  /** The packet's payloadHash commits to these transaction hashes in order. */
  readonly payload: Verdict;
  /** The sealed bundle hash covers these transactions, receipts, rewards and allocations. */
  readonly bundleHash: Verdict;
};

/** Checks a bundle's transactions, payload commitment and bundle hash. */
export function checkBundleBody(
  b: BundleView,
  txs: readonly BundleTx[],
  header: HeaderChecks,
  keys: KeyLedgerCheck,
): BodyChecks {
  const checked = txs.map((t, i) => {
    const r = checkTx(t.tx, t.txHash, keys);
    if (b.txHashes[i] !== t.txHash)
      return {
        ...r,
        verdict: invalid('transaction', `listed as ${b.txHashes[i] ?? 'nothing'} at ${i}`),
      };
    return r;
  });
  const hashes = checked.map((c, i) => c.parsed?.hash ?? (txs[i] as BundleTx).txHash);
  let payload: Verdict = unchecked('payload', 'packet unreadable');
  if (header.parsedPacket !== null) {
    const recomputed = computePayloadHash(hashes, []);
    payload =
      recomputed === header.parsedPacket.payloadHash
        ? verified('payloadHash over the transaction hashes')
        : invalid(
            'payload',
            `transactions hash to ${recomputed}, the packet signed ${header.parsedPacket.payloadHash}`,
          );
  }
  return {
    txs: checked.map((c) => c.verdict),
    payload,
    bundleHash: bundleHashVerdict(b, txs, checked, header.parsedEntry),
  };
}

function bundleHashVerdict(
  b: BundleView,
  txs: readonly BundleTx[],
  checked: readonly { parsed: SignedTx | null }[],
  entry: CoherenceEntry | null,
): Verdict {
  if (entry === null) return unchecked('bundle hash', 'ledger entry unreadable');
  if (txs.length !== b.txCount)
    return invalid('bundle hash', `${txs.length} transactions served, ${b.txCount} counted`);
  const parsed = checked.map((c) => c.parsed);
  if (parsed.some((p) => p === null)) return invalid('bundle hash', 'a transaction does not parse');
  try {
    const receipts: Receipt[] = txs.map((t, index) => ({
      txHash: t.txHash,
      index,
      status: t.receipt.status,
      // As served: a code the runtime does not know makes the recomputed bundle hash differ.
      ...(t.receipt.code === undefined ? {} : { code: t.receipt.code as ErrorCode }),
      ...(t.receipt.fee === undefined ? {} : { fee: UD.parse(t.receipt.fee) }),
    }));
    const granted = {} as Record<Token, UD128x18>;
    for (const token of TOKENS) granted[token] = UD.parse(b.rewards.granted[token]);
    const recomputed = bundleHashOf({
      height: BigInt(b.height),
      packetHash: entry.packetHash,
      txs: parsed as SignedTx[],
      receipts,
      rewards: { granted } as unknown as RewardBundle,
      allocations: b.allocations.map((a) => ({
        address: a.address,
        token: a.token as Token,
        amount: UD.parse(a.amount),
      })),
      opLogHash: entry.opLogHash,
      stateRoot: entry.stateRoot,
    });
    return recomputed === entry.bundleHash
      ? verified('bundle hash over transactions, receipts, rewards and allocations')
      : invalid('bundle hash', `recomputed ${recomputed}, sealed ${entry.bundleHash}`);
  } catch (err) {
    return invalid('bundle hash', why(err));
  }
}

/** A halt or resume record's ML-DSA-87 signature (contexts `QFS/halt/v1`, `QFS/operator/v1`). */
export function checkHaltRecord(json: Record<string, unknown>, keys: KeyLedgerCheck): Verdict {
  try {
    const record = parseOperatorRecord(JSON.stringify(json));
    const publicKey = publicKeyOf(keys, record.signer);
    if (publicKey === null)
      return unchecked('record', `signer ${record.signer} is not in the checked KeyLedger`);
    return verifyOperatorRecord(record, publicKey)
      ? verified('record ML-DSA-87 signature')
      : invalid('record', 'ML-DSA-87 signature does not verify');
  } catch (err) {
    return invalid('record', why(err));
  }
}

/** The latest KeyLedger seal against the checked entries it claims to seal. */
export function checkKeySeal(json: Record<string, unknown>, keys: KeyLedgerCheck): Verdict {
  try {
    const seal = {
      ...json,
      height: BigInt(String(json.height)),
      entryCount: BigInt(String(json.entryCount)),
      timestamp: BigInt(String(json.timestamp)),
    } as unknown as KeyFinalitySeal;
    const entries = keys.entries.slice(0, Number(seal.entryCount)).map((e) => e.entry);
    if (entries.some((e) => e === null))
      return unchecked('KeyLedger seal', 'a sealed entry is invalid');
    const publicKey = publicKeyOf(keys, seal.signer);
    if (publicKey === null)
      return unchecked('KeyLedger seal', `signer ${seal.signer} is not in the checked KeyLedger`);
    const state = keys.byHead.get(seal.headHash);
    const result = verifySeal(
      seal,
      entries as KeyLedgerEntry[],
      publicKey,
      state === undefined ? {} : { view: keyLedgerView(state) },
    );
    return result.valid
      ? verified('KeyLedger seal root, head, signer and ML-DSA-87 signature')
      : invalid(
          'KeyLedger seal',
          `${result.check}: expected ${result.expected}, got ${result.actual}`,
        );
  } catch (err) {
    return invalid('KeyLedger seal', why(err));
  }
}

/**
 * A bundle's quorum certificate (HolonetSync): every attestation's ML-DSA-87 signature under
 * `QFS/attest/v1`, each by a replica active at that height (the KeyLedger state the bundle's entry
 * names), one per replica, at least the quorum of the genesis `replicaQuorum`, all for this
 * bundle's seal. The replicas' re-execution is what they vouch for; the browser checks that they did.
 */
export function checkCertificate(
  json: unknown,
  view: BundleView,
  keys: KeyLedgerCheck,
  quorumParameter: bigint,
): Verdict {
  try {
    const certificate = parseCertificate(json);
    const state = keys.byHead.get(String(view.coherenceEntry.keyLedgerHead));
    if (state === undefined)
      return unchecked('certificate', 'the KeyLedger state of this height is not checked');
    const membership = membershipOf(keyLedgerView(state), quorumParameter);
    const issue = certificateIssue(certificate, membership, parseSealJson(view.seal));
    return issue === null
      ? verified(
          `${certificate.attestations.length} replica cosignatures (quorum ${certificate.quorum} of ${certificate.members}), each ML-DSA-87 signature`,
        )
      : invalid('certificate', issue);
  } catch (err) {
    return invalid('certificate', why(err));
  }
}
