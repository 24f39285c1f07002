/**
 * Pure Modbus register decoding and read planning (docs/domain.md §5). No I/O, no clock.
 *
 * Registers are big-endian 16-bit words. 32-bit values span two words whose order varies by vendor:
 * ABCD (big-endian), CDAB (word swap), BADC (byte swap inside each word), DCBA (little-endian).
 */

export const REGISTER_TYPES = ['int16', 'uint16', 'int32', 'uint32', 'float32'] as const;
export type RegisterType = (typeof REGISTER_TYPES)[number];

export const WORD_ORDERS = ['ABCD', 'CDAB', 'BADC', 'DCBA'] as const;
export type WordOrder = (typeof WORD_ORDERS)[number];

export type ReadFunctionCode = 3 | 4;

/** Most registers one read request may carry (Modbus Application Protocol v1.1b3 §6.3/§6.4: 125). */
export const MAX_REGISTERS_PER_READ = 125;

/** Number of 16-bit words a value of this type occupies. */
export function registerWidth(type: RegisterType): 1 | 2 {
  return type === 'int16' || type === 'uint16' ? 1 : 2;
}

/** Puts the 4 bytes of a 2-word value back into big-endian (ABCD) byte order. */
function toBigEndianBytes(w0: number, w1: number, order: WordOrder): [number, number, number, number] {
  const b = [(w0 >> 8) & 0xff, w0 & 0xff, (w1 >> 8) & 0xff, w1 & 0xff] as const;
  switch (order) {
    case 'ABCD':
      return [b[0], b[1], b[2], b[3]];
    case 'CDAB':
      return [b[2], b[3], b[0], b[1]];
    case 'BADC':
      return [b[1], b[0], b[3], b[2]];
    case 'DCBA':
      return [b[3], b[2], b[1], b[0]];
  }
}

/**
 * Decodes the raw value from `words` (each 0..0xFFFF) starting at index 0.
 * Throws a RangeError when too few words are given (a planner bug, never a device fault).
 */
export function decodeRaw(words: readonly number[], type: RegisterType, order: WordOrder = 'ABCD'): number {
  const w0 = words[0];
  if (w0 === undefined) throw new RangeError(`no word to decode ${type}`);
  if (type === 'uint16') return w0 & 0xffff;
  if (type === 'int16') return ((w0 & 0xffff) << 16) >> 16;
  const w1 = words[1];
  if (w1 === undefined) throw new RangeError(`${type} needs 2 words`);
  const bytes = toBigEndianBytes(w0 & 0xffff, w1 & 0xffff, order);
  const view = new DataView(new Uint8Array(bytes).buffer);
  switch (type) {
    case 'int32':
      return view.getInt32(0, false);
    case 'uint32':
      return view.getUint32(0, false);
    case 'float32':
      return view.getFloat32(0, false);
  }
}

/** Encodes a raw value into words (the inverse of decodeRaw); simulators and tests use it. */
export function encodeRaw(value: number, type: RegisterType, order: WordOrder = 'ABCD'): number[] {
  if (type === 'uint16' || type === 'int16') return [value & 0xffff];
  const view = new DataView(new ArrayBuffer(4));
  if (type === 'float32') view.setFloat32(0, value, false);
  else if (type === 'int32') view.setInt32(0, value, false);
  else view.setUint32(0, value, false);
  const a = view.getUint8(0);
  const b = view.getUint8(1);
  const c = view.getUint8(2);
  const d = view.getUint8(3);
  const word = (hi: number, lo: number): number => (hi << 8) | lo;
  switch (order) {
    case 'ABCD':
      return [word(a, b), word(c, d)];
    case 'CDAB':
      return [word(c, d), word(a, b)];
    case 'BADC':
      return [word(b, a), word(d, c)];
    case 'DCBA':
      return [word(d, c), word(b, a)];
  }
}

/**
 * Engineering value = raw × scale + offset, rounded to 12 significant digits so that e.g. 213 × 0.1 reads 21.3
 * rather than 21.300000000000001. Returns undefined for NaN/Infinity (a float32 register that holds no number).
 */
export function toEngineering(raw: number, scale = 1, offset = 0): number | undefined {
  const v = raw * scale + offset;
  if (!Number.isFinite(v)) return undefined;
  return Number(v.toPrecision(12));
}

/** What the planner needs to know about one register. */
export interface PlannedRegister {
  readonly functionCode: ReadFunctionCode;
  readonly address: number;
  readonly type: RegisterType;
}

/** One read request: `count` registers from `address`, and where each input register's words start in it. */
export interface ReadRequest {
  readonly functionCode: ReadFunctionCode;
  readonly address: number;
  readonly count: number;
  /** Index into the planner input and the word offset of that register inside this request's response. */
  readonly items: readonly { readonly index: number; readonly offset: number }[];
}

export interface PlanOptions {
  /** Largest run of unmapped registers that may be read (and discarded) to merge two requests. Default 0. */
  readonly maxGap?: number;
  /** Largest request, registers. Default and maximum 125. */
  readonly maxCount?: number;
}

/**
 * Merges the registers of one poll group into as few read requests as possible: registers of the same function
 * code whose spans are contiguous (or separated by at most `maxGap` registers) share a request of at most
 * `maxCount` registers. Overlapping registers (a float32 and its low word as uint16) share words.
 */
export function planReads(registers: readonly PlannedRegister[], options: PlanOptions = {}): ReadRequest[] {
  const maxGap = Math.max(0, options.maxGap ?? 0);
  const maxCount = Math.min(MAX_REGISTERS_PER_READ, Math.max(2, options.maxCount ?? MAX_REGISTERS_PER_READ));
  const sorted = registers
    .map((r, index) => ({ r, index }))
    .sort((x, y) => x.r.functionCode - y.r.functionCode || x.r.address - y.r.address || x.index - y.index);
  const out: ReadRequest[] = [];
  let cur: { functionCode: ReadFunctionCode; address: number; end: number; items: { index: number; offset: number }[] } | undefined;
  const flush = (): void => {
    if (cur) out.push({ functionCode: cur.functionCode, address: cur.address, count: cur.end - cur.address, items: cur.items });
  };
  for (const { r, index } of sorted) {
    const end = r.address + registerWidth(r.type);
    const fits =
      cur !== undefined &&
      cur.functionCode === r.functionCode &&
      r.address - cur.end <= maxGap &&
      Math.max(cur.end, end) - cur.address <= maxCount;
    if (cur !== undefined && fits) {
      cur.end = Math.max(cur.end, end);
      cur.items.push({ index, offset: r.address - cur.address });
    } else {
      flush();
      cur = { functionCode: r.functionCode, address: r.address, end, items: [{ index, offset: 0 }] };
    }
  }
  flush();
  return out;
}
