/**
 * What every route module receives: the sequencer, the metrics and the node's facts.
 * @module
 */
import type { AnchorStatus } from '../../anchoring';
import type { Sequencer } from '../../sequencer';
import type { ApiLimits } from '../limits';
import type { ApiMetrics } from '../metrics';

export type RouteContext = {
  readonly limits: ApiLimits;
  readonly sequencer: Sequencer;
  readonly metrics: ApiMetrics;
  readonly version: string;
  readonly anchorStatus: (() => AnchorStatus | null) | undefined;
  readonly entropyStatus: (() => unknown) | undefined;
};
