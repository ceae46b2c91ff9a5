/**
 * runtime/sync/protocol: the deterministic part of HolonetSync — formats and pure checks of sealed
 * bundles, attestations, certificates, equivocation evidence, membership and timestamps, and the
 * replica's re-execution check. No I/O, no clock (the shell passes readings in); checked by the
 * zero-simulation checker. docs/sync.md.
 * @module
 */
export * from './attestation';
export * from './certificate';
export * from './clock';
export * from './errors';
export * from './evidence';
export * from './membership';
export * from './reexecute';
export * from './sealed-bundle';
export * from './signed-objects';
export * from './dissonance';
