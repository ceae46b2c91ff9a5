/**
 * Display formats: 18-decimal amounts without trailing zeros, times in UTC. Display only: every
 * check works on the exact strings and bigints, never on these.
 * @module
 */

/** `"1.500000000000000000"` → `"1.5"`, `"3.000000000000000000"` → `"3"`. */
export function trimAmount(amount: string): string {
  if (!amount.includes('.')) return amount;
  const trimmed = amount.replace(/0+$/, '');
  return trimmed.endsWith('.') ? trimmed.slice(0, -1) : trimmed;
}

/** A ms timestamp (decimal string or number) as an ISO time in UTC. */
export function utc(ms: string | number): string {
  const n = Number(ms);
  return Number.isFinite(n)
    ? new Date(n).toISOString().replace('T', ' ').replace('.000Z', 'Z')
    : String(ms);
}

/** An 18-decimal string as a float for charts only. */
export function plotValue(amount: string | boolean | undefined): number | null {
  if (typeof amount !== 'string') return null;
  const n = Number(amount);
  return Number.isFinite(n) ? n : null;
}
