/**
 * Who may connect and call (part of the composition root, gateway.ts; docs/security.md): MQTT credentials of nodes and
 * readers (hashes only, in the gateway's small database) with an external Mosquitto's files kept in step, and the
 * HTTP API's keys and audit log in their own small file.
 */
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import type { Logger } from 'pino';
import type { GatewayConfig } from './config.js';
import type { Clock } from './ports/clock.js';
import { openDatabase } from './adapters/sqlite/database.js';
import { SqliteCredentialStore } from './adapters/sqlite/credentials/credential-store.js';
import { SqliteApiKeyStore } from './adapters/sqlite/access/key-store.js';
import { SqliteAuditLog } from './adapters/sqlite/access/audit-store.js';
import { CredentialService } from './services/credentials.js';
import { MosquittoFiles } from './services/mosquitto-files.js';
import { AccessKeyService } from './services/access-keys.js';
import type { AuditLog } from './ports/access-audit.js';

export interface GatewayAccess {
  readonly credentials: CredentialService;
  readonly accessKeys: AccessKeyService;
  readonly httpAccess: { readonly mode: 'keys' | 'off'; readonly keys: AccessKeyService; readonly audit: AuditLog; readonly corsOrigins: readonly string[] };
  close(): void;
}

export async function startAccess(config: GatewayConfig, metaDb: Database.Database, clock: Clock, log: Logger): Promise<GatewayAccess> {
  const credentials = new CredentialService(new SqliteCredentialStore(metaDb), clock);
  if (config.mosquittoFiles !== undefined) {
    const m = config.mqtt;
    const gatewayUser = m.mode === 'external' && m.username !== undefined && m.password !== undefined ? { gateway: { username: m.username, password: m.password } } : {};
    await new MosquittoFiles(credentials, { ...config.mosquittoFiles, ...gatewayUser }, log.child({ component: 'mosquitto-files' })).start();
  }
  const accessDb = openDatabase(join(config.dataDir, 'access.db'), { durability: config.durability, cacheKiB: 4096 });
  const accessKeys = new AccessKeyService(new SqliteApiKeyStore(accessDb), clock);
  if (config.httpAccess.adminKey !== undefined) accessKeys.setBootstrapKey(config.httpAccess.adminKey);
  const httpAccess = { mode: config.httpAccess.auth, keys: accessKeys, audit: new SqliteAuditLog(accessDb), corsOrigins: config.httpAccess.corsOrigins };
  if (config.httpAccess.auth === 'off') log.warn('COLDTRACE_HTTP_AUTH=off: anyone who reaches the HTTP port may read, edit the registry, replay quarantine and act on flags');
  return { credentials, accessKeys, httpAccess, close: () => accessDb.close() };
}
