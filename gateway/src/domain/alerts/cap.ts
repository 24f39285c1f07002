/**
 * Weather and disruption alerts in the Common Alerting Protocol (CAP 1.2, OASIS; docs/claims.md, "Weather and
 * disruption alerts"): a document read into the fields the rules use, or refused with a code and a reason. Pure.
 *
 * Refused before any XML parsing: a document type declaration (`<!DOCTYPE`, `<!ENTITY`): CAP needs none, and it is
 * how external entities (a file or URL read into the document) and entity expansion bombs ("billion laughs") come
 * in. The parser runs with entity processing off as well, so nothing is ever expanded.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { LatLon } from '../registry/types.js';

export const CAP_NAMESPACE = 'urn:oasis:names:tc:emergency:cap:1.2';
/** Largest document read, bytes (a national service's feed with a thousand detailed polygons stays well below). */
export const MAX_CAP_BYTES = 8 * 1024 * 1024;

export const CAP_STATUSES = ['Actual', 'Exercise', 'System', 'Test', 'Draft'] as const;
export const CAP_MSG_TYPES = ['Alert', 'Update', 'Cancel', 'Ack', 'Error'] as const;
export const CAP_SEVERITIES = ['Extreme', 'Severe', 'Moderate', 'Minor', 'Unknown'] as const;
export const CAP_URGENCIES = ['Immediate', 'Expected', 'Future', 'Past', 'Unknown'] as const;
export const CAP_CERTAINTIES = ['Observed', 'Likely', 'Possible', 'Unlikely', 'Unknown'] as const;
export type CapStatus = (typeof CAP_STATUSES)[number];
export type CapMsgType = (typeof CAP_MSG_TYPES)[number];
export type CapSeverity = (typeof CAP_SEVERITIES)[number];
export type CapUrgency = (typeof CAP_URGENCIES)[number];
export type CapCertainty = (typeof CAP_CERTAINTIES)[number];

/** A circle of an area: centre and radius, km (CAP: "lat,lon radius"). */
export interface CapCircle {
  readonly center: LatLon;
  readonly radiusKm: number;
}

export interface CapArea {
  readonly areaDesc: string;
  /** Closed rings (first point equals last), WGS 84. */
  readonly polygons: readonly (readonly LatLon[])[];
  readonly circles: readonly CapCircle[];
}

export interface CapInfo {
  readonly event: string;
  readonly urgency: CapUrgency;
  readonly severity: CapSeverity;
  readonly certainty: CapCertainty;
  readonly headline?: string;
  /** ms since the epoch. */
  readonly effectiveMs?: number;
  readonly onsetMs?: number;
  readonly expiresMs?: number;
  readonly areas: readonly CapArea[];
}

/** An earlier message named by `references`: "sender,identifier,sent". */
export interface CapReference {
  readonly sender: string;
  readonly identifier: string;
  readonly sent: string;
}

export interface CapAlert {
  readonly identifier: string;
  readonly sender: string;
  /** As written (it is part of the key other messages refer to it by), and in ms. */
  readonly sent: string;
  readonly sentMs: number;
  readonly status: CapStatus;
  readonly msgType: CapMsgType;
  readonly references: readonly CapReference[];
  readonly infos: readonly CapInfo[];
}

export const CAP_REFUSALS = ['E_CAP_TOO_LARGE', 'E_CAP_DTD', 'E_CAP_MALFORMED', 'E_CAP_NOT_CAP', 'E_CAP_INVALID'] as const;
export type CapRefusalCode = (typeof CAP_REFUSALS)[number];

export type CapParse = { readonly ok: true; readonly alert: CapAlert } | { readonly ok: false; readonly code: CapRefusalCode; readonly reason: string };

/** The key other messages refer to an alert by (CAP 1.2 §3.2.1 `references`). */
export function capKey(a: Pick<CapReference, 'sender' | 'identifier' | 'sent'>): string {
  return `${a.sender},${a.identifier},${a.sent}`;
}

const REPEATED = new Set(['alert.info', 'alert.info.area', 'alert.info.area.polygon', 'alert.info.area.circle']);

function parser(): XMLParser {
  return new XMLParser({
    ignoreAttributes: true, removeNSPrefix: true, parseTagValue: false, trimValues: true, processEntities: false, htmlEntities: false,
    ignoreDeclaration: true, ignorePiTags: true, isArray: (_name, path) => typeof path === 'string' && REPEATED.has(path),
  });
}

/** Reads a CAP 1.2 document. `bytes`: its length as received (the string's UTF-16 length otherwise). */
export function parseCap(xml: string, bytes = xml.length): CapParse {
  if (bytes > MAX_CAP_BYTES) return refuse('E_CAP_TOO_LARGE', `the document is ${bytes} bytes; at most ${MAX_CAP_BYTES} are read`);
  // A declaration anywhere (inside a comment too: a refusal costs nothing, and a reader with other rules might take it).
  const dtd = /<!(DOCTYPE|ENTITY)/i.exec(xml);
  if (dtd !== null) return refuse('E_CAP_DTD', `a document type declaration (<!${dtd[1]!.toUpperCase()}) at character ${dtd.index}: CAP needs none, and entities (external ones, expansion bombs) are not read`);
  const valid = XMLValidator.validate(xml);
  if (valid !== true) return refuse('E_CAP_MALFORMED', `not well-formed XML: ${valid.err.msg} (line ${valid.err.line}, column ${valid.err.col})`);
  let doc: unknown;
  try {
    doc = parser().parse(xml);
  } catch (e) {
    return refuse('E_CAP_MALFORMED', `not well-formed XML: ${e instanceof Error ? e.message : String(e)}`);
  }
  const root = isRecord(doc) ? doc.alert : undefined;
  if (!isRecord(root)) return refuse('E_CAP_NOT_CAP', 'no <alert> element at the root: not a CAP document');
  const problems: string[] = [];
  const alert = readAlert(root, problems);
  if (problems.length > 0 || alert === undefined) return refuse('E_CAP_INVALID', problems.join('; '));
  return { ok: true, alert };
}

function refuse(code: CapRefusalCode, reason: string): CapParse {
  return { ok: false, code, reason };
}

type Rec = Record<string, unknown>;

function isRecord(x: unknown): x is Rec {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/**
 * The five predefined entities and character references, decoded here since the parser's entity processing is off
 * (each stands for one character: nothing expands). Any other `&name;` is left as written.
 */
function decodeText(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(lt|gt|amp|quot|apos|#[0-9]{1,7}|#x[0-9a-fA-F]{1,6});/g, (whole, name: string) => {
    if (!name.startsWith('#')) return PREDEFINED[name]!;
    const code = name[1] === 'x' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
    return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

function text(x: unknown): string | undefined {
  if (typeof x === 'string') return decodeText(x);
  if (typeof x === 'number') return String(x);
  return undefined;
}

function required(r: Rec, field: string, path: string, problems: string[]): string {
  const v = text(r[field]);
  if (v === undefined || v === '') problems.push(`${path}.${field}: missing`);
  return v ?? '';
}

function oneOf<T extends string>(r: Rec, field: string, allowed: readonly T[], path: string, problems: string[]): T {
  const v = required(r, field, path, problems);
  if (v !== '' && !(allowed as readonly string[]).includes(v)) problems.push(`${path}.${field}: '${v}' is not one of ${allowed.join(', ')}`);
  return v as T;
}

/** CAP times: "2003-06-17T14:57:00-07:00", a zone required (§3.3.2). */
const CAP_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?([+-]\d{2}:\d{2}|Z)$/;

function time(r: Rec, field: string, path: string, problems: string[]): number | undefined {
  const v = text(r[field]);
  if (v === undefined || v === '') return undefined;
  const ms = Date.parse(v);
  if (!CAP_TIME.test(v) || !Number.isFinite(ms)) {
    problems.push(`${path}.${field}: '${v}' is not a time with its zone (2003-06-17T14:57:00-07:00)`);
    return undefined;
  }
  return ms;
}

function readAlert(r: Rec, problems: string[]): CapAlert | undefined {
  const identifier = required(r, 'identifier', 'alert', problems);
  const sender = required(r, 'sender', 'alert', problems);
  const sent = required(r, 'sent', 'alert', problems);
  const sentMs = sent === '' ? undefined : time(r, 'sent', 'alert', problems);
  const status = oneOf(r, 'status', CAP_STATUSES, 'alert', problems);
  const msgType = oneOf(r, 'msgType', CAP_MSG_TYPES, 'alert', problems);
  const references = readReferences(text(r.references), problems);
  if ((msgType === 'Update' || msgType === 'Cancel') && references.length === 0) problems.push(`alert.references: an ${msgType} names the messages it refers to`);
  const infos = ((r.info as unknown[] | undefined) ?? []).map((x, i) => readInfo(isRecord(x) ? x : {}, `alert.info[${i}]`, problems));
  if (problems.length > 0 || sentMs === undefined) return undefined;
  return { identifier, sender, sent, sentMs, status, msgType, references, infos };
}

function readReferences(v: string | undefined, problems: string[]): CapReference[] {
  if (v === undefined || v.trim() === '') return [];
  return v.trim().split(/\s+/).flatMap((triple) => {
    const parts = triple.split(',');
    if (parts.length !== 3 || parts.some((p) => p === '')) {
      problems.push(`alert.references: '${triple}' is not sender,identifier,sent`);
      return [];
    }
    return [{ sender: parts[0]!, identifier: parts[1]!, sent: parts[2]! }];
  });
}

function readInfo(r: Rec, path: string, problems: string[]): CapInfo {
  const event = required(r, 'event', path, problems);
  const urgency = oneOf(r, 'urgency', CAP_URGENCIES, path, problems);
  const severity = oneOf(r, 'severity', CAP_SEVERITIES, path, problems);
  const certainty = oneOf(r, 'certainty', CAP_CERTAINTIES, path, problems);
  const headline = text(r.headline);
  const effectiveMs = time(r, 'effective', path, problems);
  const onsetMs = time(r, 'onset', path, problems);
  const expiresMs = time(r, 'expires', path, problems);
  const areas = ((r.area as unknown[] | undefined) ?? []).map((x, i) => readArea(isRecord(x) ? x : {}, `${path}.area[${i}]`, problems));
  return {
    event, urgency, severity, certainty, ...(headline !== undefined && headline !== '' ? { headline } : {}),
    ...(effectiveMs !== undefined ? { effectiveMs } : {}), ...(onsetMs !== undefined ? { onsetMs } : {}), ...(expiresMs !== undefined ? { expiresMs } : {}), areas,
  };
}

function readArea(r: Rec, path: string, problems: string[]): CapArea {
  const areaDesc = required(r, 'areaDesc', path, problems);
  const polygons = ((r.polygon as unknown[] | undefined) ?? []).flatMap((p, i) => {
    const ring = readPolygon(text(p) ?? '', `${path}.polygon[${i}]`, problems);
    return ring === undefined ? [] : [ring];
  });
  const circles = ((r.circle as unknown[] | undefined) ?? []).flatMap((c, i) => {
    const circle = readCircle(text(c) ?? '', `${path}.circle[${i}]`, problems);
    return circle === undefined ? [] : [circle];
  });
  return { areaDesc, polygons, circles };
}

function readPoint(pair: string): LatLon | undefined {
  const parts = pair.split(',');
  if (parts.length !== 2) return undefined;
  const lat = Number(parts[0]);
  const lon = Number(parts[1]);
  if (parts[0]!.trim() === '' || parts[1]!.trim() === '' || !Number.isFinite(lat) || !Number.isFinite(lon)) return undefined;
  if (lat < -90 || lat > 90 || lon < -180 || lon > 180) return undefined;
  return { lat, lon };
}

/** CAP §3.2.4 polygon: at least four "lat,lon" pairs, the first and the last equal. */
function readPolygon(v: string, path: string, problems: string[]): LatLon[] | undefined {
  const pairs = v.trim().split(/\s+/);
  const points: LatLon[] = [];
  for (const pair of pairs) {
    const p = readPoint(pair);
    if (p === undefined) {
      problems.push(`${path}: '${pair.slice(0, 40)}' is not a WGS 84 "lat,lon" pair`);
      return undefined;
    }
    points.push(p);
  }
  const first = points[0];
  const last = points.at(-1);
  if (points.length < 4 || first === undefined || last === undefined || first.lat !== last.lat || first.lon !== last.lon) {
    problems.push(`${path}: a polygon is at least four "lat,lon" pairs, the first and the last the same (got ${points.length})`);
    return undefined;
  }
  return points;
}

/** CAP §3.2.4 circle: "lat,lon radius", the radius in km. */
function readCircle(v: string, path: string, problems: string[]): CapCircle | undefined {
  const parts = v.trim().split(/\s+/);
  const center = parts.length === 2 ? readPoint(parts[0]!) : undefined;
  const radiusKm = parts.length === 2 ? Number(parts[1]) : NaN;
  if (center === undefined || !Number.isFinite(radiusKm) || radiusKm < 0) {
    problems.push(`${path}: '${v.slice(0, 60)}' is not "lat,lon radius" (radius in km, 0 or more)`);
    return undefined;
  }
  return { center, radiusKm };
}
