/**
 * coldtrace-verify on the data directory of a gateway with a remote store (docs/security.md "Readings in a remote
 * store"): the readings chain is in `spool.db`, the readings in InfluxDB or VictoriaMetrics, which is read directly,
 * named by the same environment the gateway runs with (COLDTRACE_STORE, COLDTRACE_INFLUX_URL, ...).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { loadGatewayConfig } from '../config.js';
import { remoteChainSource } from '../adapters/influx/chain-source.js';
import { openRemoteStore } from '../adapters/influx/open-remote.js';
import { hasRemoteChain } from '../adapters/spool/chain.js';
import type { RemoteReadingsSource } from '../ports/integrity.js';

export interface RemoteReadings {
  /** `spool.db`, read only. */
  readonly db: Database.Database;
  readonly source: RemoteReadingsSource;
  close(): Promise<void>;
}

/** The spool's chain and its store; undefined when DIR keeps no such chain; a problem when the store is not named. */
export async function remoteReadings(dir: string, env: Readonly<Record<string, string | undefined>>): Promise<RemoteReadings | { problem: string } | undefined> {
  const path = join(dir, 'spool.db');
  if (!existsSync(path)) return undefined;
  const db = new Database(path, { fileMustExist: true, readonly: true });
  db.pragma('busy_timeout = 5000');
  if (!hasRemoteChain(db)) {
    db.close();
    return undefined;
  }
  const config = loadGatewayConfig(env);
  const store = config.ok ? config.config.store : undefined;
  if (store === undefined || store.kind === 'sqlite') {
    db.close();
    return { problem: !config.ok ? config.problems.join('; ') : 'spool.db holds the readings chain of a remote store: name the store as the gateway does (COLDTRACE_STORE, COLDTRACE_INFLUX_URL, ...)' };
  }
  const remote = await openRemoteStore(store, { createDatabase: false });
  return { db, source: remoteChainSource(store, remote), close: async () => { db.close(); await remote.close(); } };
}
