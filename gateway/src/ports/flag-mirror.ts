/** Where flag events are mirrored for dashboards (issue #16): the remote time-series store, through its spool. */
import type { FlagPoint } from '../domain/flags/mirror.js';

export interface FlagPointSink {
  /** Resolves once the points are durable on the gateway (spooled); the store gets them when it is up. */
  write(points: readonly FlagPoint[]): Promise<void>;
}
