/**
 * Codes as printed on labels and written on tags (issue #21), for the scanner and RFID reader simulators: GS1-128
 * element strings with FNC1, GS1 Digital Link URIs, SGTIN-96 EPCs. Written independently of the edge's decoders
 * (decode/gs1.ts, epc-tds), so the tests that pass one through the other check both.
 */

/** What a label says. Dates as ISO dates (`2027-03-31`). */
export interface LabelFacts {
  readonly gtin?: string;
  /** GTIN of the contents of a logistic unit (AI 02). */
  readonly content?: string;
  readonly sscc?: string;
  readonly batch?: string;
  readonly producedOn?: string;
  readonly expiresOn?: string;
  readonly serial?: string;
  readonly count?: number;
}

const GS = '\u001d';

/** GS1 mod-10 check digit of `body`. */
export function checkDigit(body: string): number {
  let sum = 0;
  for (let i = 0; i < body.length; i++) sum += Number(body[body.length - 1 - i]) * (i % 2 === 0 ? 3 : 1);
  return (10 - (sum % 10)) % 10;
}

const yymmdd = (iso: string): string => iso.slice(2, 4) + iso.slice(5, 7) + iso.slice(8, 10);

/**
 * A GS1-128 / GS1 DataMatrix element string as a scanner transmits it: symbology identifier, then the elements;
 * fixed-length ones first, each variable-length one ended by FNC1 (GS) unless it is last.
 */
export function gs1ElementString(f: LabelFacts, symbology = ']C1'): string {
  const fixed: string[] = [];
  const variable: string[] = [];
  if (f.sscc !== undefined) fixed.push(`00${f.sscc}`);
  if (f.gtin !== undefined) fixed.push(`01${f.gtin}`);
  if (f.content !== undefined) fixed.push(`02${f.content}`);
  if (f.producedOn !== undefined) fixed.push(`11${yymmdd(f.producedOn)}`);
  if (f.expiresOn !== undefined) fixed.push(`17${yymmdd(f.expiresOn)}`);
  if (f.count !== undefined) variable.push(`37${f.count}`);
  if (f.batch !== undefined) variable.push(`10${f.batch}`);
  if (f.serial !== undefined) variable.push(`21${f.serial}`);
  return symbology + fixed.join('') + variable.join(GS);
}

/** A GS1 Digital Link URI on id.gs1.org: GTIN, lot and serial in the path, dates in the query. */
export function digitalLink(f: LabelFacts): string {
  let path = `https://id.gs1.org/01/${f.gtin ?? ''}`;
  if (f.batch !== undefined) path += `/10/${encodeURIComponent(f.batch)}`;
  if (f.serial !== undefined) path += `/21/${encodeURIComponent(f.serial)}`;
  const q = [f.producedOn !== undefined ? `11=${yymmdd(f.producedOn)}` : '', f.expiresOn !== undefined ? `17=${yymmdd(f.expiresOn)}` : ''].filter((x) => x !== '');
  return q.length > 0 ? `${path}?${q.join('&')}` : path;
}

/** Company prefix bits and item reference bits by partition (EPC TDS Table 14-2, SGTIN). */
const SGTIN_PARTITIONS: readonly [number, number][] = [[40, 4], [37, 7], [34, 10], [30, 14], [27, 17], [24, 20], [20, 24]];

/**
 * The SGTIN-96 EPC (24 hex digits) of a GTIN-14 and a numeric serial, the company prefix being `companyDigits`
 * long (6..12) and the filter 1 (point of sale item) unless given.
 */
export function sgtin96(gtin: string, serial: number, companyDigits: number, filter = 1): string {
  const partition = 12 - companyDigits;
  const bits = SGTIN_PARTITIONS[partition];
  if (bits === undefined || !/^\d{14}$/.test(gtin)) throw new RangeError(`no SGTIN-96 for GTIN ${gtin} with a ${companyDigits}-digit company prefix`);
  const company = BigInt(gtin.slice(1, 1 + companyDigits));
  const item = BigInt(gtin[0]! + gtin.slice(1 + companyDigits, 13));
  let v = 0x30n;
  v = (v << 3n) | BigInt(filter);
  v = (v << 3n) | BigInt(partition);
  v = (v << BigInt(bits[0])) | company;
  v = (v << BigInt(bits[1])) | item;
  v = (v << 38n) | BigInt(serial);
  return v.toString(16).toUpperCase().padStart(24, '0');
}

/** Company prefix bits and serial reference bits by partition (EPC TDS Table 14-5, SSCC). */
const SSCC_PARTITIONS: readonly [number, number][] = [[40, 18], [37, 21], [34, 24], [30, 28], [27, 31], [24, 34], [20, 38]];

/** The SSCC-96 EPC (24 hex digits) of an 18-digit SSCC whose company prefix is `companyDigits` long, filter 2 (pallet). */
export function sscc96(sscc: string, companyDigits: number, filter = 2): string {
  const partition = 12 - companyDigits;
  const bits = SSCC_PARTITIONS[partition];
  if (bits === undefined || !/^\d{18}$/.test(sscc)) throw new RangeError(`no SSCC-96 for SSCC ${sscc} with a ${companyDigits}-digit company prefix`);
  const company = BigInt(sscc.slice(1, 1 + companyDigits));
  const serialRef = BigInt(sscc[0]! + sscc.slice(1 + companyDigits, 17));
  let v = 0x31n;
  v = (v << 3n) | BigInt(filter);
  v = (v << 3n) | BigInt(partition);
  v = (v << BigInt(bits[0])) | company;
  v = (v << BigInt(bits[1])) | serialRef;
  v <<= 24n; // 24 reserved bits: 8 + 3 + 3 + 58 + 24 = 96
  return v.toString(16).toUpperCase().padStart(24, '0');
}

/** An SSCC: extension digit, company prefix, serial reference, check digit. */
export function sscc(extension: number, companyPrefix: string, serial: number): string {
  const body = `${extension}${companyPrefix}${String(serial).padStart(16 - companyPrefix.length, '0')}`;
  return body + checkDigit(body);
}
