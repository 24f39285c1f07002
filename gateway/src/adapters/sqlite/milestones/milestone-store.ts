/** Milestones in SQLite (`registry.db`, beside the shipments they belong to): one row per shipment, kind and place. */
import type Database from 'better-sqlite3';
import type { Milestone } from '../../../domain/shipments/milestones.js';
import type { MilestoneStore, RecordedMilestone } from '../../../ports/milestones.js';
import { migrate } from '../database.js';

const MIGRATIONS = [
  `CREATE TABLE milestone (
     shipment TEXT NOT NULL, kind TEXT NOT NULL, place TEXT NOT NULL, at_ms INTEGER NOT NULL, recorded_at INTEGER NOT NULL, doc TEXT NOT NULL,
     PRIMARY KEY (shipment, kind, place)
   ) WITHOUT ROWID;`,
];

export class SqliteMilestoneStore implements MilestoneStore {
  private readonly s;

  constructor(private readonly db: Database.Database) {
    migrate(db, 'milestones', MIGRATIONS);
    this.s = {
      get: db.prepare('SELECT at_ms, doc FROM milestone WHERE shipment = ? AND kind = ? AND place = ?'),
      put: db.prepare(`INSERT INTO milestone (shipment, kind, place, at_ms, recorded_at, doc) VALUES (?, ?, ?, ?, ?, ?)
        ON CONFLICT (shipment, kind, place) DO UPDATE SET at_ms = excluded.at_ms, recorded_at = excluded.recorded_at, doc = excluded.doc`),
      of: db.prepare('SELECT recorded_at, doc FROM milestone WHERE shipment = ? ORDER BY at_ms, kind, place'),
    };
  }

  record(shipment: string, milestones: readonly Milestone[], at: number): Promise<Milestone[]> {
    const changed: Milestone[] = [];
    this.db.transaction(() => {
      for (const m of milestones) {
        const prev = this.s.get.get(shipment, m.kind, m.place) as { at_ms: number; doc: string } | undefined;
        const doc = JSON.stringify(m);
        if (prev !== undefined && prev.doc === doc) continue;
        this.s.put.run(shipment, m.kind, m.place, m.atMs, at, doc);
        // A new proof of the same moment (the fix found once the track is read again) is stored, not told again.
        if (prev === undefined || prev.at_ms !== m.atMs) changed.push(m);
      }
    }).immediate();
    return Promise.resolve(changed);
  }

  ofShipment(shipment: string): Promise<RecordedMilestone[]> {
    return Promise.resolve((this.s.of.all(shipment) as { recorded_at: number; doc: string }[]).map((r) => ({ ...(JSON.parse(r.doc) as Milestone), recordedAt: r.recorded_at })));
  }
}
