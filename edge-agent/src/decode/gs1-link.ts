/**
 * GS1 Digital Link URIs (GS1 Digital Link URI syntax 1.4, §4) to element strings: the path holds a primary key and
 * its key qualifiers (`/01/{gtin}/22/{cpv}/10/{lot}/21/{serial}`, `/00/{sscc}`), after any path prefix of the
 * resolver's domain; the query holds data attributes by AI (`?17=201225&3103=000195`). Other query parameters
 * (`linkType`, a campaign tag) are not GS1 data and are left alone. Pure.
 */
import type { Gs1Element } from './gs1.js';

/** Primary keys with the qualifiers that may follow them, in the order the syntax allows. */
const PRIMARY_KEYS: Readonly<Record<string, readonly string[]>> = { '01': ['22', '10', '21'], '00': [], '414': ['254'] };

/** The convenience names of DL 1.0 still met on old labels. */
const ALIASES: Readonly<Record<string, string>> = { gtin: '01', sscc: '00', gln: '414', cpv: '22', lot: '10', ser: '21', exp: '17' };

export type LinkResult = { readonly ok: true; readonly elements: Gs1Element[] } | { readonly ok: false; readonly reason: string };

export function digitalLinkElements(uri: string): LinkResult {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return { ok: false, reason: `not a URI: '${uri.slice(0, 60)}'` };
  }
  const segments = url.pathname.split('/').filter((p) => p !== '');
  const keyAt = segments.findIndex((seg, i) => PRIMARY_KEYS[ALIASES[seg] ?? seg] !== undefined && i + 1 < segments.length);
  if (keyAt === -1) return { ok: false, reason: `no GS1 primary key (/01/, /00/, /414/) in the path '${url.pathname.slice(0, 60)}'` };
  const elements: Gs1Element[] = [];
  const key = ALIASES[segments[keyAt]!] ?? segments[keyAt]!;
  const keyValue = decode(segments[keyAt + 1]!);
  if (keyValue === undefined) return { ok: false, reason: 'the primary key is not percent-encoded correctly' };
  // A GTIN-8, -12 or -13 in a link stands for the GTIN-14 with leading zeros (DL 1.4 §4.5).
  elements.push({ ai: key, value: key === '01' && /^\d{8}$|^\d{12,13}$/.test(keyValue) ? keyValue.padStart(14, '0') : keyValue });
  const allowed = [...(PRIMARY_KEYS[key] ?? [])];
  for (let i = keyAt + 2; i < segments.length; i += 2) {
    const ai = ALIASES[segments[i]!] ?? segments[i]!;
    const at = allowed.indexOf(ai);
    if (at === -1 || i + 1 >= segments.length) return { ok: false, reason: `'/${segments.slice(i).join('/').slice(0, 40)}' is not a key qualifier of (${key}) in order` };
    allowed.splice(0, at + 1);
    const value = decode(segments[i + 1]!);
    if (value === undefined) return { ok: false, reason: `(${ai}) is not percent-encoded correctly` };
    elements.push({ ai, value });
  }
  for (const [name, value] of url.searchParams) {
    const ai = ALIASES[name] ?? name;
    if (!/^\d{2,4}$/.test(ai)) continue;
    elements.push({ ai, value });
  }
  return { ok: true, elements };
}

function decode(s: string): string | undefined {
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
}
