/**
 * Carrier events in SQLite (`carrier.db`, its own file: a backfill of millions of events never holds the write lock
 * of the registry or the readings). The identity (carrier, tracking number, time, code) is the primary key, and an
 * insert that meets it does nothing: the database, not the process, says whether an event is new.
 */
import type Database from 'better-sqlite3';
import type { CarrierEvent } from '../../../domain/carrier/events.js';
import type { CarrierVocabulary } from '../../../domain/carrier/milestones.js';
import type { TrackingRef } from '../../../domain/carrier/tracking.js';
import type { CarrierEventStore, CodeCount, StoredCarrierEvent, TrackingGroup } from '../../../ports/carrier-events.js';
import { migrate } from '../database.js';

const MIGRATIONS = [
  `CREATE TABLE carrier_event (
     carrier TEXT NOT NULL, tracking_number TEXT NOT NULL, time_ms INTEGER NOT NULL, code TEXT NOT NULL,
     vocabulary TEXT NOT NULL, shipment TEXT, text TEXT NOT NULL, place TEXT, lat REAL, lon REAL, received_ms INTEGER NOT NULL,
     PRIMARY KEY (carrier, tracking_number, time_ms, code)
   ) WITHOUT ROWID;
   CREATE INDEX carrier_event_shipment ON carrier_event (shipment, time_ms) WHERE shipment IS NOT NULL;
   CREATE INDEX carrier_event_code ON carrier_event (vocabulary, code, time_ms);`,
];

interface Row {
  carrier: string; tracking_number: string; time_ms: number; code: string; vocabulary: string; shipment: string | null;
  text: string; place: string | null; lat: number | null; lon: number | null; received_ms: number;
}

const COLUMNS = 'carrier, tracking_number, time_ms, code, vocabulary, shipment, text, place, lat, lon, received_ms';

function fromRow(r: Row): StoredCarrierEvent {
  return {
    carrier: r.carrier, trackingNumber: r.tracking_number, vocabulary: r.vocabulary as CarrierVocabulary, time: new Date(r.time_ms).toISOString(),
    timeMs: r.time_ms, code: r.code, text: r.text, receivedMs: r.received_ms,
    ...(r.shipment !== null ? { shipment: r.shipment } : {}), ...(r.place !== null ? { place: r.place } : {}),
    ...(r.lat !== null && r.lon !== null ? { position: { lat: r.lat, lon: r.lon } } : {}),
  };
}

export class SqliteCarrierEventStore implements CarrierEventStore {
  private readonly s;

  constructor(private readonly db: Database.Database) {
    migrate(db, 'carrier-events', MIGRATIONS);
    this.s = {
      insert: db.prepare(`INSERT INTO carrier_event (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`),
      ofTracking: db.prepare(`SELECT ${COLUMNS} FROM carrier_event WHERE carrier = ? AND tracking_number = ? ORDER BY time_ms`),
      ofShipment: db.prepare(`SELECT ${COLUMNS} FROM carrier_event WHERE shipment = ? ORDER BY time_ms`),
      groups: db.prepare(`SELECT carrier, tracking_number, count(*) AS events, min(time_ms) AS first_ms, max(time_ms) AS last_ms,
          json_group_array(DISTINCT shipment) AS named
        FROM carrier_event WHERE (carrier, tracking_number) > (?, ?) GROUP BY carrier, tracking_number ORDER BY carrier, tracking_number LIMIT ?`),
      codes: db.prepare(`SELECT vocabulary, code, count(*) AS events, min(time_ms) AS first_ms, max(time_ms) AS last_ms
        FROM carrier_event GROUP BY vocabulary, code ORDER BY vocabulary, code`),
      withCode: db.prepare(`SELECT ${COLUMNS} FROM carrier_event WHERE vocabulary = ? AND code = ? ORDER BY time_ms DESC LIMIT ?`),
    };
  }

  add(events: readonly CarrierEvent[], receivedMs: number): Promise<boolean[]> {
    const tx = this.db.transaction(() => events.map((e) => this.s.insert.run(
      e.carrier, e.trackingNumber, e.timeMs, e.code, e.vocabulary, e.shipment ?? null, e.text, e.place ?? null,
      e.position?.lat ?? null, e.position?.lon ?? null, receivedMs,
    ).changes === 1));
    return Promise.resolve(tx.immediate());
  }

  find(q: { tracking: readonly TrackingRef[]; shipments: readonly string[] }): Promise<StoredCarrierEvent[]> {
    const rows = new Map<string, Row>();
    const keep = (r: Row): void => void rows.set(`${r.carrier}\u0000${r.tracking_number}\u0000${r.time_ms}\u0000${r.code}`, r);
    for (const t of q.tracking) for (const r of this.s.ofTracking.all(t.carrier, t.trackingNumber) as Row[]) keep(r);
    for (const s of new Set(q.shipments)) for (const r of this.s.ofShipment.all(s) as Row[]) keep(r);
    return Promise.resolve([...rows.values()].sort((a, b) => a.time_ms - b.time_ms).map(fromRow));
  }

  groups(page: { after?: TrackingRef; limit: number }): Promise<TrackingGroup[]> {
    const rows = this.s.groups.all(page.after?.carrier ?? '', page.after?.trackingNumber ?? '', page.limit) as
      { carrier: string; tracking_number: string; events: number; first_ms: number; last_ms: number; named: string }[];
    return Promise.resolve(rows.map((r) => ({
      carrier: r.carrier, trackingNumber: r.tracking_number, events: r.events, firstMs: r.first_ms, lastMs: r.last_ms,
      named: (JSON.parse(r.named) as (string | null)[]).filter((x): x is string => x !== null).sort(),
    })));
  }

  codes(): Promise<CodeCount[]> {
    const rows = this.s.codes.all() as { vocabulary: string; code: string; events: number; first_ms: number; last_ms: number }[];
    return Promise.resolve(rows.map((r) => ({ vocabulary: r.vocabulary, code: r.code, events: r.events, firstMs: r.first_ms, lastMs: r.last_ms })));
  }

  withCode(vocabulary: string, code: string, limit: number): Promise<StoredCarrierEvent[]> {
    return Promise.resolve((this.s.withCode.all(vocabulary, code, limit) as Row[]).map(fromRow));
  }

  close(): Promise<void> {
    this.db.close();
    return Promise.resolve();
  }
}
