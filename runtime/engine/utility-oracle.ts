/**
 * UtilityOracle: the guidance HSMF needs (S_CHR, f_ATR, FLX and ATR magnitudes, directional
 * penalties per action kind), signed by keys holding the `oracle` capability, bounded, fresh, and
 * recorded in the bundle so replay needs no I/O (DESIGN.md §4; the reference's oracle checked a
 * non-empty signature and crashed while logging, reference §14.3). Guidance arrives in `guidance`
 * transactions; a bundle runs HSMF on the guidance in force when it opens, and guidance accepted
 * during a bundle takes effect for the next one. Malicious guidance is rejected with a code and
 * never reaches HSMF.
 * @module
 */
import { parseCanonicalAmount, parseWholeNumber } from '../codec';
import { UD, type UD128x18 } from '../math';

/** Validated oracle guidance. */
export type Guidance = {
  /** Strictly increasing across accepted guidance (replay protection). */
  readonly sequence: bigint;
  /** The DRV sequence the oracle meant this guidance for (freshness; S_Ψ is the lag behind it). */
  readonly forPacket: bigint;
  /** Coherence metric S_CHR ∈ [0, 1]. */
  readonly sChr: UD128x18;
  /** Directional ATR factor f_ATR ∈ [0, 1]. */
  readonly fAtr: UD128x18;
  /** ATR magnitude in [10^−6, 10^6] (ATR coherence threshold = 1 % of it). */
  readonly atrMagnitude: UD128x18;
  /** FLX magnitudes m₀…mₙ₋₁, each in [10^−6, 10^6], 1–16 of them (S_FLX compares ratios with φ). */
  readonly flxMagnitudes: readonly UD128x18[];
  /** Directional penalty per action kind (sorted by kind, unique, each ≤ 10). */
  readonly penalties: readonly { readonly kind: string; readonly penalty: UD128x18 }[];
};

export const GUIDANCE_MAGNITUDES_MAX = 16;
export const GUIDANCE_PENALTIES_MAX = 32;
export const GUIDANCE_PENALTY_MAX = UD.parse('10');
/**
 * Bounds of every FLX and ATR magnitude. They keep HSMF's arithmetic inside UD128x18 for any
 * accepted guidance and any genesis parameters: a ratio of two magnitudes is at most 10^12, so
 * S_FLX ≤ 15·10^12 and λ1·S_FLX ≤ 1.5·10^16 with λ1 ≤ 1000 (unbounded magnitudes let an oracle
 * make every later bundle fail with MATH_OVERFLOW).
 */
export const GUIDANCE_MAGNITUDE_MIN = UD.parse('0.000001');
export const GUIDANCE_MAGNITUDE_MAX = UD.parse('1000000');
/** Action kinds: lowercase letters, digits, `.`, `_`, `-`; 1–32 characters. */
export const ACTION_KIND_PATTERN = /^[a-z0-9][a-z0-9._-]{0,31}$/;

/** Why guidance was rejected (receipt codes). */
export const GuidanceRejection = {
  NOT_ORACLE: 'GUIDANCE_NOT_ORACLE',
  MALFORMED: 'GUIDANCE_MALFORMED',
  OUT_OF_BOUNDS: 'GUIDANCE_OUT_OF_BOUNDS',
  STALE: 'GUIDANCE_STALE',
  REPLAYED: 'GUIDANCE_REPLAYED',
  FROM_FUTURE: 'GUIDANCE_FROM_FUTURE',
} as const;
export type GuidanceRejection = (typeof GuidanceRejection)[keyof typeof GuidanceRejection];

export type GuidanceCheck =
  | { readonly ok: true; readonly guidance: Guidance }
  | { readonly ok: false; readonly code: GuidanceRejection; readonly reason: string };

/**
 * Parses guidance from its wire form (decimal strings) and checks its bounds; it does not check
 * freshness or the signer (see {@link admitGuidance}).
 */
export function parseGuidance(json: unknown): GuidanceCheck {
  const bad = (reason: string): GuidanceCheck => ({
    ok: false,
    code: GuidanceRejection.MALFORMED,
    reason,
  });
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return bad('not an object');
  const g = json as Readonly<Record<string, unknown>>;
  const keys = [
    'atrMagnitude',
    'fAtr',
    'flxMagnitudes',
    'forPacket',
    'penalties',
    'sChr',
    'sequence',
  ];
  const present = Object.keys(g).sort();
  if (present.join(',') !== keys.join(',')) return bad(`fields must be exactly ${keys.join(', ')}`);
  const sequence = wholeNumber(g.sequence);
  const forPacket = wholeNumber(g.forPacket);
  if (sequence === undefined || forPacket === undefined)
    return bad('sequence and forPacket are whole-number strings');
  const sChr = decimal(g.sChr);
  const fAtr = decimal(g.fAtr);
  const atrMagnitude = decimal(g.atrMagnitude);
  if (sChr === undefined || fAtr === undefined || atrMagnitude === undefined)
    return bad('metrics are decimal strings');
  if (!Array.isArray(g.flxMagnitudes) || !Array.isArray(g.penalties))
    return bad('flxMagnitudes and penalties are arrays');
  if (g.flxMagnitudes.length === 0 || g.flxMagnitudes.length > GUIDANCE_MAGNITUDES_MAX) {
    return outOfBounds(`1 to ${GUIDANCE_MAGNITUDES_MAX} FLX magnitudes`);
  }
  if (g.penalties.length > GUIDANCE_PENALTIES_MAX)
    return outOfBounds(`at most ${GUIDANCE_PENALTIES_MAX} penalties`);
  const flxMagnitudes: UD128x18[] = [];
  for (const m of g.flxMagnitudes) {
    const value = decimal(m);
    if (value === undefined) return bad('FLX magnitudes are decimal strings');
    flxMagnitudes.push(value);
  }
  const penalties = parsePenalties(g.penalties);
  if (!Array.isArray(penalties)) return penalties as GuidanceCheck;
  const guidance: Guidance = Object.freeze({
    sequence,
    forPacket,
    sChr,
    fAtr,
    atrMagnitude,
    flxMagnitudes: Object.freeze(flxMagnitudes),
    penalties: Object.freeze(penalties),
  });
  return checkBounds(guidance);
}

function parsePenalties(
  list: readonly unknown[],
): { kind: string; penalty: UD128x18 }[] | GuidanceCheck {
  const out: { kind: string; penalty: UD128x18 }[] = [];
  for (const item of list) {
    if (typeof item !== 'object' || item === null)
      return {
        ok: false,
        code: GuidanceRejection.MALFORMED,
        reason: 'penalty entries are objects',
      };
    const p = item as Readonly<Record<string, unknown>>;
    const penalty = decimal(p.penalty);
    if (
      typeof p.kind !== 'string' ||
      !ACTION_KIND_PATTERN.test(p.kind) ||
      penalty === undefined ||
      Object.keys(p).length !== 2
    ) {
      return {
        ok: false,
        code: GuidanceRejection.MALFORMED,
        reason: 'penalty entries are {kind, penalty}',
      };
    }
    const previous = out[out.length - 1];
    if (previous !== undefined && previous.kind >= p.kind) {
      return {
        ok: false,
        code: GuidanceRejection.MALFORMED,
        reason: 'penalties sorted by kind, each kind once',
      };
    }
    out.push(Object.freeze({ kind: p.kind, penalty }));
  }
  return out;
}

function checkBounds(g: Guidance): GuidanceCheck {
  if (g.sChr > UD.UNIT) return outOfBounds('S_CHR must lie in [0, 1]');
  if (g.fAtr > UD.UNIT) return outOfBounds('f_ATR must lie in [0, 1]');
  if (!isMagnitude(g.atrMagnitude))
    return outOfBounds('the ATR magnitude must lie in [0.000001, 1000000]');
  if (!g.flxMagnitudes.every(isMagnitude))
    return outOfBounds('FLX magnitudes must lie in [0.000001, 1000000]');
  if (g.penalties.some((p) => p.penalty > GUIDANCE_PENALTY_MAX))
    return outOfBounds('penalties must be ≤ 10');
  return { ok: true, guidance: g };
}

function isMagnitude(m: UD128x18): boolean {
  return m >= GUIDANCE_MAGNITUDE_MIN && m <= GUIDANCE_MAGNITUDE_MAX;
}

function outOfBounds(reason: string): GuidanceCheck {
  return { ok: false, code: GuidanceRejection.OUT_OF_BOUNDS, reason };
}

/**
 * Decides whether validated guidance may replace `current` when it arrives in the bundle at
 * `packetSequence` (it takes effect from the next bundle): its sequence must be newer, it must be
 * meant for a packet no later than the next one, and not more than `ageMaxPackets` before it.
 * The signer's `oracle` capability is checked by the caller at that moment.
 */
export function admitGuidance(
  current: Guidance,
  candidate: Guidance,
  packetSequence: bigint,
  ageMaxPackets: bigint,
): GuidanceCheck {
  const effective = packetSequence + 1n;
  if (candidate.sequence <= current.sequence) {
    return {
      ok: false,
      code: GuidanceRejection.REPLAYED,
      reason: `sequence ${candidate.sequence} ≤ ${current.sequence}`,
    };
  }
  if (candidate.forPacket > effective) {
    return {
      ok: false,
      code: GuidanceRejection.FROM_FUTURE,
      reason: `meant for packet ${candidate.forPacket} > ${effective}`,
    };
  }
  if (effective - candidate.forPacket > ageMaxPackets) {
    return {
      ok: false,
      code: GuidanceRejection.STALE,
      reason: `more than ${ageMaxPackets} packets old`,
    };
  }
  return { ok: true, guidance: candidate };
}

/** Directional penalty of an action kind under the current guidance (0 when the kind has none). */
export function getDirectionalPenalty(guidance: Guidance, actionKind: string): UD128x18 {
  let lo = 0;
  let hi = guidance.penalties.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const entry = guidance.penalties[mid] as { kind: string; penalty: UD128x18 };
    if (entry.kind === actionKind) return entry.penalty;
    if (entry.kind < actionKind) lo = mid + 1;
    else hi = mid - 1;
  }
  return UD.ZERO;
}

/** The wire form of guidance (decimal strings, trimmed), as signed in a `guidance` transaction. */
export function guidanceToJson(g: Guidance): Record<string, unknown> {
  return {
    sequence: g.sequence.toString(),
    forPacket: g.forPacket.toString(),
    sChr: UD.formatTrimmed(g.sChr),
    fAtr: UD.formatTrimmed(g.fAtr),
    atrMagnitude: UD.formatTrimmed(g.atrMagnitude),
    flxMagnitudes: g.flxMagnitudes.map((m) => UD.formatTrimmed(m)),
    penalties: g.penalties.map((p) => ({ kind: p.kind, penalty: UD.formatTrimmed(p.penalty) })),
  };
}

/** A nonce-like counter: a canonical whole number of at most 19 digits. */
function wholeNumber(value: unknown): bigint | undefined {
  return parseWholeNumber(value, 19);
}

/** A decimal literal in its trimmed canonical form (so one value has one signed text). */
const decimal = parseCanonicalAmount;
