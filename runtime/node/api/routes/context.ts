/**
 * What every route module receives: the sequencer, the metrics and the node's facts.
 * @module
 */
import type { AnchorStatus } from '../../anchoring';
import type { LedgerNode } from '../../ledger-node';
import type { ApiLimits } from '../limits';
import type { ApiMetrics } from '../metrics';

export type RouteContext = {
  readonly limits: ApiLimits;
  readonly sequencer: LedgerNode;
  readonly metrics: ApiMetrics;
  readonly version: string;
  readonly anchorStatus: (() => AnchorStatus | null) | undefined;
  readonly entropyStatus: (() => unknown) | undefined;
  /** HolonetSync: the certificate hash of a height once it is confirmed (absent without sync). */
  readonly confirmation?: ((height: number) => string | null) | undefined;
  /** HolonetSync's view for /v1/status (absent without sync). */
  readonly syncStatus?: (() => unknown) | undefined;
};
