export { loadGatewayConfig, GATEWAY_ENV_KEYS, type GatewayConfig, type LoadResult } from './config.js';
export { startGateway, type RunningGateway, type StartOptions } from './gateway.js';
export { MessageValidator, DEFAULT_VALIDATION_OPTIONS, type ValidationOptions, type Inbound } from './domain/validate.js';
export { REJECT_CODES, type RejectCode } from './domain/reject-codes.js';
export { SqliteTelemetryStore } from './adapters/sqlite/telemetry-store.js';
export { openDatabase } from './adapters/sqlite/database.js';
export type { StoredReading, TelemetryStore, ReadingQuery, WriteResult } from './ports/telemetry-store.js';
export { ReadingFlag } from './ports/telemetry-store.js';
export { GATEWAY_NODE_FLAGS, missingNodeFlags } from './node-flags.js';
