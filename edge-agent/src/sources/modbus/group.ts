/** Turns the words of a poll group's read requests into readings (pure). */
import { decodeRaw, registerWidth, toEngineering, type ReadRequest } from '../../decode/modbus.js';
import type { ModbusRegisterConfig } from '../../config/types.js';
import type { SourceReading } from '../source.js';

export interface DecodedGroup {
  readonly readings: SourceReading[];
  /** Registers whose value was not a number (a NaN float32): reported, never published as a value. */
  readonly invalid: string[];
}

export function decodeGroup(registers: readonly ModbusRegisterConfig[], requests: readonly ReadRequest[], words: readonly (readonly number[])[], time: number): DecodedGroup {
  const readings: SourceReading[] = [];
  const invalid: string[] = [];
  requests.forEach((req, i) => {
    const data = words[i];
    if (!data) return;
    for (const item of req.items) {
      const reg = registers[item.index];
      if (!reg) continue;
      const slice = data.slice(item.offset, item.offset + registerWidth(reg.type));
      const value = toEngineering(decodeRaw(slice, reg.type, reg.wordOrder), reg.scale, reg.offset);
      if (value === undefined) invalid.push(`${reg.metric}@${reg.address}`);
      else readings.push({ metric: reg.metric, value, unit: reg.unit, time });
    }
  });
  return { readings, invalid };
}
