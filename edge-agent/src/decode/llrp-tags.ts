/**
 * The TagReportData of an LLRP RO_ACCESS_REPORT (LLRP 1.0.1, in llrpjs' JSON form) as scan reads, each for
 * the device its antenna stands for: one reader often serves a portal whose antennas face two ways, and each way
 * is a device of the registry with its own place and direction (docs/scans.md). Pure: the agent's time passed in.
 *
 * The read's device time is the reader's FirstSeenTimestampUTC (µs since the epoch) when the report has it, else
 * `agentTime`; a reader clock outside what the contract accepts is not trusted (the agent's time, `clockRejected`).
 */
import { MAX_DEVICE_TIME_MS, MIN_DEVICE_TIME_MS, type ScanRead } from '@coldtrace/contract';
import { epcRead } from './gs1-read.js';

export interface TagRead {
  /** The device the read goes to. */
  readonly device: string;
  readonly read: ScanRead;
  /** What de-duplication compares: the EPC hex (or the raw text when there was none). */
  readonly key: string;
  /** The reader's timestamp was outside the contract's range and was replaced by the agent's time. */
  readonly clockRejected?: true;
}

/** Antenna port to device; `fallback` takes reads whose antenna the map lacks (kept, with E_LLRP_ANTENNA). */
export interface AntennaMap {
  readonly devices: ReadonlyMap<number, string>;
  readonly fallback: string;
}

type Json = Record<string, unknown>;

function asList(v: unknown): Json[] {
  if (v === undefined || v === null) return [];
  return (Array.isArray(v) ? v : [v]).filter((x): x is Json => typeof x === 'object' && x !== null);
}

function field(p: unknown, name: string): unknown {
  return typeof p === 'object' && p !== null ? (p as Json)[name] : undefined;
}

/** `2026-12-07T08:00:00.120123Z` (llrpjs' form of an LLRP microsecond timestamp) to ms, or undefined. */
export function llrpTimestampMs(v: unknown): number | undefined {
  if (typeof v === 'bigint') return Number(v / 1000n);
  if (typeof v !== 'string') return undefined;
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,6}))?Z$/.exec(v);
  if (!m) return undefined;
  const s = Date.parse(`${m[1]}Z`);
  if (!Number.isFinite(s)) return undefined;
  return s + Math.round(Number((m[2] ?? '0').padEnd(6, '0')) / 1000);
}

/** The EPC of a TagReportData: EPC_96 (always 96 bits) or EPCData (any length), as upper-case hex. */
function epcHex(t: Json): string | undefined {
  const v = field(t['EPC_96'], 'EPC') ?? field(t['EPCData'], 'EPC');
  if (typeof v === 'string') return v.toUpperCase();
  if (Array.isArray(v) && v.every((b) => typeof b === 'number')) return Buffer.from(v as number[]).toString('hex').toUpperCase();
  return undefined;
}

/** Every tag of one RO_ACCESS_REPORT's data, in report order. */
export function tagReads(report: Json, antennas: AntennaMap, agentTime: number): TagRead[] {
  return asList(report['TagReportData']).map((t) => tagRead(t, antennas, agentTime));
}

function tagRead(t: Json, antennas: AntennaMap, agentTime: number): TagRead {
  const antennaRaw = field(t['AntennaID'], 'AntennaID');
  const antenna = typeof antennaRaw === 'number' && Number.isInteger(antennaRaw) ? antennaRaw : undefined;
  const rssiRaw = field(t['PeakRSSI'], 'PeakRSSI');
  const rssi = typeof rssiRaw === 'number' && rssiRaw >= -150 && rssiRaw <= 20 ? rssiRaw : undefined;
  const extra = {
    ...(antenna !== undefined && antenna >= 0 && antenna <= 255 ? { antenna } : {}),
    ...(rssi !== undefined ? { rssi } : {}),
  };
  const seen = llrpTimestampMs(field(t['FirstSeenTimestampUTC'], 'Microseconds'));
  const clockOk = seen !== undefined && seen >= MIN_DEVICE_TIME_MS && seen <= MAX_DEVICE_TIME_MS;
  const time = clockOk ? seen : Math.round(agentTime);
  const hex = epcHex(t);
  const device = antenna === undefined ? undefined : antennas.devices.get(antenna);
  const base: ScanRead = hex === undefined || hex === ''
    ? { time, via: 'rfid', raw: '(no EPC)', error: { code: 'E_EPC_HEX', reason: 'the tag report carries no EPC' }, ...extra }
    : epcRead(hex, time, extra);
  const read: ScanRead = device !== undefined || base.error !== undefined ? base : {
    time, via: 'rfid', raw: base.raw, ...extra,
    error: { code: 'E_LLRP_ANTENNA', reason: antenna === undefined ? 'the tag report names no antenna' : `antenna ${antenna} is not configured` },
  };
  return { device: device ?? antennas.fallback, read, key: hex !== undefined && hex !== '' ? hex : read.raw, ...(seen !== undefined && !clockOk ? { clockRejected: true as const } : {}) };
}
