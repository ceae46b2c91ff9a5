/**
 * Devnet genesis documents for clients and tools (the builder lives with the genesis parser in
 * runtime/engine, so that the node's `qfs init` uses it without depending on the client SDK).
 * @module
 */
export {
  devnetGenesis,
  HEALTHY_GUIDANCE,
  type DevnetAccount,
  type DevnetOptions,
} from '../engine/devnet-genesis';
