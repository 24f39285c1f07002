/**
 * Warnings about a valid config: things that do not stop the agent but are probably mistakes (issue #24). Each is
 * `<path>: <warning>`, with the path the validator would use for an error on the same field.
 */
import { join } from './check.js';
import { rangeWarnings } from './ranges.js';
import type { AgentConfig, SourceConfig } from './types.js';

/** Whether a file system path exists. The seam for the one check that needs I/O. */
export type PathExists = (path: string) => Promise<boolean>;

function serialPath(source: SourceConfig): string | undefined {
  // Every source kind with a `path` reads a serial port (modbus-rtu, nmea-gps, line, accel).
  return 'path' in source && typeof source.path === 'string' ? source.path : undefined;
}

/** Range warnings of every Modbus register; pure. */
export function registerWarnings(config: AgentConfig): string[] {
  const out: string[] = [];
  config.sources.forEach((source, s) => {
    if (source.kind !== 'modbus-tcp' && source.kind !== 'modbus-rtu') return;
    source.devices.forEach((device, d) => {
      device.registers.forEach((reg, r) => {
        const path = join(join(join(join('sources', s), 'devices'), d), 'registers');
        for (const w of rangeWarnings(reg)) out.push(`${join(join(path, r), w.field)}: ${w.message}`);
      });
    });
  });
  return out;
}

/**
 * Every warning: register ranges, then serial ports that do not exist. A missing port is a warning, not an error:
 * a USB adapter may be plugged in after the agent starts, and the sources keep trying to open their port.
 */
export async function configWarnings(config: AgentConfig, exists: PathExists): Promise<string[]> {
  const out = registerWarnings(config);
  for (const [i, source] of config.sources.entries()) {
    const path = serialPath(source);
    if (path === undefined || (await exists(path))) continue;
    out.push(`${join(join('sources', i), 'path')}: ${path} does not exist (yet); the agent starts anyway and keeps trying to open it, but reads nothing from it until it appears`);
  }
  return out;
}
