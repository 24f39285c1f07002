/**
 * API keys of the HTTP API (issue #17, docs/security.md "HTTP access"): their text form and what a key may be.
 * A key is `ctk_<id>_<secret>`: the id (16 hex digits, not secret) finds the stored record with one indexed read; the
 * secret (43 base64url characters, 256 random bits) is compared by its hash in constant time. Pure: the random bytes
 * and the hashing are the caller's.
 */

/** Who a key acts as (gateway/src/http/access.ts says what each may call). */
export type KeyRole = 'viewer' | 'operator' | 'integration' | 'admin';

export const KEY_ROLES: readonly KeyRole[] = ['viewer', 'operator', 'integration', 'admin'];

export const KEY_PREFIX = 'ctk_';

/** Length of a key's id, hex digits (64 bits: ids never collide in practice, and a collision is refused on insert). */
export const KEY_ID_HEX = 16;

/** Length of a key's secret, base64url characters (32 bytes: 256 bits). */
export const KEY_SECRET_CHARS = 43;

const KEY_PATTERN = new RegExp(`^${KEY_PREFIX}([0-9a-f]{${KEY_ID_HEX}})_([A-Za-z0-9_-]{${KEY_SECRET_CHARS}})$`);

export interface ParsedKey {
  readonly id: string;
  readonly secret: string;
}

/** The id and secret of a key's text, or undefined when it is not one of ours (a typo, a truncated paste). */
export function parseKey(text: string): ParsedKey | undefined {
  const m = KEY_PATTERN.exec(text);
  return m === null ? undefined : { id: m[1]!, secret: m[2]! };
}

/** A key's text from its id (16 hex digits) and secret (43 base64url characters). */
export function formatKey(id: string, secret: string): string {
  const text = `${KEY_PREFIX}${id}_${secret}`;
  if (parseKey(text) === undefined) throw new Error(`not a key id (${KEY_ID_HEX} hex digits) and secret (${KEY_SECRET_CHARS} base64url characters)`);
  return text;
}

export function isKeyRole(v: unknown): v is KeyRole {
  return typeof v === 'string' && (KEY_ROLES as readonly string[]).includes(v);
}

/** A key's name: what the audit log shows as who; 1-100 printable characters. */
export function keyNameProblem(name: string): string | undefined {
  if (name.trim() === '' || name.length > 100) return 'a key name has 1-100 characters';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'a key name has no control characters';
  return undefined;
}
