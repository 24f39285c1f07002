/**
 * EPCs read from UHF RFID tags (EPC Tag Data Standard 2.x, §14) to the GS1 keys custody reads: SGTIN-96 to GTIN and
 * serial, SSCC-96 to SSCC. The bit layout and partition tables come from `epc-tds` (maintained, TDS 2.x); this file
 * checks the input, maps its answer and its errors onto ours. Pure.
 */
import * as epcTds from 'epc-tds';
import { gs1CheckDigit } from './gs1.js';

export type EpcErrorCode = 'E_EPC_HEX' | 'E_EPC_SCHEME' | 'E_EPC_DECODE';

export type EpcResult =
  | { readonly ok: true; readonly scheme: 'sgtin-96'; readonly gtin: string; readonly serial: string; readonly filter: number }
  | { readonly ok: true; readonly scheme: 'sscc-96'; readonly sscc: string; readonly filter: number }
  | { readonly ok: false; readonly error: EpcErrorCode; readonly reason: string };

// A CommonJS module whose types declare `export default`: at run time its namespace's default is module.exports,
// which is the library object the types call default.
const TDS = epcTds.default;

/** SGTIN-96 and SSCC-96 headers (TDS Table 14-1). */
const HEADERS: Readonly<Record<string, string>> = { '30': 'sgtin-96', '31': 'sscc-96' };

/** Decodes a 96-bit EPC given as 24 hex digits (the form line-mode readers print). */
export function decodeEpc(hex: string): EpcResult {
  const h = hex.trim().toUpperCase();
  if (!/^[0-9A-F]{24}$/.test(h)) return { ok: false, error: 'E_EPC_HEX', reason: `an EPC-96 is 24 hex digits, got '${h.slice(0, 40)}'` };
  const scheme = HEADERS[h.slice(0, 2)];
  if (scheme === undefined) return { ok: false, error: 'E_EPC_SCHEME', reason: `header 0x${h.slice(0, 2)} is neither SGTIN-96 (0x30) nor SSCC-96 (0x31)` };
  try {
    const epc = TDS.valueOf(h);
    if (epc instanceof TDS.Sgtin96) {
      const gtin = epc.getGtin();
      // The library computes the check digit; ours agrees or the tag's company prefix/partition is inconsistent.
      if (!/^\d{14}$/.test(gtin) || String(gs1CheckDigit(gtin.slice(0, -1))) !== gtin.slice(-1)) {
        return { ok: false, error: 'E_EPC_DECODE', reason: `SGTIN-96 ${h} gives no valid GTIN` };
      }
      return { ok: true, scheme: 'sgtin-96', gtin, serial: String(epc.getSerial()), filter: epc.getFilter() };
    }
    if (epc instanceof TDS.Sscc96) return { ok: true, scheme: 'sscc-96', sscc: epc.getSscc(), filter: epc.getFilter() };
  } catch (e) {
    return { ok: false, error: 'E_EPC_DECODE', reason: `${scheme.toUpperCase()} ${h}: ${(e as Error).message}` };
  }
  return { ok: false, error: 'E_EPC_SCHEME', reason: `${h} did not decode as ${scheme.toUpperCase()}` };
}
