/**
 * The reward split kernel, re-exported from runtime/math (where CertifiedMath records it).
 * @module
 */
export {
  splitByWeight,
  capAllocations,
  ALLOCATION_RECIPIENTS_MAX,
  ALLOCATION_WEIGHT_MAX,
} from '../math/split';
