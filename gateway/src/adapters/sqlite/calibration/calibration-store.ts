/**
 * Calibration certificates in SQLite (`calibration.db`, its own small file; docs/calibration.md): one row per device
 * and certificate id, the certificate as JSON, with who entered it and when; and every version ever entered, so an
 * evidence export at a cut-off applies the certificates as they were known then (the same cut-off, the same bytes).
 */
import type Database from 'better-sqlite3';
import { timeOf, type Calibration } from '../../../domain/calibration/calibration.js';
import type { CalibrationStore } from '../../../ports/calibration.js';
import { migrate } from '../database.js';

const MIGRATIONS = [
  `CREATE TABLE calibration (
     device TEXT NOT NULL, certificate TEXT NOT NULL, calibrated_at INTEGER NOT NULL, doc TEXT NOT NULL,
     entered_by TEXT NOT NULL, entered_at INTEGER NOT NULL, PRIMARY KEY (device, certificate)
   ) WITHOUT ROWID;`,
  `CREATE TABLE calibration_version (
     device TEXT NOT NULL, certificate TEXT NOT NULL, entered_at INTEGER NOT NULL, seq INTEGER NOT NULL, doc TEXT NOT NULL, entered_by TEXT NOT NULL,
     PRIMARY KEY (device, certificate, entered_at, seq)
   ) WITHOUT ROWID;
   INSERT INTO calibration_version SELECT device, certificate, entered_at, 0, doc, entered_by FROM calibration;`,
];

export class SqliteCalibrationStore implements CalibrationStore {
  private readonly s;

  constructor(private readonly db: Database.Database) {
    migrate(db, 'calibration', MIGRATIONS);
    this.s = {
      exists: db.prepare('SELECT 1 FROM calibration WHERE device = ? AND certificate = ?').pluck(),
      put: db.prepare(`INSERT INTO calibration (device, certificate, calibrated_at, doc, entered_by, entered_at) VALUES (?, ?, ?, ?, ?, ?)
        ON CONFLICT (device, certificate) DO UPDATE SET calibrated_at = excluded.calibrated_at, doc = excluded.doc, entered_by = excluded.entered_by, entered_at = excluded.entered_at`),
      ofDevice: db.prepare('SELECT doc FROM calibration WHERE device = ? ORDER BY calibrated_at, certificate').pluck(),
      all: db.prepare('SELECT doc FROM calibration ORDER BY device, calibrated_at, certificate').pluck(),
      version: db.prepare(`INSERT INTO calibration_version (device, certificate, entered_at, seq, doc, entered_by)
        SELECT ?, ?, ?, COALESCE(MAX(seq) + 1, 0), ?, ? FROM calibration_version WHERE device = ? AND certificate = ? AND entered_at = ?`),
      // The latest version of each certificate entered at or before the cut-off.
      asOf: db.prepare(`SELECT doc FROM calibration_version v WHERE device = ? AND entered_at <= ? AND NOT EXISTS (
        SELECT 1 FROM calibration_version w WHERE w.device = v.device AND w.certificate = v.certificate AND w.entered_at <= ?
          AND (w.entered_at > v.entered_at OR (w.entered_at = v.entered_at AND w.seq > v.seq)))`).pluck(),
    };
  }

  put(c: Calibration, by: string, at: number): Promise<'created' | 'updated'> {
    return Promise.resolve(this.db.transaction(() => {
      const existed = this.s.exists.get(c.device, c.certificate) !== undefined;
      this.s.put.run(c.device, c.certificate, timeOf(c.calibratedAt), JSON.stringify(c), by, at);
      this.s.version.run(c.device, c.certificate, at, JSON.stringify(c), by, c.device, c.certificate, at);
      return existed ? 'updated' as const : 'created' as const;
    }).immediate());
  }

  ofDevice(device: string): Promise<Calibration[]> {
    return Promise.resolve((this.s.ofDevice.all(device) as string[]).map((d) => JSON.parse(d) as Calibration));
  }

  asOf(device: string, atMs: number): Promise<Calibration[]> {
    const list = (this.s.asOf.all(device, atMs, atMs) as string[]).map((d) => JSON.parse(d) as Calibration);
    return Promise.resolve(list.sort((a, b) => timeOf(a.calibratedAt) - timeOf(b.calibratedAt) || (a.certificate < b.certificate ? -1 : 1)));
  }

  all(): Promise<Calibration[]> {
    return Promise.resolve((this.s.all.all() as string[]).map((d) => JSON.parse(d) as Calibration));
  }

  close(): Promise<void> {
    this.db.close();
    return Promise.resolve();
  }
}
