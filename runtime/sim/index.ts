/**
 * runtime/sim: the seeded workload simulator behind `qfs sim` (outside the deterministic core,
 * but itself deterministic from its seed).
 * @module
 */
export { SeededRandom, PRNG_DOMAIN } from './prng';
export { Workload, SIM_USERS_MAX, type PlannedTx, type SimKeys } from './workload';
export {
  runSimulation,
  SIM_CHAIN_ID,
  SIM_GENESIS_TIME,
  SIM_GENESIS_USERS,
  SIM_LIMITS,
  SIM_PARAMS,
  type SimOptions,
  type SimReport,
} from './simulate';
