/** MQTT credentials of nodes and event readers (docs/security.md, "Device identity"): hashes only, never secrets. */

export interface CredentialRecord {
  /** The MQTT user name (domain/devices/mqtt-identity.ts usernameOf). */
  readonly username: string;
  /** scrypt hash the embedded broker verifies (domain/devices/password-hash.ts). */
  readonly scrypt: string;
  /** The same secret in Mosquitto's `$7$` format, for an external broker's password file. */
  readonly mosquitto: string;
  readonly issuedAt: number;
  /** Issues of this user name so far: 1 for the first, +1 at each rotation. */
  readonly generation: number;
  readonly revokedAt?: number;
}

export interface CredentialStore {
  get(username: string): Promise<CredentialRecord | undefined>;
  /** Inserts or replaces the record of its user name. */
  put(record: CredentialRecord): Promise<void>;
  /** put() of each, all or none (one transaction). */
  putMany(records: readonly CredentialRecord[]): Promise<void>;
  /** Every record, revoked ones included, by user name. */
  list(): Promise<CredentialRecord[]>;
}
