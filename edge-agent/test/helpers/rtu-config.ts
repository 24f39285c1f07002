/** A validated Modbus RTU source config for tests: the real validator runs, so a test never uses a config the agent would refuse. */
import { validateConfig } from '../../src/config/validate.js';
import type { ModbusRtuSourceConfig } from '../../src/config/types.js';

/** An int16 × 0.1 input register, as the XY-MD02 serves temperature and humidity. */
export const int16Register = (metric: string, unit: string, address: number) => ({ metric, unit, functionCode: 4, address, type: 'int16', scale: 0.1 });

export function rtuSourceConfig(path: string, devices: readonly Record<string, unknown>[], baudRate?: number): ModbusRtuSourceConfig {
  const result = validateConfig({
    site: 's',
    node: 'n',
    mqtt: { url: 'mqtt://127.0.0.1:1' },
    dataDir: '/unused',
    sources: [{ kind: 'modbus-rtu', path, ...(baudRate !== undefined ? { baudRate } : {}), devices }],
  });
  if (!result.ok) throw new Error(result.problems.join('\n'));
  return result.config.sources[0] as ModbusRtuSourceConfig;
}
