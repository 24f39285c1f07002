/**
 * The scan log's message identity on a real SQLite file: a re-sent message is `logged`, a number reused with other
 * reads is `number-reused` and its reads are kept beside the old ones; a log written before messages were named by
 * their first read's time is migrated with that time taken from each message's first read.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ScanEntry } from '../../../ports/scans.js';
import { openDatabase } from '../database.js';
import { SqliteScanLog } from './scan-log.js';

const dir = mkdtempSync(join(tmpdir(), 'coldtrace-scan-log-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const entry = (seq: number, index: number, time: number, raw: string): ScanEntry => ({
  site: 's', node: 'n', device: 'SC-1', seq, index, time, receivedAt: time, via: 'barcode', raw, outcome: 'bad-code', reasonCode: 'E_GS1_SYNTAX', reason: 'x',
});

describe('scan log: a message is its number and first read time', () => {
  it('tells a re-sent message from a reused number, and keeps the reads of both', async () => {
    const log = new SqliteScanLog(openDatabase(join(dir, 'new.db')));
    expect(await log.seen('SC-1', 7, 1000)).toBe('new');
    await log.append([entry(7, 0, 1000, 'a'), entry(7, 1, 1005, 'b')], 1000);
    expect(await log.seen('SC-1', 7, 1000)).toBe('logged');
    expect(await log.seen('SC-1', 7, 9000)).toBe('number-reused');
    expect(await log.seen('SC-2', 7, 1000)).toBe('new');
    await log.append([entry(7, 0, 9000, 'c')], 9000);
    // The same message again: nothing new.
    await log.append([entry(7, 0, 9000, 'c')], 9000);
    expect(await log.seen('SC-1', 7, 9000)).toBe('logged');
    expect(await log.seen('SC-1', 7, 1000)).toBe('logged');
    expect((await log.list({ device: 'SC-1', limit: 10 })).map((e) => e.raw)).toEqual(['c', 'b', 'a']);
  });

  it('migrates a log written before: each message named by its first read, nothing lost', async () => {
    const path = join(dir, 'old.db');
    const db = openDatabase(path);
    // The log as the first two migrations left it, with two messages of one device.
    db.exec(`CREATE TABLE scans (
       id INTEGER PRIMARY KEY AUTOINCREMENT, device TEXT NOT NULL, seq INTEGER NOT NULL, idx INTEGER NOT NULL,
       t INTEGER NOT NULL, received_at INTEGER NOT NULL, batch TEXT, outcome TEXT NOT NULL, body TEXT NOT NULL,
       UNIQUE (device, seq, idx));
     CREATE TABLE scan_identities (key TEXT PRIMARY KEY, batch TEXT NOT NULL, t INTEGER NOT NULL) WITHOUT ROWID;
     CREATE TABLE IF NOT EXISTS schema_versions (component TEXT PRIMARY KEY, version INTEGER NOT NULL);
     INSERT INTO schema_versions VALUES ('scan-log', 2);`);
    const put = db.prepare('INSERT INTO scans (device, seq, idx, t, received_at, batch, outcome, body) VALUES (?, ?, ?, ?, ?, NULL, ?, ?)');
    for (const e of [entry(1, 0, 500, 'p'), entry(1, 1, 520, 'q'), entry(2, 0, 800, 'r')]) put.run(e.device, e.seq, e.index, e.time, e.receivedAt, e.outcome, JSON.stringify(e));
    db.close();
    const log = new SqliteScanLog(openDatabase(path));
    expect([await log.seen('SC-1', 1, 500), await log.seen('SC-1', 2, 800), await log.seen('SC-1', 1, 999)]).toEqual(['logged', 'logged', 'number-reused']);
    expect((await log.list({ device: 'SC-1', limit: 10 })).map((e) => `${e.id} ${e.raw}`)).toEqual(['3 r', '2 q', '1 p']);
    // New ids follow the old ones.
    await log.append([entry(1, 0, 999, 's')], 999);
    expect((await log.list({ device: 'SC-1', limit: 1 })).map((e) => `${e.id} ${e.raw}`)).toEqual(['4 s']);
  });
});
