/**
 * Modicon register references, as Modbus datasheets write them (issue #24): `30002` is input register 2, `40001`
 * holding register 1. The first digit names the table, the rest counts from 1; the 6-digit form (`300002`,
 * `465536`) reaches the whole 16-bit space. The protocol address on the wire counts from 0, so input register
 * `30002` is read with function code 4 at address 1. The agent reads input and holding registers only; coils
 * (0xxxx) and discrete inputs (1xxxx) are refused with a reason instead of a generic "bad value".
 */
import type { ReadFunctionCode } from '../decode/modbus.js';

export interface ModiconRef {
  /** The reference as written, digits only (`30002`, `400001`). */
  readonly text: string;
  /** 4 for input registers (3xxxx), 3 for holding registers (4xxxx). */
  readonly functionCode: ReadFunctionCode;
  /** 0-based protocol address. */
  readonly address: number;
}

export type ModiconParse = { readonly ok: true; readonly ref: ModiconRef } | { readonly ok: false; readonly problem: string };

const FUNCTION_CODE_BY_DIGIT: Readonly<Record<string, ReadFunctionCode>> = { '3': 4, '4': 3 };
const UNREAD_TABLES: Readonly<Record<string, string>> = { '0': 'coils', '1': 'discrete inputs' };
const FORMS = '5-digit (30001..39999, 40001..49999) or 6-digit (300001..365536, 400001..465536)';

/** `input register` or `holding register`: the table a read function code reads. */
export function tableName(functionCode: ReadFunctionCode): string {
  return functionCode === 4 ? 'input register' : 'holding register';
}

/** Parses a reference given as a number (`30002`) or a string of digits (`"030002"` keeps a leading zero). */
export function parseModiconRef(raw: number | string): ModiconParse {
  const fail = (problem: string): ModiconParse => ({ ok: false, problem });
  const digits = typeof raw === 'number' ? (Number.isSafeInteger(raw) && raw >= 0 ? String(raw) : '') : raw.trim();
  if (!/^\d{5,6}$/.test(digits)) return fail(`expected a ${FORMS} Modicon reference, got ${JSON.stringify(raw)}`);
  const table = digits.charAt(0);
  const unread = UNREAD_TABLES[table];
  if (unread !== undefined) {
    return fail(`${digits} is a Modicon reference to ${unread} (${table}xxxx); the agent reads input registers (3xxxx) and holding registers (4xxxx) only`);
  }
  const functionCode = FUNCTION_CODE_BY_DIGIT[table];
  if (functionCode === undefined) return fail(`${digits} is not a Modicon reference: its first digit names the table, 3 for input registers, 4 for holding registers`);
  const index = Number(digits.slice(1));
  if (index === 0) return fail(`Modicon references count from 1: the first ${tableName(functionCode)} is ${table}${'0'.repeat(digits.length - 2)}1`);
  if (index > 0x10000) return fail(`${digits} is past the last ${tableName(functionCode)}, ${table}65536 (address 65535)`);
  return { ok: true, ref: { text: digits, functionCode, address: index - 1 } };
}

/**
 * The reference an `address` most likely is, when it looks like one: a 5-digit reference of the register's own
 * table (30001..39999 read with function code 4, 40001..49999 with 3), or any 6-digit 3xxxxx/4xxxxx form (above
 * 65535, so it cannot be an address at all). Undefined otherwise.
 */
export function modiconLookalike(address: number, functionCode: ReadFunctionCode | undefined): ModiconRef | undefined {
  if (!Number.isSafeInteger(address)) return undefined;
  const parsed = parseModiconRef(address);
  if (!parsed.ok) return undefined;
  if (parsed.ref.text.length === 6) return parsed.ref;
  return parsed.ref.functionCode === functionCode ? parsed.ref : undefined;
}
