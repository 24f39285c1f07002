/**
 * Refused at the door through the scan service, on a real registry and scan log (SQLite files): the labelled expiry
 * of a registry batch, the dynamic expiry the shelf-life rule put on the batch's flag, and an out scanner.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import type { Flag } from '../domain/flags/types.js';
import type { ScanInbound } from '../domain/scans/check.js';
import { openDatabase } from '../adapters/sqlite/database.js';
import { SqliteRegistryStore } from '../adapters/sqlite/registry/registry-store.js';
import { SqliteScanLog } from '../adapters/sqlite/scans/scan-log.js';
import { RegistryService } from './registry.js';
import { ScanService } from './scans.js';

const T = Date.parse('2026-12-07T10:00:00Z');
const clock = { now: () => T - 86_400_000 };

describe('scans at the door', () => {
  let dir: string;
  let store: SqliteRegistryStore;
  let log: SqliteScanLog;
  let registry: RegistryService;
  let shelfFlags: Flag[];
  let seq = 0;
  const scan = (device: string, batch: string, time = T): ScanInbound => ({
    ok: true, kind: 'scan', topic: { kind: 'scan', site: 's', node: 'n', device }, seq: ++seq,
    reads: [{ index: 0, time, via: 'barcode', raw: batch, flags: 0, code: { gtin: '09506000134352', batch } }],
  });

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'coldtrace-scans-door-'));
    store = new SqliteRegistryStore(openDatabase(join(dir, 'registry.db')));
    log = new SqliteScanLog(openDatabase(join(dir, 'gateway.db')));
    registry = new RegistryService(store, clock);
    shelfFlags = [];
    const circle = { kind: 'circle', center: { lat: 52, lon: 4 }, radiusM: 100 };
    await registry.importDocument({
      sites: [{ id: 'S', name: 'S', geofence: circle }], zones: [{ id: 'Z', site: 'S', name: 'Z' }],
      devices: [
        { id: 'IN', kind: 'scanner', model: 'm', intervalS: 60, scanner: { zone: 'Z', direction: 'in' } },
        { id: 'OUT', kind: 'scanner', model: 'm', intervalS: 60, scanner: { zone: 'Z', direction: 'out' } },
      ],
      products: [{ id: 'P', name: 'P', storageTempC: 5, gtins: ['09506000134352'] }],
      batches: [
        { id: 'OLD', product: 'P', quantity: 1, producedAt: '2025-01-01', expiresAt: '2026-12-01' },
        { id: 'HOT', product: 'P', quantity: 1, producedAt: '2026-06-01', expiresAt: '2028-06-01' },
        { id: 'OK', product: 'P', quantity: 1, producedAt: '2026-06-01', expiresAt: '2028-06-01' },
      ],
    }, { actor: 't', source: 't' });
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const service = (): ScanService => new ScanService({
    log, registry, store, clock, logger: pino({ level: 'silent' }),
    flags: { list: (q) => Promise.resolve(shelfFlags.filter((f) => f.subject.id === q.subject?.id && f.rule.startsWith(q.rule ?? ''))) },
  });

  it("refuses a registry batch past its expiresAt when the code carries no expiry", async () => {
    await service().accept(scan('IN', 'OLD'), T);
    expect((await log.list({ batch: 'OLD', limit: 5 }))[0]).toMatchObject({ outcome: 'refused', reasonCode: 'E_SCAN_EXPIRED' });
    expect(await store.placementsOf(['batch:OLD'])).toEqual([]);
  });

  it('refuses a batch whose shelf-life flag puts its dynamic expiry before the scan', async () => {
    shelfFlags = [{ rule: 'shelf-life/arrhenius', subject: { kind: 'batch', id: 'HOT' }, figures: { dynamicExpiry: new Date(T - 3_600_000).toISOString() } } as unknown as Flag];
    await service().accept(scan('IN', 'HOT'), T);
    expect((await log.list({ batch: 'HOT', limit: 5 }))[0]).toMatchObject({ outcome: 'refused', reasonCode: 'E_SCAN_DYNAMIC_EXPIRED' });
  });

  it('lets a batch in date in, and a scan out of the zone ends its placement there', async () => {
    const s = service();
    await s.accept(scan('IN', 'OK', T), T);
    await s.accept(scan('OUT', 'OK', T + 3_600_000), T + 3_600_000);
    expect((await store.placementsOf(['batch:OK'])).map((p) => [p.zone, p.from, p.to])).toEqual([['Z', new Date(T).toISOString(), new Date(T + 3_600_000).toISOString()]]);
    expect((await log.list({ batch: 'OK', limit: 5 })).map((e) => `${e.device} ${e.outcome}`)).toEqual(['OUT moved', 'IN moved']);
  });
});
