import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../adapters/sqlite/database.js';
import { SqliteCarrierEventStore } from '../adapters/sqlite/carrier/carrier-event-store.js';
import { SqliteRegistryStore } from '../adapters/sqlite/registry/registry-store.js';
import type { Shipment } from '../domain/registry/types.js';
import type { TrackingRef } from '../domain/carrier/tracking.js';
import { CarrierEventService, type UnmatchedGroup } from './carrier-events.js';

const shipment = (id: string, tracking?: Shipment['tracking']): Shipment => ({
  id, carrier: 'dhl', lane: 'l', mode: 'road', origin: 'S', destination: 'S', hubs: [], route: [], corridorM: 5000,
  plannedDeparture: '2026-12-01T00:00:00.000Z', promisedDelivery: '2026-12-02T00:00:00.000Z', gapThresholdMin: 30, ...(tracking !== undefined ? { tracking } : {}),
});

describe('CarrierEventService.unmatched, on real SQLite stores', () => {
  let dir: string;
  let registry: SqliteRegistryStore;
  let carrier: SqliteCarrierEventStore;
  let service: CarrierEventService;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'coldtrace-carrier-svc-'));
    registry = new SqliteRegistryStore(openDatabase(join(dir, 'registry.db')));
    carrier = new SqliteCarrierEventStore(openDatabase(join(dir, 'carrier.db')));
    service = new CarrierEventService(carrier, registry);
  });
  afterEach(async () => {
    await carrier.close();
    await registry.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('pages through more tracking numbers than one read of the store holds, leaving out those a shipment lists or names, each once', async () => {
    const numbers = Array.from({ length: 2500 }, (_v, i) => `N${String(i).padStart(4, '0')}`);
    const events = numbers.map((n, i) => ({ carrier: 'dhl', trackingNumber: n, time: new Date(Date.UTC(2026, 11, 1) + i).toISOString(), code: 'InTransit', ...(n === 'N0500' ? { shipment: 'SH-2' } : {}) }));
    await service.accept({ vocabulary: 'aftership', events: events.slice(0, 2000) }, 1);
    await service.accept({ vocabulary: 'aftership', events: events.slice(2000) }, 1);
    await registry.apply([
      { op: 'put', kind: 'shipments', entity: shipment('SH-1', [{ carrier: 'dhl', number: 'N1000' }]) },
      { op: 'put', kind: 'shipments', entity: shipment('SH-2') },
    ], { at: 1, actor: 't', source: 't' });

    // 2,498 unmatched: pages of 700 end short; pages of 1,249 end exactly at the last one, with no page after it.
    for (const [limit, expectedPages] of [[700, 4], [1249, 2]] as const) {
      const seen: UnmatchedGroup[] = [];
      let after: TrackingRef | undefined;
      let pages = 0;
      for (;;) {
        const page = await service.unmatched({ ...(after !== undefined ? { after } : {}), limit });
        seen.push(...page.groups);
        pages++;
        if (page.next === undefined) break;
        after = page.next;
      }
      expect(pages, `limit ${limit}`).toBe(expectedPages);
      expect(seen.map((g) => g.trackingNumber)).toEqual(numbers.filter((n) => n !== 'N0500' && n !== 'N1000'));
    }
  });

  it('moves events with a corrected tracking number: the old number is unmatched again', async () => {
    await service.accept({ carrier: 'dhl', trackingNumber: 'OLD', events: [{ time: '2026-12-01T08:00:00Z', code: 'delivered' }] }, 1);
    await registry.apply([{ op: 'put', kind: 'shipments', entity: shipment('SH-1', [{ carrier: 'dhl', number: 'OLD' }]) }], { at: 1, actor: 't', source: 't' });
    expect((await service.ofShipment('SH-1'))?.map((e) => e.trackingNumber)).toEqual(['OLD']);
    await registry.apply([{ op: 'put', kind: 'shipments', entity: shipment('SH-1', [{ carrier: 'dhl', number: 'NEW' }]) }], { at: 2, actor: 't', source: 't' });
    expect(await service.ofShipment('SH-1')).toEqual([]);
    expect((await service.unmatched({ limit: 10 })).groups.map((g) => g.trackingNumber)).toEqual(['OLD']);
  });
});
