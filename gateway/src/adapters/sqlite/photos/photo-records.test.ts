/**
 * Photo records and the photo quarantine on real SQLite files: the upsert keeps the first record of a hash, queries
 * by device and device time are [from, to), every record is chained in its write's transaction, and a record row
 * edited directly with better-sqlite3 is named by verification.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { PhotoRecord } from '../../../ports/photos.js';
import { openDatabase } from '../database.js';
import { verifyRecords } from '../integrity/record-verifier.js';
import { SqlitePhotoRecords } from './photo-records.js';
import { SqlitePhotoQuarantine } from './photo-quarantine.js';

const T = 1_790_000_000_000;
const record = (n: number, over: Partial<PhotoRecord> = {}): PhotoRecord => ({
  sha256: n.toString(16).padStart(64, '0'), site: 'AMS', node: 'edge-1', device: 'CAM-1', takenAt: new Date(T + n * 1000).toISOString(), takenAtMs: T + n * 1000,
  seq: n, trigger: 'scan', bytes: 1000, width: 640, height: 480, warnings: [], thumbnailKey: `${n.toString(16).padStart(64, '0')}.thumb.jpg`, receivedAt: T + n * 1000 + 50, ...over,
});

let dir: string;
let db: Database.Database;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'coldtrace-photo-records-'));
  db = openDatabase(join(dir, 'registry.db'));
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('SqlitePhotoRecords', () => {
  it('keeps the first record of a hash: the same photo again is "exists" and changes nothing', async () => {
    const photos = new SqlitePhotoRecords(db);
    expect(await photos.upsert(record(1))).toBe('new');
    expect(await photos.upsert(record(1, { device: 'CAM-2', seq: 99 }))).toBe('exists');
    expect(await photos.get(record(1).sha256)).toEqual(record(1));
    expect(await photos.get(record(2).sha256)).toBeUndefined();
  });

  it('finds photos of devices in [from, to) of device time, and lists by filters', async () => {
    const photos = new SqlitePhotoRecords(db);
    for (let n = 1; n <= 6; n++) await photos.upsert(record(n, { device: n % 2 === 0 ? 'CAM-2' : 'CAM-1', warnings: n === 3 ? ['EXIF_TIME_OFF: x'] : [] }));
    const seqs = (rs: readonly PhotoRecord[]): number[] => rs.map((r) => r.seq);
    expect(seqs(await photos.ofDevices(['CAM-1'], T + 1000, T + 5000))).toEqual([1, 3]);
    expect(seqs(await photos.ofDevices(['CAM-1', 'CAM-2'], T + 2000, T + 6000))).toEqual([2, 3, 4, 5]);
    expect(seqs(await photos.ofDevices(['CAM-2'], -Infinity, Infinity))).toEqual([2, 4, 6]);
    expect(seqs(await photos.ofDevices([], -Infinity, Infinity))).toEqual([]);
    expect(seqs(await photos.list({ flagged: true, limit: 10 }))).toEqual([3]);
    expect(seqs(await photos.list({ device: 'CAM-2', from: T + 3000, limit: 10 }))).toEqual([4, 6]);
    expect(seqs(await photos.list({ receivedBy: T + 2050, limit: 10 }))).toEqual([1, 2]);
    expect(await photos.hashes('', 4)).toEqual([1, 2, 3, 4].map((n) => record(n).sha256));
    expect(await photos.hashes(record(4).sha256, 4)).toEqual([5, 6].map((n) => record(n).sha256));
  });

  it('chains every record, and verification names a record edited around the gateway', async () => {
    const photos = new SqlitePhotoRecords(db);
    await photos.upsert(record(1));
    await photos.upsert(record(2));
    await photos.upsert(record(2));
    expect(db.prepare("SELECT kind, id FROM integrity_records WHERE kind = 'photo' ORDER BY seq").all()).toEqual([
      { kind: 'photo', id: record(1).sha256 }, { kind: 'photo', id: record(2).sha256 },
    ]);
    expect(verifyRecords(db).broken).toBeUndefined();
    // Someone moves a photo's time by an hour in the database itself.
    const doc = JSON.stringify(record(2, { takenAtMs: T + 3_600_000 }));
    new Database(join(dir, 'registry.db')).prepare('UPDATE photo SET doc = ? WHERE sha256 = ?').run(doc, record(2).sha256);
    expect(verifyRecords(db).broken).toMatchObject({ chain: 'records', reason: 'content', record: { kind: 'photo', id: record(2).sha256 } });
  });

  it('chains nothing with the chain off', async () => {
    const photos = new SqlitePhotoRecords(db, { chain: false });
    await photos.upsert(record(1));
    const chained = db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'integrity_records'").get() === undefined ? [] : db.prepare("SELECT id FROM integrity_records WHERE kind = 'photo'").all();
    expect(chained).toEqual([]);
  });
});

describe('SqlitePhotoQuarantine', () => {
  it('keeps refusals newest first, by code and device, and pages backwards', async () => {
    const q = new SqlitePhotoQuarantine(db);
    const base = { receivedAt: T, reason: 'r', pathSha256: 'a'.repeat(64), query: 'device=CAM-1', size: 10 };
    const a = await q.put({ ...base, code: 'E_PHOTO_HASH', device: 'CAM-1' });
    const b = await q.put({ ...base, code: 'E_PHOTO_NOT_JPEG', device: 'CAM-2', blobKey: `${'b'.repeat(64)}.quarantine`, actualSha256: 'b'.repeat(64) });
    const c = await q.put({ ...base, code: 'E_PHOTO_HASH' });
    expect((await q.list({ limit: 10 })).map((e) => e.id)).toEqual([c, b, a]);
    expect((await q.list({ code: 'E_PHOTO_HASH', limit: 10 })).map((e) => e.id)).toEqual([c, a]);
    expect((await q.list({ device: 'CAM-2', limit: 10 })).map((e) => e.id)).toEqual([b]);
    expect((await q.list({ beforeId: c, limit: 1 })).map((e) => e.id)).toEqual([b]);
    expect(await q.get(b)).toEqual({ ...base, id: b, code: 'E_PHOTO_NOT_JPEG', device: 'CAM-2', blobKey: `${'b'.repeat(64)}.quarantine`, actualSha256: 'b'.repeat(64) });
  });
});
