/**
 * The shipments' tracking numbers as indexed rows beside the registry's documents (issue #20): carrier events find
 * their shipment by (carrier, tracking number) without reading every shipment. Kept in step by the registry store in
 * the same transaction as the shipment's document; its own migrations, so it never renumbers the registry's.
 */
import type Database from 'better-sqlite3';
import type { Shipment, ShipmentTracking } from '../../../domain/registry/types.js';
import { migrate } from '../database.js';

const MIGRATIONS = [
  // Shipments stored before this table existed had no tracking numbers; the INSERT makes that true by construction.
  `CREATE TABLE shipment_tracking (carrier TEXT NOT NULL, number TEXT NOT NULL, shipment TEXT NOT NULL, PRIMARY KEY (carrier, number, shipment)) WITHOUT ROWID;
   CREATE INDEX shipment_tracking_shipment ON shipment_tracking (shipment);
   INSERT OR IGNORE INTO shipment_tracking (carrier, number, shipment)
     SELECT json_extract(t.value, '$.carrier'), json_extract(t.value, '$.number'), e.id FROM entity e, json_each(e.doc, '$.tracking') t WHERE e.kind = 'shipments';`,
];

export class TrackingIndex {
  private readonly s;

  constructor(db: Database.Database) {
    migrate(db, 'registry-tracking', MIGRATIONS);
    this.s = {
      clear: db.prepare('DELETE FROM shipment_tracking WHERE shipment = ?'),
      put: db.prepare('INSERT OR IGNORE INTO shipment_tracking (carrier, number, shipment) VALUES (?, ?, ?)'),
      find: db.prepare('SELECT shipment FROM shipment_tracking WHERE carrier = ? AND number = ? ORDER BY shipment').pluck(),
    };
  }

  /** Inside the registry's write transaction: the shipment's rows as its new document says. */
  put(s: Shipment): void {
    this.s.clear.run(s.id);
    for (const t of s.tracking ?? []) this.s.put.run(t.carrier, t.number, s.id);
  }

  /** Each tracking number with the shipments that list it (none, one, or several when a number was reused). */
  shipmentsOf(refs: readonly ShipmentTracking[]): { carrier: string; number: string; shipments: string[] }[] {
    return refs.map((r) => ({ carrier: r.carrier, number: r.number, shipments: this.s.find.all(r.carrier, r.number) as string[] }));
  }
}
