export * from './backoff.js';
export * from './options.js';
export type { DeadLetter } from './spool-db.js';
export { describeFailure, type FailureInfo } from './forwarder.js';
export { SpooledTelemetryStore } from './spooled-store.js';
