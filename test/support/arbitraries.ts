/**
 * fast-check arbitraries for raw fixed-point values, biased toward the edges the issue names:
 * 0, 1 ulp, 1, domain limits ± 1 ulp, MAX.
 * @module
 */
import fc from 'fast-check';

export const UNIT = 10n ** 18n;
export const UD_MAX = (1n << 128n) - 1n;
export const SD_MIN = -(1n << 127n);
export const SD_MAX = (1n << 127n) - 1n;

/** Values around each point: p − 1, p, p + 1 (clipped to [lo, hi]). */
export function around(points: readonly bigint[], lo: bigint, hi: bigint): bigint[] {
  const out = new Set<bigint>();
  for (const p of points)
    for (const d of [-1n, 0n, 1n]) if (p + d >= lo && p + d <= hi) out.add(p + d);
  return [...out].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Raw values of every magnitude in [lo, hi] (log-uniform), plus the given edges. */
export function rawIn(lo: bigint, hi: bigint, edges: readonly bigint[] = []): fc.Arbitrary<bigint> {
  const magnitudes = fc
    .integer({ min: 0, max: 128 })
    .chain((bits) => fc.bigInt({ min: 0n, max: (1n << BigInt(bits)) - 1n }));
  const signed =
    lo < 0n ? fc.tuple(magnitudes, fc.boolean()).map(([m, neg]) => (neg ? -m : m)) : magnitudes;
  const inRange = signed.filter((v) => v >= lo && v <= hi);
  const edgeValues = around([...edges, lo, hi, 0n, 1n, UNIT], lo, hi);
  return fc.oneof(
    { weight: 4, arbitrary: inRange },
    { weight: 1, arbitrary: fc.constantFrom(...edgeValues) },
  );
}

export const udRaw = (edges: readonly bigint[] = []) => rawIn(0n, UD_MAX, edges);
export const sdRaw = (edges: readonly bigint[] = []) => rawIn(SD_MIN, SD_MAX, edges);
