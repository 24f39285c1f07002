/** Picks the TelemetryStore adapter the configuration names. */
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { GatewayConfig } from '../config.js';
import type { TelemetryStore } from '../ports/telemetry-store.js';
import { SqliteTelemetryStore } from './sqlite/telemetry-store.js';

export function createTelemetryStore(config: GatewayConfig, _log: Logger): TelemetryStore {
  switch (config.store.kind) {
    case 'sqlite':
      return SqliteTelemetryStore.open(join(config.dataDir, 'telemetry.db'), { durability: config.durability });
    case 'influx-v1':
    case 'influx-v2':
      throw new Error(`COLDTRACE_STORE=${config.store.kind} is not available in this build`);
  }
}
