import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { Calibration } from '../../../domain/calibration/calibration.js';
import { SqliteCalibrationStore } from './calibration-store.js';

const cert = (certificate: string, correction: number, calibratedAt = '2026-01-01'): Calibration => ({
  certificate, device: 'S-1', laboratory: 'Lab', calibratedAt, dueAt: '2027-01-01', metrics: { temperature: { correction, uncertainty: 0.1 } },
});
const corrections = (list: Calibration[]): string[] => list.map((c) => `${c.certificate} ${c.metrics['temperature']?.correction}`);

describe('SQLite calibration store: certificates as known at a cut-off', () => {
  const dirs: string[] = [];
  const open = (): { db: Database.Database; path: string } => {
    const dir = mkdtempSync(join(tmpdir(), 'ct-cal-store-'));
    dirs.push(dir);
    const path = join(dir, 'calibration.db');
    return { db: new Database(path), path };
  };
  afterEach(() => { for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true }); });

  it('gives each certificate as last entered at or before the cut-off, none entered later', async () => {
    const store = new SqliteCalibrationStore(open().db);
    await store.put(cert('C-1', 0.5), 'lena', 1000);
    await store.put(cert('C-1', -0.5), 'lena', 2000); // a typo corrected: replaces it from now on
    await store.put(cert('C-2', 0.2, '2026-06-01'), 'lena', 3000);
    await store.put(cert('C-1', 0.7), 'lena', 3000);
    await store.put(cert('C-1', 0.8), 'lena', 3000); // twice in the same millisecond: the later put counts
    expect(corrections(await store.asOf('S-1', 999))).toEqual([]);
    expect(corrections(await store.asOf('S-1', 1000))).toEqual(['C-1 0.5']);
    expect(corrections(await store.asOf('S-1', 2999))).toEqual(['C-1 -0.5']);
    expect(corrections(await store.asOf('S-1', 3000))).toEqual(['C-1 0.8', 'C-2 0.2']);
    expect(corrections(await store.ofDevice('S-1'))).toEqual(['C-1 0.8', 'C-2 0.2']);
    expect(await store.asOf('S-OTHER', 5000)).toEqual([]);
    await store.close();
  });

  it('keeps the certificates of a file made before versions were kept as entered at their time', async () => {
    const { db, path } = open();
    db.exec(`CREATE TABLE schema_versions (component TEXT PRIMARY KEY, version INTEGER NOT NULL);
      INSERT INTO schema_versions VALUES ('calibration', 1);
      CREATE TABLE calibration (device TEXT NOT NULL, certificate TEXT NOT NULL, calibrated_at INTEGER NOT NULL, doc TEXT NOT NULL,
        entered_by TEXT NOT NULL, entered_at INTEGER NOT NULL, PRIMARY KEY (device, certificate)) WITHOUT ROWID;`);
    db.prepare('INSERT INTO calibration VALUES (?, ?, ?, ?, ?, ?)').run('S-1', 'C-OLD', 0, JSON.stringify(cert('C-OLD', 0.3)), 'lena', 500);
    db.close();
    const store = new SqliteCalibrationStore(new Database(path));
    expect(corrections(await store.asOf('S-1', 499))).toEqual([]);
    expect(corrections(await store.asOf('S-1', 500))).toEqual(['C-OLD 0.3']);
    await store.close();
  });
});
