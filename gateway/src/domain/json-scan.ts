/**
 * Byte scanners for JSON text, for the fast path (fast-data.ts): plain functions over (bytes, position) that return
 * the next position, or BAIL when the text is not what the fast path handles. No exceptions and no object fields
 * updated per byte, which is what keeps them cheaper than JSON.parse on the event loop. Pure.
 */

/** Position returned for "not for the fast path". */
export const BAIL = -1;
const QUOTE = 0x22;
const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
/** 10^0 .. 10^22: exactly representable doubles (Clinger's fast path). */
const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);
/** Most significant digits a mantissa may have and stay exact (< 2^53). */
const MAX_EXACT_DIGITS = 15;

/** Whether `"word"` is at `p`, closing quote included. */
export function quotedAt(b: Uint8Array, p: number, word: Uint8Array): boolean {
  const n = word.length;
  if (b[p] !== QUOTE || b[p + n + 1] !== QUOTE) return false;
  for (let i = 0; i < n; i++) if (b[p + 1 + i] !== word[i]) return false;
  return true;
}

export function equals(b: Uint8Array, s: number, e: number, want: Uint8Array): boolean {
  if (e - s !== want.length) return false;
  for (let i = 0; i < want.length; i++) if (b[s + i] !== want[i]) return false;
  return true;
}

/** A string of printable ASCII without escapes starting at `p`; returns the index of its closing quote, or BAIL. */
export function string(b: Uint8Array, p: number): number {
  if (b[p] !== QUOTE) return BAIL;
  const end = b.length;
  for (let i = p + 1; i < end; i++) {
    const c = b[i]!;
    if (c === QUOTE) return i;
    if (c < 0x20 || c > 0x7e || c === 0x5c) return BAIL;
  }
  return BAIL;
}

/** A JSON number at `p`, converted exactly as JSON.parse does, into out[0]; returns the position after it, or BAIL. */
export function number(b: Uint8Array, p: number, out: Float64Array): number {
  const start = p;
  const end = b.length;
  const negative = b[p] === MINUS;
  if (negative) p++;
  let mantissa = 0, digits = 0, fraction = 0;
  let c = p < end ? b[p]! : 0;
  if (c === ZERO) {
    p++;
  } else if (c > ZERO && c <= NINE) {
    while (p < end && (c = b[p]!) >= ZERO && c <= NINE) { mantissa = mantissa * 10 + (c - ZERO); digits++; p++; }
  } else {
    return BAIL;
  }
  let simple = true;
  if (p < end && b[p] === DOT) {
    p++;
    const from = p;
    while (p < end && (c = b[p]!) >= ZERO && c <= NINE) { mantissa = mantissa * 10 + (c - ZERO); digits++; fraction++; p++; }
    if (p === from) return BAIL;
  }
  if (p < end && ((c = b[p]!) === 0x65 || c === 0x45)) { // e E
    simple = false;
    p++;
    if (p < end && ((c = b[p]!) === 0x2b || c === MINUS)) p++;
    const from = p;
    while (p < end && (c = b[p]!) >= ZERO && c <= NINE) p++;
    if (p === from) return BAIL;
  }
  if (simple && digits <= MAX_EXACT_DIGITS && fraction < POW10.length) {
    // Exact integer mantissa over an exact power of ten: IEEE division rounds correctly, like strtod.
    const x = fraction === 0 ? mantissa : mantissa / POW10[fraction]!;
    out[0] = negative ? -x : x;
  } else {
    let text = '';
    for (let k = start; k < p; k++) text += String.fromCharCode(b[k]!);
    out[0] = Number(text);
  }
  return p;
}

/** The position of the first byte at or after `p` that is not JSON whitespace. */
export function ws(b: Uint8Array, p: number): number {
  const end = b.length;
  while (p < end) {
    const c = b[p]!;
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return p;
    p++;
  }
  return p;
}

/** After a key's closing quote at `ke`: the offset of its value (past `:` and whitespace), or BAIL. */
export function valueAfterKey(b: Uint8Array, ke: number): number {
  const p = ws(b, ke + 1);
  return b[p] === 0x3a ? ws(b, p + 1) : BAIL;
}
