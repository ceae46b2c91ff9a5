/** The zero bytes32 (no predecessor, no allocations). @module */
export const ZERO_BYTES32 = `0x${'0'.repeat(64)}`;
