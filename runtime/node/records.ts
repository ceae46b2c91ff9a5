/**
 * What the node stores about a bundle besides the ledger rows: the non-account part of the engine
 * state after it (to rebuild the state on start-up), a summary for the API, and halt records.
 * Stored as canonical JSON (decimal strings); parsed back here.
 * @module
 */
import { bytesToHex, canonicalBytes, hexToBytes } from '../codec';
import { SignatureContext, sign, verify, type KeyPair } from '../crypto';
import {
  amountsJson,
  guidanceToJson,
  parseGuidance,
  TOKENS,
  type Account,
  type BundleResult,
  type Emission,
  type Guidance,
  type Receipt,
  type TokenAmounts,
} from '../engine';
import { cir511StateJson, type Cir511State } from '../guard';
import { coherenceEntryHash, type CoherenceEntry, type CoherenceSeal } from '../ledger';
import { UD, type UD128x18 } from '../math';
import type { ErrorCode } from '../errors';
import { StoreError } from './errors';

/** The non-account state after a bundle. */
export type StateSnapshot = {
  readonly supply: TokenAmounts;
  readonly emission: Emission;
  readonly guidance: Guidance;
  readonly cir511: Cir511State;
};

export function snapshotJson(s: StateSnapshot): Record<string, unknown> {
  return {
    supply: amountsJson(s.supply),
    emission: { day: s.emission.day.toString(), minted: amountsJson(s.emission.minted) },
    guidance: guidanceToJson(s.guidance),
    cir511: cir511StateJson(s.cir511),
  };
}

export function parseSnapshot(text: string): StateSnapshot {
  const j = JSON.parse(text) as {
    supply: Record<string, string>;
    emission: { day: string; minted: Record<string, string> };
    guidance: unknown;
    cir511: { consecutive: string; lastMetrics: Record<string, string> | null };
  };
  const guidance = parseGuidance(j.guidance);
  if (!guidance.ok) throw new StoreError('stored guidance is invalid', { reason: guidance.reason });
  const lastMetrics =
    j.cir511.lastMetrics === null
      ? null
      : Object.freeze(
          Object.fromEntries(
            Object.keys(j.cir511.lastMetrics)
              .sort()
              .map((k) => [
                k,
                UD.parse((j.cir511.lastMetrics as Record<string, string>)[k] as string),
              ]),
          ),
        );
  return Object.freeze({
    supply: amounts(j.supply),
    emission: Object.freeze({ day: BigInt(j.emission.day), minted: amounts(j.emission.minted) }),
    guidance: guidance.guidance,
    cir511: Object.freeze({ consecutive: BigInt(j.cir511.consecutive), lastMetrics }),
  });
}

function amounts(j: Record<string, string>): TokenAmounts {
  const out = {} as Record<(typeof TOKENS)[number], UD128x18>;
  for (const token of TOKENS) out[token] = UD.parse(j[token] ?? '0');
  return Object.freeze(out);
}

/** The API's view of a bundle: metrics, rewards, clips, allocations, fees, dissonance. */
export function bundleSummaryJson(r: BundleResult): Record<string, unknown> {
  const m = r.hsmf.metrics;
  return {
    metrics: {
      sChr: UD.format(m.sChr),
      sRes: UD.format(m.sRes),
      sFlx: UD.format(m.sFlx),
      sPsi: UD.format(m.sPsi),
      fAtr: UD.format(m.fAtr),
      actionCost: UD.format(m.actionCost),
      cHolo: UD.format(m.cHolo),
      atrCoherent: r.hsmf.atrCoherent,
    },
    rewards: {
      requested: amountsJson(r.rewards.requested),
      granted: amountsJson(r.rewards.granted),
      clips: r.rewards.clips.map((c) => ({
        token: c.token,
        requested: UD.format(c.requested),
        granted: UD.format(c.granted),
        reason: c.reason,
      })),
    },
    allocations: r.allocations.map((a) => ({
      address: a.address,
      token: a.token,
      amount: UD.format(a.amount),
    })),
    toTreasury: amountsJson(r.toTreasury),
    fees: UD.format(r.fees),
    dissonance: r.dissonance.map((d) => ({
      metric: d.metric,
      previous: UD.format(d.previous),
      current: UD.format(d.current),
      deviation: UD.format(d.deviation),
      threshold: UD.format(d.threshold),
    })),
    // The engine's verdict on the packet's entropy; cir511 marks a stale-beacon dissonance.
    entropy:
      r.entropy === null
        ? null
        : {
            source: r.entropy.source,
            chainHash: r.entropy.chainHash,
            round: r.entropy.round.toString(),
            staleRounds: r.entropy.staleRounds.toString(),
            cir511: r.entropy.cir511,
          },
    opLogEntryCount: r.opLogEntryCount,
  };
}

export function parseCoherenceEntry(text: string): CoherenceEntry {
  const j = JSON.parse(text) as Record<string, string>;
  const entry = {
    chainId: String(j.chainId),
    height: BigInt(String(j.height)),
    timestamp: BigInt(String(j.timestamp)),
    packetHash: String(j.packetHash),
    bundleHash: String(j.bundleHash),
    opLogHash: String(j.opLogHash),
    stateRoot: String(j.stateRoot),
    keyLedgerHead: String(j.keyLedgerHead),
    previousHash: String(j.previousHash),
    entryHash: String(j.entryHash),
  };
  void coherenceEntryHash;
  return Object.freeze(entry);
}

export function parseCoherenceSeal(text: string): CoherenceSeal {
  const j = JSON.parse(text) as Record<string, unknown>;
  return Object.freeze({
    component: 'COHERENCE_FINALITY_SEAL',
    version: '1',
    chainId: String(j.chainId),
    height: BigInt(String(j.height)),
    bundleHash: String(j.bundleHash),
    opLogHash: String(j.opLogHash),
    stateRoot: String(j.stateRoot),
    packetHash: String(j.packetHash),
    entryCount: BigInt(String(j.entryCount)),
    headHash: String(j.headHash),
    timestamp: BigInt(String(j.timestamp)),
    quantumMetadata: (j.quantumMetadata ?? {}) as Record<string, string>,
    signer: String(j.signer),
    signature: String(j.signature),
  });
}

/** A signed halt or resume record. */
export type OperatorRecord = {
  readonly kind: 'halt' | 'resume';
  /** 302 or 412 for a halt; the code being cleared for a resume. */
  readonly cir: number;
  readonly reason: string;
  readonly evidence: Readonly<Record<string, string>>;
  readonly height: bigint;
  /** Wall-clock ms when written (operator records are not part of the deterministic ledger). */
  readonly timestamp: bigint;
  readonly signer: string;
  readonly signature: string;
};

function recordContext(kind: 'halt' | 'resume'): SignatureContext {
  return kind === 'halt' ? SignatureContext.HALT : SignatureContext.OPERATOR;
}

function recordBytes(r: Omit<OperatorRecord, 'signature'>): Uint8Array {
  return canonicalBytes({
    kind: r.kind,
    cir: r.cir,
    reason: r.reason,
    evidence: r.evidence,
    height: r.height,
    timestamp: r.timestamp,
    signer: r.signer,
  });
}

export function signOperatorRecord(
  body: Omit<OperatorRecord, 'signature' | 'signer'>,
  key: KeyPair,
): OperatorRecord {
  const unsigned = { ...body, signer: key.address };
  const signature = bytesToHex(
    sign(key.secretKey, recordBytes(unsigned), recordContext(body.kind)),
  );
  return Object.freeze({ ...unsigned, signature });
}

export function verifyOperatorRecord(r: OperatorRecord, publicKey: Uint8Array): boolean {
  return verify(publicKey, recordBytes(r), hexToBytes(r.signature), recordContext(r.kind));
}

export function parseOperatorRecord(text: string): OperatorRecord {
  const j = JSON.parse(text) as Record<string, unknown>;
  return Object.freeze({
    kind: j.kind === 'resume' ? 'resume' : 'halt',
    cir: Number(j.cir),
    reason: String(j.reason),
    evidence: (j.evidence ?? {}) as Record<string, string>,
    height: BigInt(String(j.height)),
    timestamp: BigInt(String(j.timestamp)),
    signer: String(j.signer),
    signature: String(j.signature),
  });
}

/** An account as stored: 18-decimal balances and the nonce. */
export function accountJson(account: Account): Record<string, unknown> {
  return { balances: amountsJson(account.balances), nonce: account.nonce.toString() };
}

export function parseAccount(text: string): Account {
  const j = JSON.parse(text) as { balances: Record<string, string>; nonce: string };
  return Object.freeze({ balances: amounts(j.balances), nonce: BigInt(j.nonce) });
}

export function receiptJson(r: Receipt): Record<string, unknown> {
  return {
    txHash: r.txHash,
    index: r.index,
    status: r.status,
    ...(r.code === undefined ? {} : { code: r.code }),
    ...(r.reason === undefined ? {} : { reason: r.reason }),
    ...(r.fee === undefined ? {} : { fee: r.fee.toString() }),
  };
}

/** A stored receipt (written by `receiptJson`; the verifier checks each against re-execution). */
export function parseReceipt(text: string, txHash: string, index: number): Receipt {
  const j = JSON.parse(text) as {
    status: 'ok' | 'failed';
    code?: ErrorCode;
    reason?: string;
    fee?: string;
  };
  return Object.freeze({
    txHash,
    index,
    status: j.status,
    ...(j.code === undefined ? {} : { code: j.code }),
    ...(j.reason === undefined ? {} : { reason: j.reason }),
    ...(j.fee === undefined ? {} : { fee: BigInt(j.fee) as never }),
  });
}
