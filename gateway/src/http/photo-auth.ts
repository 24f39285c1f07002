/**
 * Who uploads a photo (docs/photos.md "Contract"): the edge node, by its MQTT credentials over HTTP Basic
 * (`{site}/{node}:{secret}`), checked by the same credential service the embedded broker uses: scrypt on libuv's
 * thread pool, never on the event loop, and a verified secret remembered (its SHA-256) until the credential changes,
 * so a node uploading a photo a minute costs one hash per photo. With MQTT auth open, nobody is asked (as on MQTT).
 */
import { clientIdOf, parseUsername } from '../domain/devices/mqtt-identity.js';
import type { AuthOutcome } from '../services/credentials.js';

export interface NodeAuthDeps {
  /** 'open': no credential asked (COLDTRACE_MQTT_AUTH=open); the node is the one the query names. */
  readonly mode: 'credentials' | 'open';
  readonly verify?: (username: string, password: Buffer, clientId: string) => Promise<AuthOutcome>;
}

export type NodeAuthResult =
  | { readonly ok: true; readonly site?: string; readonly node?: string; readonly authenticated: boolean }
  | { readonly ok: false; readonly reason: string };

/** The user name and secret of `Authorization: Basic ...`; undefined when the header is not one. */
export function basicCredentials(header: string | undefined): { username: string; password: string } | undefined {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (m === null) return undefined;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon <= 0 ? undefined : { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

export async function authenticateNode(deps: NodeAuthDeps, header: string | undefined): Promise<NodeAuthResult> {
  if (deps.mode === 'open') return { ok: true, authenticated: false };
  const cred = basicCredentials(header);
  if (cred === undefined) return { ok: false, reason: "the node's MQTT credentials are needed: Authorization: Basic base64('{site}/{node}:{secret}')" };
  const identity = parseUsername(cred.username);
  if (identity?.kind !== 'node') return { ok: false, reason: `'${cred.username.slice(0, 80)}' is not a node's user name ({site}/{node})` };
  if (deps.verify === undefined) return { ok: false, reason: 'no credential store' };
  const outcome = await deps.verify(cred.username, Buffer.from(cred.password, 'utf8'), clientIdOf(identity));
  if (!outcome.ok) return { ok: false, reason: outcome.detail };
  return { ok: true, site: identity.site, node: identity.node, authenticated: true };
}
