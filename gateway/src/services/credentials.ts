/**
 * MQTT credentials of nodes and event readers (docs/security.md, "Device identity"): issued once (the secret is shown
 * to the caller and never stored), rotated by issuing again, revoked. Verification runs scrypt on libuv's thread pool,
 * never on the event loop, and remembers a verified secret (its SHA-256, not the secret) until the credential changes,
 * so a node that reconnects costs one hash, not a key derivation.
 */
import { createHash, randomBytes, scrypt } from 'node:crypto';
import type { Clock } from '../ports/clock.js';
import type { CredentialRecord, CredentialStore } from '../ports/credentials.js';
import { clientIdOf, parseUsername, usernameOf, type MqttIdentity } from '../domain/devices/mqtt-identity.js';
import { formatScrypt, mosquittoHash, parseScrypt, sameHash, SCRYPT_PARAMS, type ScryptParams } from '../domain/devices/password-hash.js';

/** Why a connection was refused; each is counted (`coldtrace_mqtt_auth_refused_total{reason}`) and logged. */
export type AuthRefusal = 'no-credentials' | 'unknown' | 'bad-secret' | 'revoked' | 'client-id' | 'bad-certificate';

export type AuthOutcome =
  | { readonly ok: true; readonly identity: MqttIdentity; readonly generation: number }
  | { readonly ok: false; readonly reason: AuthRefusal; readonly detail: string };

export interface IssuedCredential {
  readonly username: string;
  /** Shown once: only hashes of it are kept. */
  readonly password: string;
  readonly clientId: string;
  readonly generation: number;
  readonly issuedAt: number;
}

export interface CredentialView {
  readonly username: string;
  readonly identity: MqttIdentity;
  readonly clientId: string;
  readonly issuedAt: number;
  readonly generation: number;
  readonly revokedAt?: number;
}

export type CredentialChange = { readonly username: string; readonly change: 'issued' | 'revoked' };

/** Most credentials one issueMany() call makes. */
export const MAX_ISSUE = 10_000;
/** Key derivations in flight at once (libuv's pool has 4 threads by default). */
const DERIVE_AT_ONCE = 64;

const derive = (secret: Buffer, salt: Buffer, p: ScryptParams): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    scrypt(secret, salt, p.keyLen, { N: p.N, r: p.r, p: p.p }, (e, key) => (e !== null ? reject(e) : resolve(key)));
  });

const digest = (secret: Buffer): Buffer => createHash('sha256').update(secret).digest();

export class CredentialService {
  /** Per user name: the generation and SHA-256 of the secret last verified, until the credential changes. */
  private readonly verified = new Map<string, { generation: number; digest: Buffer }>();
  private readonly listeners: ((c: CredentialChange) => void)[] = [];

  constructor(private readonly store: CredentialStore, private readonly clock: Clock) {}

  onChange(listener: (c: CredentialChange) => void): void {
    this.listeners.push(listener);
  }

  /** A new secret for `identity`: the first one, or a rotation (the previous secret stops working at once). */
  async issue(identity: MqttIdentity): Promise<IssuedCredential> {
    const [issued] = await this.issueMany([identity]);
    return issued!;
  }

  /**
   * issue() for a fleet: every secret derived (on the thread pool, a few at a time), then all stored in one
   * transaction, all or none. At most MAX_ISSUE at once; an identity named twice is issued once.
   */
  async issueMany(identities: readonly MqttIdentity[]): Promise<IssuedCredential[]> {
    const byName = new Map(identities.map((id) => [usernameOf(id), id]));
    if (byName.size > MAX_ISSUE) throw new RangeError(`at most ${MAX_ISSUE} credentials at once, not ${byName.size}`);
    const now = this.clock.now();
    const out: { record: CredentialRecord; issued: IssuedCredential }[] = [];
    const entries = [...byName];
    for (let i = 0; i < entries.length; i += DERIVE_AT_ONCE) {
      out.push(...await Promise.all(entries.slice(i, i + DERIVE_AT_ONCE).map(async ([username, identity]) => {
        const password = randomBytes(32).toString('base64url');
        const salt = randomBytes(16);
        const hash = await derive(Buffer.from(password), salt, SCRYPT_PARAMS);
        const generation = ((await this.store.get(username))?.generation ?? 0) + 1;
        const record: CredentialRecord = {
          username, scrypt: formatScrypt({ params: SCRYPT_PARAMS, salt, hash }), mosquitto: mosquittoHash(password, randomBytes(12)), issuedAt: now, generation,
        };
        return { record, issued: { username, password, clientId: clientIdOf(identity), generation, issuedAt: now } };
      })));
    }
    await this.store.putMany(out.map((o) => o.record));
    for (const o of out) this.changed(o.record.username, 'issued');
    return out.map((o) => o.issued);
  }

  /** Revokes `identity`'s credential; false when it has none (or it is revoked already). */
  async revoke(identity: MqttIdentity): Promise<boolean> {
    const username = usernameOf(identity);
    const r = await this.store.get(username);
    if (r === undefined || r.revokedAt !== undefined) return false;
    await this.store.put({ ...r, revokedAt: this.clock.now() });
    this.changed(username, 'revoked');
    return true;
  }

  async list(): Promise<CredentialView[]> {
    const views: CredentialView[] = [];
    for (const r of await this.store.list()) {
      const identity = parseUsername(r.username);
      if (identity === undefined) continue;
      views.push({ username: r.username, identity, clientId: clientIdOf(identity), issuedAt: r.issuedAt, generation: r.generation, ...(r.revokedAt !== undefined ? { revokedAt: r.revokedAt } : {}) });
    }
    return views;
  }

  /** Every live (not revoked) record: what an external broker's password and ACL files are made of. */
  async live(): Promise<CredentialRecord[]> {
    return (await this.store.list()).filter((r) => r.revokedAt === undefined);
  }

  /**
   * Checks a CONNECT made with a client certificate the broker's CA verified, whose subject CN is `username`: the
   * certificate stands for the password, but the credential must still be live (a revoked node is refused whatever
   * certificate it holds) and the client id its own.
   */
  async verifyCertified(username: string, clientId: string): Promise<AuthOutcome> {
    const known = await this.liveCredential(username, clientId);
    return known.ok ? { ok: true, identity: known.identity, generation: known.record.generation } : known;
  }

  /** Checks a CONNECT: a known, live identity, its secret, and the client id that belongs to it. */
  async verify(username: string | undefined, password: Buffer | undefined, clientId: string): Promise<AuthOutcome> {
    if (username === undefined || username === '' || password === undefined) return { ok: false, reason: 'no-credentials', detail: 'connected without a user name and password' };
    const live = await this.liveCredential(username, clientId);
    if (!live.ok) return live;
    const { identity, record: r } = live;
    const d = digest(password);
    const known = this.verified.get(username);
    if (known !== undefined && known.generation === r.generation && sameHash(d, known.digest)) return { ok: true, identity, generation: r.generation };
    const stored = parseScrypt(r.scrypt);
    if (stored === undefined) return { ok: false, reason: 'bad-secret', detail: `the stored hash of '${username}' is unreadable: issue a new credential` };
    const derived = await derive(password, stored.salt, stored.params);
    if (!sameHash(derived, stored.hash)) return { ok: false, reason: 'bad-secret', detail: `wrong password for '${username}'` };
    // Still the same credential after the derivation (not rotated or revoked meanwhile): remember it.
    const now = await this.store.get(username);
    if (now === undefined || now.generation !== r.generation || now.revokedAt !== undefined) return { ok: false, reason: 'revoked', detail: `the credential of '${username}' changed while it was being checked` };
    this.verified.set(username, { generation: r.generation, digest: d });
    return { ok: true, identity, generation: r.generation };
  }

  /** A live credential of `username` connecting with its own client id, or why not. */
  private async liveCredential(username: string, clientId: string): Promise<{ ok: true; identity: MqttIdentity; record: CredentialRecord } | Extract<AuthOutcome, { ok: false }>> {
    const identity = parseUsername(username);
    if (identity === undefined) return { ok: false, reason: 'unknown', detail: `user name '${username}' is neither {site}/{node} nor _events/{name}` };
    const r = await this.store.get(username);
    if (r === undefined) return { ok: false, reason: 'unknown', detail: `no credential was issued to '${username}'` };
    if (r.revokedAt !== undefined) return { ok: false, reason: 'revoked', detail: `the credential of '${username}' was revoked at ${new Date(r.revokedAt).toISOString()}` };
    if (clientId !== clientIdOf(identity)) return { ok: false, reason: 'client-id', detail: `'${username}' must connect with client id '${clientIdOf(identity)}', not '${clientId}'` };
    return { ok: true, identity, record: r };
  }

  private changed(username: string, change: CredentialChange['change']): void {
    this.verified.delete(username);
    for (const l of this.listeners) l({ username, change });
  }
}
