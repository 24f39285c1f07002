/** Validation of the `modbus-tcp` and `modbus-rtu` source entries and their register maps. */
import { ID_PATTERN, metricSpec, type MetricName } from '@coldtrace/contract';
import { REGISTER_TYPES, WORD_ORDERS, registerWidth, type ReadFunctionCode } from '../decode/modbus.js';
import { array, join, number, object, oneOf, optional, string, type Problems } from './check.js';
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
const REGISTER_KEYS = ['metric', 'unit', 'functionCode', 'address', 'type', 'wordOrder', 'scale', 'offset', 'group'] as const;
const DEVICE_KEYS = ['id', 'unitId', 'timeoutMs', 'maxGap', 'intervalMs', 'pollGroups', 'registers'] as const;

function validateRegister(raw: unknown, path: string, problems: Problems, groups: ReadonlySet<string>): ModbusRegisterConfig | undefined {
  const before = problems.length;
  const o = object(raw, path, problems, REGISTER_KEYS);
  if (!o) return undefined;
  const metric = string(o['metric'], join(path, 'metric'), problems);
  const spec = metric === undefined ? undefined : metricSpec(metric);
  if (metric !== undefined && spec === undefined) problems.push(`${join(path, 'metric')}: ${JSON.stringify(metric)} is not in the contract metric catalogue`);
  const unit = string(o['unit'], join(path, 'unit'), problems);
  if (spec && unit !== undefined && unit !== spec.unit) {
    problems.push(`${join(path, 'unit')}: metric ${metric} has unit ${JSON.stringify(spec.unit)}, got ${JSON.stringify(unit)}`);
  }
  if (spec && spec.type === 'bool') problems.push(`${join(path, 'metric')}: boolean metric ${metric} cannot be read from a register`);
  const functionCode = oneOf<ReadFunctionCode>(o['functionCode'], join(path, 'functionCode'), problems, [3, 4]);
  const type = oneOf(o['type'], join(path, 'type'), problems, REGISTER_TYPES);
  const address = number(o['address'], join(path, 'address'), problems, { integer: true, min: 0, max: 0xffff });
  if (address !== undefined && type !== undefined && address + registerWidth(type) > 0x10000) {
    problems.push(`${join(path, 'address')}: ${type} at ${address} runs past register 65535`);
  }
  const wordOrder = optional(o['wordOrder'], 'ABCD' as const, (v) => oneOf(v, join(path, 'wordOrder'), problems, WORD_ORDERS));
  const scale = optional(o['scale'], 1, (v) => number(v, join(path, 'scale'), problems));
  if (scale === 0) problems.push(`${join(path, 'scale')}: must not be 0`);
  const offset = optional(o['offset'], 0, (v) => number(v, join(path, 'offset'), problems));
  const group = optional(o['group'], 'default', (v) => string(v, join(path, 'group'), problems));
  if (group !== undefined && !groups.has(group)) {
    problems.push(`${join(path, 'group')}: unknown poll group ${JSON.stringify(group)} (defined: ${[...groups].join(', ')})`);
  }
  if (problems.length > before) return undefined;
  return {
    metric: metric as MetricName,
    unit: unit as string,
    functionCode: functionCode as ReadFunctionCode,
    address: address as number,
    type: type as ModbusRegisterConfig['type'],
    wordOrder: wordOrder as ModbusRegisterConfig['wordOrder'],
    scale: scale as number,
    offset: offset as number,
    group: group as string,
  };
}

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
  const names = new Set(Object.keys(pollGroups));
  const rawRegs = array(o['registers'], join(path, 'registers'), problems, { minItems: 1 }) ?? [];
  const registers = rawRegs.map((r, i) => validateRegister(r, join(join(path, 'registers'), i), problems, names));
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
