/** The integrity ledger and signing key of a gateway's data directory (gateway.ts assembles them with this). */
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import type { GatewayConfig } from '../../../config.js';
import type { IntegrityLedger, Signer } from '../../../ports/integrity.js';
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
 * connection of its own to `telemetry.db` (embedded store only).
 */
export function openIntegrity(config: GatewayConfig, registry: Database.Database, meta: Database.Database): OpenedIntegrity {
  const keyPath = config.integrity.signingKey ?? defaultSigningKeyPath(config.dataDir);
  const signer = loadSigningKey(keyPath, config.integrity.signingKey === undefined);
  const telemetry = config.store.kind === 'sqlite' ? openDatabase(join(config.dataDir, 'telemetry.db'), { durability: config.durability, cacheKiB: 8192 }) : undefined;
  const ledger = new SqliteIntegrityLedger({ telemetry, registry, meta, publicKeyPem: signer.publicKeyPem });
  return { ledger, signer, close: () => telemetry?.close() };
}
