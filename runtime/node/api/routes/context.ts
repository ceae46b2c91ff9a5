/**
 * What every route module receives: the sequencer, the metrics and the node's facts.
 * @module
 */
import type { Sequencer } from '../../sequencer';
import type { ApiLimits } from '../app';
import type { ApiMetrics } from '../metrics';

export type RouteContext = {
  readonly limits: ApiLimits;
  readonly sequencer: Sequencer;
  readonly metrics: ApiMetrics;
  readonly version: string;
  readonly anchorStatus: (() => unknown) | undefined;
  readonly entropyStatus: (() => unknown) | undefined;
};
