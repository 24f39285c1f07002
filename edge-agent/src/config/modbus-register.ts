/**
 * Validation of one Modbus register entry. Addresses are 0-based protocol addresses; a register may instead give
 * its Modicon reference (`ref: 30002`), from which the table and the address follow (issue #24).
 */
import { metricSpec, type MetricName } from '@coldtrace/contract';
import { REGISTER_TYPES, WORD_ORDERS, registerWidth, type ReadFunctionCode } from '../decode/modbus.js';
import { boolean, describe, join, number, object, oneOf, optional, string, type Problems } from './check.js';
import { modiconLookalike, parseModiconRef, tableName, type ModiconRef } from './modicon.js';
import type { ModbusRegisterConfig } from './types.js';

const REGISTER_KEYS = ['metric', 'unit', 'functionCode', 'address', 'ref', 'zeroBased', 'type', 'wordOrder', 'scale', 'offset', 'group'] as const;

/** What the device around a register contributes to its validation. */
export interface RegisterContext {
  /** Poll groups defined on the device. */
  readonly groups: ReadonlySet<string>;
  /** The device's `zeroBased`: its addresses in 30001..49999 are really 0-based (default false). */
  readonly zeroBased: boolean;
}

function validateRef(raw: unknown, path: string, problems: Problems): ModiconRef | undefined {
  if (typeof raw !== 'number' && typeof raw !== 'string') {
    problems.push(`${path}: expected a Modicon reference such as 30002 or 400001, got ${describe(raw)}`);
    return undefined;
  }
  const parsed = parseModiconRef(raw);
  if (parsed.ok) return parsed.ref;
  problems.push(`${path}: ${parsed.problem}`);
  return undefined;
}

/**
 * An address in 30001..49999 is refused when it looks like a reference of the register's own table: read as an
 * address it is off by one table and one register, and when the device happens to have a register there the agent
 * publishes its neighbour's value instead of failing. `zeroBased: true` says the number really is the address.
 */
function validateAddress(o: Record<string, unknown>, path: string, problems: Problems, functionCode: ReadFunctionCode | undefined, zeroBased: boolean): number | undefined {
  const raw = o['address'];
  const at = join(path, 'address');
  const lookalike = typeof raw === 'number' ? modiconLookalike(raw, functionCode) : undefined;
  // A 6-digit form is above 65535: whatever zeroBased says, it cannot be an address.
  const looks = zeroBased && lookalike?.text.length === 5 ? undefined : lookalike;
  if (looks === undefined) return number(raw, at, problems, { integer: true, min: 0, max: 0xffff });
  const readWith = looks.functionCode === functionCode ? '' : ` (read with function code ${looks.functionCode})`;
  const optOut = looks.text.length === 5 ? `, or add "zeroBased: true" if the device's documentation gives ${looks.text} as a 0-based address` : '';
  problems.push(
    `${at}: ${looks.text} looks like a Modicon reference: ${tableName(looks.functionCode)} ${looks.text} is 0-based address ${looks.address}${readWith}; ` +
      `write "ref: ${looks.text}" or "address: ${looks.address}"${optOut}`,
  );
  return undefined;
}

/** With `ref`, `functionCode` and `address` may be left out; given, they must say the same as the reference. */
function resolveFromRef(o: Record<string, unknown>, path: string, problems: Problems, ref: ModiconRef): { functionCode?: ReadFunctionCode; address?: number } {
  const fcPath = join(path, 'functionCode');
  const functionCode = optional(o['functionCode'], ref.functionCode, (v) => oneOf<ReadFunctionCode>(v, fcPath, problems, [3, 4]));
  if (functionCode !== undefined && functionCode !== ref.functionCode) {
    problems.push(
      `${fcPath}: ${functionCode} reads ${tableName(functionCode)}s but ref ${ref.text} is ${tableName(ref.functionCode)} (function code ${ref.functionCode}); ` +
        'leave functionCode out or make them agree',
    );
  }
  const address = optional(o['address'], ref.address, (v) => number(v, join(path, 'address'), problems, { integer: true, min: 0, max: 0xffff }));
  if (address !== undefined && address !== ref.address) {
    problems.push(`${join(path, 'address')}: ${address} does not match ref ${ref.text} (0-based address ${ref.address}); give one of them`);
  }
  if (o['zeroBased'] !== undefined) problems.push(`${join(path, 'zeroBased')}: applies to address only; a ref is always a Modicon reference`);
  return { ...(functionCode !== undefined ? { functionCode } : {}), ...(address !== undefined ? { address } : {}) };
}

export function validateRegister(raw: unknown, path: string, problems: Problems, ctx: RegisterContext): ModbusRegisterConfig | undefined {
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
  const ref = o['ref'] === undefined ? undefined : validateRef(o['ref'], join(path, 'ref'), problems);
  let functionCode: ReadFunctionCode | undefined;
  let address: number | undefined;
  if (ref !== undefined) {
    ({ functionCode, address } = resolveFromRef(o, path, problems, ref));
  } else if (o['ref'] === undefined) {
    functionCode = oneOf<ReadFunctionCode>(o['functionCode'], join(path, 'functionCode'), problems, [3, 4]);
    const zeroBased = optional(o['zeroBased'], ctx.zeroBased, (v) => boolean(v, join(path, 'zeroBased'), problems));
    address = validateAddress(o, path, problems, functionCode, zeroBased ?? ctx.zeroBased);
  }
  const type = oneOf(o['type'], join(path, 'type'), problems, REGISTER_TYPES);
  if (address !== undefined && type !== undefined && address + registerWidth(type) > 0x10000) {
    problems.push(`${join(path, ref ? 'ref' : 'address')}: ${type} at ${address} runs past register 65535`);
  }
  const wordOrder = optional(o['wordOrder'], 'ABCD' as const, (v) => oneOf(v, join(path, 'wordOrder'), problems, WORD_ORDERS));
  const scale = optional(o['scale'], 1, (v) => number(v, join(path, 'scale'), problems));
  if (scale === 0) problems.push(`${join(path, 'scale')}: must not be 0`);
  const offset = optional(o['offset'], 0, (v) => number(v, join(path, 'offset'), problems));
  const group = optional(o['group'], 'default', (v) => string(v, join(path, 'group'), problems));
  if (group !== undefined && !ctx.groups.has(group)) {
    problems.push(`${join(path, 'group')}: unknown poll group ${JSON.stringify(group)} (defined: ${[...ctx.groups].join(', ')})`);
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
