/** Validation of the `modbus-tcp` and `modbus-rtu` source entries and their register maps. */
import { ID_PATTERN } from '@coldtrace/contract';
import { array, boolean, join, number, object, oneOf, optional, string, type Problems } from './check.js';
import { validateRegister } from './modbus-register.js';
import {
  DEFAULT_MODBUS_TIMEOUT_MS,
  DEFAULT_POLL_INTERVAL_MS,
  type ModbusDeviceConfig,
  type ModbusRegisterConfig,
  type ModbusRtuSourceConfig,
  type ModbusTcpSourceConfig,
  type Parity,
  type PollGroupConfig,
} from './types.js';

const ID_RE = new RegExp(ID_PATTERN);
const DEVICE_KEYS = ['id', 'unitId', 'timeoutMs', 'maxGap', 'intervalMs', 'pollGroups', 'zeroBased', 'registers'] as const;

function validatePollGroups(raw: unknown, path: string, problems: Problems, defaultIntervalMs: number): Record<string, PollGroupConfig> {
  const groups: Record<string, PollGroupConfig> = { default: { intervalMs: defaultIntervalMs } };
  if (raw === undefined) return groups;
  const o = object(raw, path, problems, Object.keys(raw ?? {}));
  if (!o) return groups;
  for (const [name, g] of Object.entries(o)) {
    const gp = join(path, name);
    const go = object(g, gp, problems, ['intervalMs']);
    if (!go) continue;
    const intervalMs = number(go['intervalMs'], join(gp, 'intervalMs'), problems, { integer: true, min: 10, max: 86_400_000 });
    if (intervalMs !== undefined) groups[name] = { intervalMs };
  }
  return groups;
}

/** `allowBroadcastIds`: TCP gateways use unit ids 0 and 248..255; on a serial bus only 1..247 address one slave. */
function validateDevice(raw: unknown, path: string, problems: Problems, allowAnyUnitId: boolean): ModbusDeviceConfig | undefined {
  const before = problems.length;
  const o = object(raw, path, problems, DEVICE_KEYS);
  if (!o) return undefined;
  const id = string(o['id'], join(path, 'id'), problems, { pattern: ID_RE, patternText: `ID_PATTERN ${ID_PATTERN}` });
  const unitId = optional(o['unitId'], 1, (v) =>
    number(v, join(path, 'unitId'), problems, { integer: true, min: allowAnyUnitId ? 0 : 1, max: allowAnyUnitId ? 255 : 247 }),
  );
  const timeoutMs = optional(o['timeoutMs'], DEFAULT_MODBUS_TIMEOUT_MS, (v) => number(v, join(path, 'timeoutMs'), problems, { integer: true, min: 10, max: 60_000 }));
  const maxGap = optional(o['maxGap'], 0, (v) => number(v, join(path, 'maxGap'), problems, { integer: true, min: 0, max: 120 }));
  const intervalMs = optional(o['intervalMs'], DEFAULT_POLL_INTERVAL_MS, (v) => number(v, join(path, 'intervalMs'), problems, { integer: true, min: 10, max: 86_400_000 }));
  const pollGroups = validatePollGroups(o['pollGroups'], join(path, 'pollGroups'), problems, intervalMs ?? DEFAULT_POLL_INTERVAL_MS);
  const zeroBased = optional(o['zeroBased'], false, (v) => boolean(v, join(path, 'zeroBased'), problems));
  const ctx = { groups: new Set(Object.keys(pollGroups)), zeroBased: zeroBased ?? false };
  const rawRegs = array(o['registers'], join(path, 'registers'), problems, { minItems: 1 }) ?? [];
  const registers = rawRegs.map((r, i) => validateRegister(r, join(join(path, 'registers'), i), problems, ctx));
  if (problems.length > before) return undefined;
  return {
    id: id as string,
    unitId: unitId as number,
    timeoutMs: timeoutMs as number,
    maxGap: maxGap as number,
    pollGroups,
    registers: registers as ModbusRegisterConfig[],
  };
}

function validateDevices(raw: unknown, path: string, problems: Problems, allowAnyUnitId: boolean): ModbusDeviceConfig[] | undefined {
  const list = array(raw, path, problems, { minItems: 1 });
  if (!list) return undefined;
  const devices = list.map((d, i) => validateDevice(d, join(path, i), problems, allowAnyUnitId));
  const seen = new Map<number, number>();
  devices.forEach((d, i) => {
    if (!d) return;
    const prev = seen.get(d.unitId);
    if (prev !== undefined) problems.push(`${join(join(path, i), 'unitId')}: unit id ${d.unitId} is already used by ${join(path, prev)}`);
    else seen.set(d.unitId, i);
  });
  return devices.every((d) => d !== undefined) ? devices : undefined;
}

export function validateModbusTcpSource(raw: unknown, path: string, problems: Problems): ModbusTcpSourceConfig | undefined {
  const before = problems.length;
  const o = object(raw, path, problems, ['kind', 'host', 'port', 'connectTimeoutMs', 'devices']);
  if (!o) return undefined;
  const host = string(o['host'], join(path, 'host'), problems);
  const port = optional(o['port'], 502, (v) => number(v, join(path, 'port'), problems, { integer: true, min: 1, max: 65535 }));
  const connectTimeoutMs = optional(o['connectTimeoutMs'], 3000, (v) => number(v, join(path, 'connectTimeoutMs'), problems, { integer: true, min: 10, max: 60_000 }));
  const devices = validateDevices(o['devices'], join(path, 'devices'), problems, true);
  if (problems.length > before || !devices) return undefined;
  return { kind: 'modbus-tcp', host: host as string, port: port as number, connectTimeoutMs: connectTimeoutMs as number, devices };
}

export function validateModbusRtuSource(raw: unknown, path: string, problems: Problems): ModbusRtuSourceConfig | undefined {
  const before = problems.length;
  const o = object(raw, path, problems, ['kind', 'path', 'baudRate', 'parity', 'dataBits', 'stopBits', 'devices']);
  if (!o) return undefined;
  const devPath = string(o['path'], join(path, 'path'), problems);
  const baudRate = optional(o['baudRate'], 9600, (v) => number(v, join(path, 'baudRate'), problems, { integer: true, min: 300, max: 4_000_000 }));
  const parity = optional(o['parity'], 'none' as const, (v) => oneOf<Parity>(v, join(path, 'parity'), problems, ['none', 'even', 'odd']));
  const dataBits = optional(o['dataBits'], 8 as const, (v) => oneOf<7 | 8>(v, join(path, 'dataBits'), problems, [7, 8]));
  const stopBits = optional(o['stopBits'], 1 as const, (v) => oneOf<1 | 2>(v, join(path, 'stopBits'), problems, [1, 2]));
  const devices = validateDevices(o['devices'], join(path, 'devices'), problems, false);
  if (problems.length > before || !devices) return undefined;
  return {
    kind: 'modbus-rtu',
    path: devPath as string,
    baudRate: baudRate as number,
    parity: parity as Parity,
    dataBits: dataBits as 7 | 8,
    stopBits: stopBits as 1 | 2,
    devices,
  };
}
