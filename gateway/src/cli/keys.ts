#!/usr/bin/env node
/**
 * coldtrace-keys: API keys of the HTTP API in a gateway's data directory, without a running gateway (docs/security.md
 * "HTTP access"): the first admin key of a new deployment, or a way back in when every admin key is lost.
 *
 *   coldtrace-keys create --name NAME --role viewer|operator|integration|admin   prints the key, the only time it is shown
 *   coldtrace-keys list                                                         id, role, name, created, last used, revoked
 *   coldtrace-keys revoke ID
 *
 * Options: --data-dir (default $COLDTRACE_DATA_DIR or .data/gateway). A running gateway sees a new key at its first
 * use and a revocation within 10 s (its key cache).
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openDatabase } from '../adapters/sqlite/database.js';
import { SqliteApiKeyStore } from '../adapters/sqlite/access/key-store.js';
import { AccessKeyService, KeyRequestError } from '../services/access-keys.js';
import { systemClock } from '../ports/clock.js';

const USAGE = 'usage: coldtrace-keys create --name NAME --role viewer|operator|integration|admin | list | revoke ID   [--data-dir DIR]';

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      'data-dir': { type: 'string', default: process.env.COLDTRACE_DATA_DIR ?? '.data/gateway' },
      name: { type: 'string' }, role: { type: 'string' }, help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help === true) {
    console.log(USAGE);
    return 0;
  }
  const [command, id] = positionals;
  const db = openDatabase(join(values['data-dir'], 'access.db'), { cacheKiB: 1024 });
  try {
    const keys = new AccessKeyService(new SqliteApiKeyStore(db), systemClock);
    switch (command) {
      case 'create': {
        if (values.name === undefined || values.role === undefined) return fail(USAGE);
        const made = await keys.create(values.name, values.role, 'cli');
        console.error(`key ${made.info.id} (${made.info.role}, '${made.info.name}'): shown once, keep it (Authorization: Bearer <key>)`);
        console.log(made.key);
        return 0;
      }
      case 'list':
        for (const k of await keys.list()) {
          const when = (ms: number | undefined): string => (ms === undefined ? '-' : new Date(ms).toISOString());
          console.log([k.id, k.role, JSON.stringify(k.name), `created ${when(k.createdAt)} by ${k.createdBy}`, `last used ${when(k.lastUsedAt)}`, k.revokedAt !== undefined ? `revoked ${when(k.revokedAt)}` : 'active'].join('  '));
        }
        return 0;
      case 'revoke': {
        if (id === undefined) return fail(USAGE);
        const revoked = await keys.revoke(id);
        if (revoked === undefined) return fail(`no key '${id}'`);
        console.log(`revoked ${revoked.id} (${revoked.role}, '${revoked.name}')`);
        return 0;
      }
      default:
        return fail(USAGE);
    }
  } catch (e) {
    if (e instanceof KeyRequestError) return fail(e.message);
    throw e;
  } finally {
    db.close();
  }
}

function fail(message: string): number {
  console.error(message);
  return 2;
}

main().then((code) => process.exit(code), (e: unknown) => {
  console.error(e);
  process.exit(1);
});
