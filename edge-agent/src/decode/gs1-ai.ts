/**
 * The GS1 application identifiers the decoder knows (GS1 General Specifications §3.2, Figure 3.2-1) and the table of
 * AIs with a predefined length (§7.8.5, Figure 7.8.5-2), which decides where an element without an FNC1 separator
 * ends. Pure data: gs1.ts reads it.
 */

/** What an AI's data is: digits of a fixed count, a YYMMDD date, or up to `max` characters of GS1 set 82. */
export type AiData =
  | { readonly kind: 'digits'; readonly length: number; readonly checkDigit?: boolean }
  | { readonly kind: 'digits-max'; readonly max: number }
  | { readonly kind: 'date' }
  | { readonly kind: 'text'; readonly max: number };

export interface AiSpec {
  readonly title: string;
  readonly data: AiData;
}

const digits = (length: number, checkDigit = false): AiData => ({ kind: 'digits', length, checkDigit });
const text = (max: number): AiData => ({ kind: 'text', max });
const date: AiData = { kind: 'date' };

/** Known AIs. Any AI of the measure families (310n..369n) is added below. */
const FIXED: Record<string, AiSpec> = {
  '00': { title: 'SSCC', data: digits(18, true) },
  '01': { title: 'GTIN', data: digits(14, true) },
  '02': { title: 'CONTENT', data: digits(14, true) },
  '10': { title: 'BATCH/LOT', data: text(20) },
  '11': { title: 'PROD DATE', data: date },
  '12': { title: 'DUE DATE', data: date },
  '13': { title: 'PACK DATE', data: date },
  '15': { title: 'BEST BEFORE or BEST BY', data: date },
  '16': { title: 'SELL BY', data: date },
  '17': { title: 'USE BY or EXPIRY', data: date },
  '20': { title: 'VARIANT', data: digits(2) },
  '21': { title: 'SERIAL', data: text(20) },
  '22': { title: 'CPV', data: text(20) },
  '30': { title: 'VAR. COUNT', data: { kind: 'digits-max', max: 8 } },
  '37': { title: 'COUNT', data: { kind: 'digits-max', max: 8 } },
  '240': { title: 'ADDITIONAL ID', data: text(30) },
  '241': { title: 'CUST. PART No.', data: text(30) },
  '250': { title: 'SECONDARY SERIAL', data: text(30) },
  '251': { title: 'REF. TO SOURCE', data: text(30) },
  '400': { title: 'ORDER NUMBER', data: text(30) },
  '401': { title: 'GINC', data: text(30) },
  '402': { title: 'GSIN', data: digits(17, true) },
  '403': { title: 'ROUTE', data: text(30) },
  '410': { title: 'SHIP TO LOC', data: digits(13, true) },
  '411': { title: 'BILL TO', data: digits(13, true) },
  '412': { title: 'PURCHASE FROM', data: digits(13, true) },
  '413': { title: 'SHIP FOR LOC', data: digits(13, true) },
  '414': { title: 'LOC No.', data: digits(13, true) },
  '415': { title: 'PAY TO', data: digits(13, true) },
  '416': { title: 'PROD/SERV LOC', data: digits(13, true) },
  '420': { title: 'SHIP TO POST', data: text(20) },
  '7003': { title: 'EXPIRY TIME', data: digits(10) },
};

/** The spec of an AI, or undefined when the decoder does not know it. */
export function aiSpec(ai: string): AiSpec | undefined {
  const known = FIXED[ai];
  if (known !== undefined) return known;
  // 310n..369n: trade and logistic measures, six digits with n decimals (§3.6.2 onwards).
  if (/^3[1-6]\d[0-9]$/.test(ai)) return { title: `MEASURE ${ai}`, data: digits(6) };
  return undefined;
}

/** The AIs a string may start with, longest first: an AI is 2, 3 or 4 digits and no AI is a prefix of another. */
export function aiAt(s: string, at: number): string | undefined {
  for (const n of [2, 3, 4]) {
    const ai = s.slice(at, at + n);
    if (ai.length === n && aiSpec(ai) !== undefined) return ai;
  }
  return undefined;
}

/**
 * Figure 7.8.5-2: element strings whose AI starts with these two digits have a predefined total length (AI and data)
 * and never need an FNC1 after them. Every other element is ended by FNC1 unless it is the last in the symbol.
 */
const PREDEFINED_TOTAL_LENGTH: Record<string, number> = {
  '00': 20, '01': 16, '02': 16, '03': 16, '04': 18, '11': 8, '12': 8, '13': 8, '14': 8, '15': 8, '16': 8, '17': 8,
  '18': 8, '19': 8, '20': 4, '31': 10, '32': 10, '33': 10, '34': 10, '35': 10, '36': 10, '41': 16,
};

/** Data length of an element with a predefined length, or undefined when an FNC1 (or the end) ends it. */
export function predefinedDataLength(ai: string): number | undefined {
  const total = PREDEFINED_TOTAL_LENGTH[ai.slice(0, 2)];
  return total === undefined ? undefined : total - ai.length;
}
