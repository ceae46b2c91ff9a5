/**
 * The five QFS tokens (DESIGN.md §4 Tokens and economics). The reference's sixth state (NOD) is not
 * a token here (reference §18.26). Iteration over tokens always follows `TOKENS`, a fixed order.
 * @module
 */
import { UD, type UD128x18 } from '../math';

/** The tokens, in their fixed order (also their ERC-1155 ids 1…5 on-chain). */
export const TOKENS = Object.freeze(['CHR', 'FLX', 'PSI', 'ATR', 'RES'] as const);
export type Token = (typeof TOKENS)[number];

/** ERC-1155 token ids of the token contract. */
export const TOKEN_IDS: Readonly<Record<Token, number>> = Object.freeze({
  CHR: 1,
  FLX: 2,
  PSI: 3,
  ATR: 4,
  RES: 5,
});

/** One amount per token. */
export type TokenAmounts = Readonly<Record<Token, UD128x18>>;

/** All five amounts zero. */
export const ZERO_AMOUNTS: TokenAmounts = Object.freeze({
  CHR: UD.ZERO,
  FLX: UD.ZERO,
  PSI: UD.ZERO,
  ATR: UD.ZERO,
  RES: UD.ZERO,
});

const TOKEN_SET: ReadonlySet<string> = new Set(TOKENS);

/** True when `value` names a token. */
export function isToken(value: unknown): value is Token {
  return typeof value === 'string' && TOKEN_SET.has(value);
}
