/**
 * GS1 codes as scanners read them, decoded to the identifiers custody needs (issue #21): GTIN (01), content (02),
 * SSCC (00), batch/lot (10), production date (11), best before (15), expiry (17), serial (21), count (37). Pure: the
 * current time (for the century of a two-digit year) is passed in.
 *
 * Accepted forms (GS1 General Specifications §5.4, §7.8; GS1 Digital Link URI syntax 1.4):
 * - an element string as transmitted, with or without a symbology identifier (`]C1`, `]d2`, `]Q3`, `]e0`, `]J1`),
 *   elements of a predefined length back to back, others ended by FNC1 (transmitted as GS, 0x1D);
 * - the human-readable form with parentheses: `(01)09506000134352(17)201225(10)ABC123`;
 * - a GS1 Digital Link URI on any domain: `https://id.gs1.org/01/09506000134352/10/ABC123?17=201225`.
 *
 * Written here rather than taken from npm (docs/scans.md, "Why a decoder of our own"): the maintained parsers found
 * verify no check digits, read dates into local-time Date objects and know no Digital Link.
 */
import { gs1CheckDigit } from '@coldtrace/contract';
import { aiAt, aiSpec, predefinedDataLength, type AiSpec } from './gs1-ai.js';
import { digitalLinkElements } from './gs1-link.js';

export type Gs1ErrorCode =
  | 'E_GS1_EMPTY' | 'E_GS1_SYNTAX' | 'E_GS1_UNKNOWN_AI' | 'E_GS1_LENGTH' | 'E_GS1_CHARSET' | 'E_GS1_CHECK_DIGIT'
  | 'E_GS1_DATE' | 'E_GS1_REPEATED_AI' | 'E_GS1_LINK';

export interface Gs1Element {
  readonly ai: string;
  /** The data as encoded (a date stays YYMMDD here). */
  readonly value: string;
}

/** The identifiers custody reads. Dates are ISO calendar dates (`2020-12-31`); a day 00 is the month's last day. */
export interface Gs1Fields {
  readonly gtin?: string;
  /** GTIN of the trade items a logistic unit contains (02). */
  readonly content?: string;
  readonly sscc?: string;
  readonly batch?: string;
  readonly serial?: string;
  readonly producedOn?: string;
  readonly bestBefore?: string;
  readonly expiresOn?: string;
  readonly count?: number;
}

export interface Gs1Code {
  readonly syntax: 'element-string' | 'digital-link';
  readonly elements: readonly Gs1Element[];
  readonly fields: Gs1Fields;
}

export type Gs1Result =
  | { readonly ok: true; readonly code: Gs1Code }
  | { readonly ok: false; readonly error: Gs1ErrorCode; readonly reason: string };

export interface Gs1Options {
  /** Now, ms since the epoch: two-digit years are read within -49..+50 years of it (§7.12). */
  readonly now: number;
  /** What the scanner sends for FNC1 when not GS (some are set to send `|` or `~`). Default GS (0x1D). */
  readonly fnc1?: string;
}

export const GS = '\u001d';

export { gs1CheckDigit };

/** GS1 AI encodable character set 82 (§7.11, Figure 7.11-1). */
const SET_82 = /^[!"%&'()*+,\-./0-9:;<=>?A-Z_a-z]+$/;

/** Decodes a scanned GS1 code; a bad code answers why, never a partial result. */
export function decodeGs1(input: string, options: Gs1Options): Gs1Result {
  const fnc1 = options.fnc1 ?? GS;
  let s = input.replace(/[\r\n]+$/, '');
  if (s === '') return fail('E_GS1_EMPTY', 'the scanner sent an empty code');
  const symbology = /^\][A-Za-z][0-9A-Za-z]/.exec(s);
  if (symbology !== null) s = s.slice(3);
  if (/^https?:\/\//i.test(s)) {
    const link = digitalLinkElements(s);
    if (!link.ok) return fail('E_GS1_LINK', link.reason);
    return build('digital-link', link.elements, options.now);
  }
  if (fnc1 !== GS) s = s.split(fnc1).join(GS);
  const parsed = s.startsWith('(') ? splitParenthesised(s) : splitElementString(s);
  if (!parsed.ok) return parsed;
  return build('element-string', parsed.elements, options.now);
}

type Split = { readonly ok: true; readonly elements: Gs1Element[] } | { readonly ok: false; readonly error: Gs1ErrorCode; readonly reason: string };

function splitParenthesised(s: string): Split {
  const elements: Gs1Element[] = [];
  const re = /\((\d{2,4})\)([^(]*)/gy;
  let m: RegExpExecArray | null;
  let at = 0;
  while ((m = re.exec(s)) !== null) {
    elements.push({ ai: m[1]!, value: m[2]!.replace(new RegExp(GS, 'g'), '') });
    at = re.lastIndex;
  }
  if (at !== s.length) return fail('E_GS1_SYNTAX', `unreadable from character ${at + 1}: '${clip(s.slice(at))}'`);
  for (const e of elements) if (aiSpec(e.ai) === undefined) return fail('E_GS1_UNKNOWN_AI', `(${e.ai}) is not an application identifier this decoder knows`);
  return { ok: true, elements };
}

function splitElementString(s: string): Split {
  const elements: Gs1Element[] = [];
  let i = s.startsWith(GS) ? 1 : 0; // FNC1 in first position marks GS1 data
  while (i < s.length) {
    const ai = aiAt(s, i);
    if (ai === undefined) {
      if (!/^\d{2}/.test(s.slice(i))) return fail('E_GS1_SYNTAX', `not a GS1 element string at character ${i + 1}: '${clip(s.slice(i))}'`);
      return fail('E_GS1_UNKNOWN_AI', `no application identifier this decoder knows at character ${i + 1}: '${clip(s.slice(i))}'`);
    }
    i += ai.length;
    const fixed = predefinedDataLength(ai);
    let value: string;
    if (fixed !== undefined) {
      value = s.slice(i, i + fixed);
      if (value.length < fixed || value.includes(GS)) return fail('E_GS1_LENGTH', `(${ai}) needs ${fixed} characters, got '${clip(value.split(GS)[0] ?? '')}'`);
      i += fixed;
      if (s[i] === GS) i++; // a redundant FNC1 after a predefined length is tolerated
    } else {
      const end = s.indexOf(GS, i);
      value = s.slice(i, end === -1 ? s.length : end);
      i = end === -1 ? s.length : end + 1;
    }
    elements.push({ ai, value });
  }
  if (elements.length === 0) return fail('E_GS1_SYNTAX', 'no element in the code');
  return { ok: true, elements };
}

/** Checks every element against its AI and gathers the fields. */
function build(syntax: Gs1Code['syntax'], elements: readonly Gs1Element[], now: number): Gs1Result {
  const seen = new Map<string, string>();
  const unique: Gs1Element[] = [];
  const fields: { -readonly [K in keyof Gs1Fields]: Gs1Fields[K] } = {};
  for (const e of elements) {
    const before = seen.get(e.ai);
    if (before !== undefined) {
      if (before !== e.value) return fail('E_GS1_REPEATED_AI', `(${e.ai}) appears twice with different values '${clip(before)}' and '${clip(e.value)}'`);
      continue;
    }
    seen.set(e.ai, e.value);
    const spec = aiSpec(e.ai);
    if (spec === undefined) return fail('E_GS1_UNKNOWN_AI', `(${e.ai}) is not an application identifier this decoder knows`);
    const problem = checkValue(e, spec, now);
    if (typeof problem !== 'string') return problem;
    unique.push(e);
    setField(fields, e.ai, e.value, problem);
  }
  if (unique.length === 0) return fail('E_GS1_SYNTAX', 'no element in the code');
  return { ok: true, code: { syntax, elements: unique, fields } };
}

/** The value's meaning (an ISO date for a date, else the value), or the failure. */
function checkValue(e: Gs1Element, spec: AiSpec, now: number): string | Extract<Gs1Result, { ok: false }> {
  const d = spec.data;
  const label = `(${e.ai}) ${spec.title}`;
  switch (d.kind) {
    case 'digits':
      if (!/^\d+$/.test(e.value)) return fail('E_GS1_CHARSET', `${label} must be digits, got '${clip(e.value)}'`);
      if (e.value.length !== d.length) return fail('E_GS1_LENGTH', `${label} needs ${d.length} digits, got ${e.value.length}`);
      if (d.checkDigit === true) {
        const want = gs1CheckDigit(e.value.slice(0, -1));
        if (String(want) !== e.value.slice(-1)) return fail('E_GS1_CHECK_DIGIT', `${label} ${e.value}: check digit is ${e.value.slice(-1)}, should be ${want}`);
      }
      return e.value;
    case 'digits-max':
      if (!/^\d+$/.test(e.value) || e.value.length > d.max) return fail('E_GS1_LENGTH', `${label} needs 1 to ${d.max} digits, got '${clip(e.value)}'`);
      return e.value;
    case 'text':
      if (e.value === '' || e.value.length > d.max) return fail('E_GS1_LENGTH', `${label} needs 1 to ${d.max} characters, got ${e.value.length}`);
      if (!SET_82.test(e.value)) return fail('E_GS1_CHARSET', `${label} '${clip(e.value)}' has a character outside GS1 set 82`);
      return e.value;
    case 'date': {
      const iso = gs1Date(e.value, now);
      return iso ?? fail('E_GS1_DATE', `${label} '${clip(e.value)}' is not a date (YYMMDD; DD 00 means the month's last day)`);
    }
  }
}

function setField(f: { -readonly [K in keyof Gs1Fields]: Gs1Fields[K] }, ai: string, raw: string, meaning: string): void {
  switch (ai) {
    case '01': f.gtin = raw; break;
    case '02': f.content = raw; break;
    case '00': f.sscc = raw; break;
    case '10': f.batch = raw; break;
    case '21': f.serial = raw; break;
    case '11': f.producedOn = meaning; break;
    case '15': f.bestBefore = meaning; break;
    case '17': f.expiresOn = meaning; break;
    case '37': f.count = Number(raw); break;
    default: break;
  }
}

/**
 * A GS1 YYMMDD date as an ISO date, or undefined. The century puts the year within -49..+50 years of now (§7.12);
 * day 00 stands for the last day of the month (§3.4.2 onwards: "if only year and month are available, DD must be
 * filled with two zeroes").
 */
export function gs1Date(yymmdd: string, now: number): string | undefined {
  const m = /^(\d{2})(\d{2})(\d{2})$/.exec(yymmdd);
  if (m === null) return undefined;
  const yy = Number(m[1]);
  const month = Number(m[2]);
  let day = Number(m[3]);
  if (month < 1 || month > 12) return undefined;
  const current = new Date(now).getUTCFullYear();
  const diff = yy - (current % 100);
  const century = Math.floor(current / 100) * 100 + (diff >= 51 ? -100 : diff <= -50 ? 100 : 0);
  const year = century + yy;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day === 0) day = last;
  if (day > last) return undefined;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

function fail(error: Gs1ErrorCode, reason: string): Extract<Gs1Result, { ok: false }> {
  return { ok: false, error, reason };
}

function clip(s: string, n = 40): string {
  const printable = s.replace(new RegExp(GS, 'g'), '<GS>');
  return printable.length > n ? `${printable.slice(0, n)}…` : printable;
}
