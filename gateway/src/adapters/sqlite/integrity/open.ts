/** The integrity ledger and signing key of a gateway's data directory (gateway.ts assembles them with this). */
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import type { GatewayConfig } from '../../../config.js';
import type { IntegrityLedger, RemoteReadingsSource, Signer } from '../../../ports/integrity.js';
import { openDatabase } from '../database.js';
import { SqliteIntegrityLedger } from './ledger.js';
import { loadSigningKey } from './signing-key.js';

/** Where the signing key is generated when none is configured. */
export const defaultSigningKeyPath = (dataDir: string): string => join(dataDir, 'integrity', 'signing-key.pem');

export interface OpenedIntegrity {
  readonly ledger: IntegrityLedger;
  readonly signer: Signer;
  close(): void;
}

/**
 * `registry` and `meta`: the gateway's open `registry.db` and `gateway.db`. The readings chain is read through a
 * connection of its own to `telemetry.db` (embedded store), or to `spool.db` with a remote store (`remote`: the store
 * it is verified against; undefined when the gateway keeps no chain of it).
 */
export function openIntegrity(config: GatewayConfig, registry: Database.Database, meta: Database.Database, remote?: RemoteReadingsSource): OpenedIntegrity {
  const keyPath = config.integrity.signingKey ?? defaultSigningKeyPath(config.dataDir);
  const signer = loadSigningKey(keyPath, config.integrity.signingKey === undefined);
  const file = config.store.kind === 'sqlite' ? 'telemetry.db' : remote !== undefined ? 'spool.db' : undefined;
  const telemetry = file === undefined ? undefined : openDatabase(join(config.dataDir, file), { durability: config.durability, cacheKiB: 8192 });
  const ledger = new SqliteIntegrityLedger({ telemetry, registry, meta, publicKeyPem: signer.publicKeyPem, ...(file === 'spool.db' ? { remote } : {}) });
  return { ledger, signer, close: () => telemetry?.close() };
}
