/**
 * A line from a barcode scanner or an RFID reader as a contract v1 scan read (contract scan.ts): the raw code with
 * what it means, or why it could not be decoded, so the gateway keeps even a bad code. Pure: time passed in.
 */
import type { ScanCode, ScanRead } from '@coldtrace/contract';
import { decodeEpc } from './epc.js';
import { decodeGs1, type Gs1Fields } from './gs1.js';

/** Longest raw code kept in a read (contract: 512); a longer line is cut and says so. */
const MAX_RAW = 512;

/** The fields the contract carries, as the contract names them. */
function toCode(f: Gs1Fields): ScanCode {
  const out: { -readonly [K in keyof ScanCode]: ScanCode[K] } = {};
  if (f.gtin !== undefined) out.gtin = f.gtin;
  if (f.content !== undefined) out.content = f.content;
  if (f.sscc !== undefined) out.sscc = f.sscc;
  if (f.batch !== undefined) out.batch = f.batch;
  if (f.serial !== undefined) out.serial = f.serial;
  if (f.producedOn !== undefined) out.producedOn = f.producedOn;
  if (f.bestBefore !== undefined) out.bestBefore = f.bestBefore;
  if (f.expiresOn !== undefined) out.expiresOn = f.expiresOn;
  if (f.count !== undefined && f.count >= 1) out.count = f.count;
  return out;
}

/** A barcode line: GS1 element string or Digital Link. `fnc1`: what the scanner sends for FNC1 (default GS). */
export function barcodeRead(line: string, time: number, fnc1?: string): ScanRead {
  const raw = clip(line);
  const r = decodeGs1(line, { now: time, ...(fnc1 !== undefined ? { fnc1 } : {}) });
  if (!r.ok) return { time, via: 'barcode', raw, error: { code: r.error, reason: r.reason.slice(0, 256) } };
  const code = toCode(r.code.fields);
  if (Object.keys(code).length === 0) return { time, via: 'barcode', raw, error: { code: 'E_GS1_NO_KEY', reason: 'the code holds no GTIN, SSCC, batch or date' } };
  return { time, via: 'barcode', raw, code };
}

/**
 * An RFID reader's line: the EPC as 24 hex digits, then optional `ANT` and `RSSI` fields (`ANT:2`, `RSSI=-61.5`),
 * separated by commas, semicolons or spaces (the form line-mode UHF readers print). `epc` is the EPC hex for
 * de-duplication, when the line has one.
 */
export function rfidRead(line: string, time: number): { read: ScanRead; epc?: string } {
  const tokens = line.trim().split(/[\s,;]+/).filter((t) => t !== '');
  const epcToken = tokens.find((t) => /^(EPC[:=])?[0-9A-Fa-f]{24}$/.test(t));
  const hex = epcToken?.replace(/^EPC[:=]/i, '').toUpperCase();
  const field = (name: string): number | undefined => {
    const t = tokens.find((x) => x.toUpperCase().startsWith(`${name}:`) || x.toUpperCase().startsWith(`${name}=`));
    const v = t === undefined ? NaN : Number(t.slice(name.length + 1));
    return Number.isFinite(v) ? v : undefined;
  };
  const antenna = field('ANT');
  const rssi = field('RSSI');
  const extra = {
    ...(antenna !== undefined && Number.isInteger(antenna) && antenna >= 0 && antenna <= 255 ? { antenna } : {}),
    ...(rssi !== undefined && rssi >= -150 && rssi <= 20 ? { rssi } : {}),
  };
  if (hex === undefined) return { read: { time, via: 'rfid', raw: clip(line.trim()), error: { code: 'E_EPC_HEX', reason: 'no 24-hex-digit EPC on the line' }, ...extra } };
  return { read: epcRead(hex, time, extra), epc: hex };
}

/**
 * An EPC a reader reported (hex digits, upper case) as a scan read: SGTIN-96 to GTIN and serial, SSCC-96 to SSCC,
 * anything else kept with why (line-mode readers above, LLRP readers in sources/llrp).
 */
export function epcRead(hex: string, time: number, extra: { readonly antenna?: number; readonly rssi?: number } = {}): ScanRead {
  const raw = clip(hex);
  const r = decodeEpc(hex);
  if (!r.ok) return { time, via: 'rfid', raw, error: { code: r.error, reason: r.reason.slice(0, 256) }, ...extra };
  const code: ScanCode = r.scheme === 'sgtin-96' ? { gtin: r.gtin, serial: r.serial } : { sscc: r.sscc };
  return { time, via: 'rfid', raw, code, ...extra };
}

function clip(s: string): string {
  const t = s.replace(/[\r\n]+$/, '');
  return t.length > MAX_RAW ? t.slice(0, MAX_RAW) : t === '' ? '(empty)' : t;
}
