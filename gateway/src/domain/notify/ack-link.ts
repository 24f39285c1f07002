/**
 * The acknowledgement link in a message (issue #22): one alarm, one recipient, an expiry, signed with HMAC-SHA256 so
 * the link is its own credential. A token is `<payload>.<signature>`, both base64url; the payload is JSON. The
 * signature is compared in constant time. Pure: the key and the times are arguments.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface AckClaim {
  readonly alarm: string;
  /** The recipient the link was sent to: who acknowledged. */
  readonly by: string;
  /** Expiry, gateway ms. */
  readonly exp: number;
}

export type AckVerdict =
  | { readonly ok: true; readonly claim: AckClaim }
  | { readonly ok: false; readonly code: 'E_ACK_LINK_FORGED' | 'E_ACK_LINK_EXPIRED'; readonly reason: string };

export function signAck(claim: AckClaim, key: string): string {
  const payload = Buffer.from(JSON.stringify({ a: claim.alarm, b: claim.by, e: claim.exp }), 'utf8').toString('base64url');
  return `${payload}.${mac(payload, key)}`;
}

export function verifyAck(token: string, key: string, now: number): AckVerdict {
  const dot = token.indexOf('.');
  if (dot <= 0) return { ok: false, code: 'E_ACK_LINK_FORGED', reason: 'not a signed link' };
  const payload = token.slice(0, dot);
  const given = Buffer.from(token.slice(dot + 1), 'base64url');
  const want = Buffer.from(mac(payload, key), 'base64url');
  if (given.length !== want.length || !timingSafeEqual(given, want)) return { ok: false, code: 'E_ACK_LINK_FORGED', reason: 'the signature does not match' };
  let claim: AckClaim;
  try {
    const p = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { a?: unknown; b?: unknown; e?: unknown };
    if (typeof p.a !== 'string' || typeof p.b !== 'string' || typeof p.e !== 'number') throw new Error('shape');
    claim = { alarm: p.a, by: p.b, exp: p.e };
  } catch {
    return { ok: false, code: 'E_ACK_LINK_FORGED', reason: 'the link does not say what it acknowledges' };
  }
  if (now >= claim.exp) return { ok: false, code: 'E_ACK_LINK_EXPIRED', reason: `the link expired at ${new Date(claim.exp).toISOString()}` };
  return { ok: true, claim };
}

function mac(payload: string, key: string): string {
  return createHmac('sha256', key).update(payload, 'utf8').digest('base64url');
}
