import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { jpegWithComment } from '../../test/helpers/jpeg.js';
import type { PhotoTrigger } from '@coldtrace/contract';
import { PhotoOutbox, type PhotoOutboxOptions } from './photo-outbox.js';

const log = pino({ level: 'silent' });
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'ct-photo-outbox-'));
  dirs.push(d);
  return d;
}

let n = 0;
const shot = (trigger: PhotoTrigger, device = 'cam-1') => ({ device, bytes: jpegWithComment(`shot ${n++}`), takenAt: Date.UTC(2026, 11, 7, 7, 0, n), trigger, station: 'packing-1' });

async function putAll(o: PhotoOutbox, triggers: readonly PhotoTrigger[]): Promise<string[]> {
  const results: string[] = [];
  for (const [i, t] of triggers.entries()) {
    const r = await o.put(shot(t), 1000 + i);
    results.push(r.ok ? 'kept' : r.reason);
  }
  return results;
}

describe('PhotoOutbox', () => {
  it('keeps each photo with its SHA-256, device time and a sequence per camera', async () => {
    const o = await PhotoOutbox.open(tempDir(), {}, log);
    const a = shot('scan');
    const r1 = await o.put(a, 1);
    const r2 = await o.put(shot('schedule', 'cam-2'), 2);
    const r3 = await o.put(shot('door'), 3);
    expect([r1, r2, r3].map((r) => r.ok && [r.photo.device, r.photo.seq])).toEqual([['cam-1', 0], ['cam-2', 0], ['cam-1', 1]]);
    expect(r1.ok && r1.photo).toMatchObject({ sha256: createHash('sha256').update(a.bytes).digest('hex'), takenAt: new Date(a.takenAt).toISOString(), trigger: 'scan', station: 'packing-1', size: a.bytes.length });
    const next = await o.next();
    expect(next?.bytes.equals(a.bytes)).toBe(true);
    expect(o.stats()).toMatchObject({ depth: 3, stored: 3, bytes: [r1, r2, r3].reduce((s, r) => s + (r.ok ? r.photo.size : 0), 0) });
  });

  it.each([
    { name: 'drops the oldest schedule shot for a triggered one', puts: ['schedule', 'scan', 'schedule', 'door'], results: ['kept', 'kept', 'kept', 'kept'], kept: ['scan', 'schedule', 'door'], droppedSchedule: 1, refusedFull: 0 },
    { name: 'drops the oldest schedule shot for a newer schedule shot', puts: ['schedule', 'schedule', 'schedule', 'schedule'], results: ['kept', 'kept', 'kept', 'kept'], kept: ['schedule', 'schedule', 'schedule'], droppedSchedule: 1, refusedFull: 0 },
    { name: 'does not keep a schedule shot when only triggered shots fill it', puts: ['scan', 'door', 'shock', 'schedule'], results: ['kept', 'kept', 'kept', 'full'], kept: ['scan', 'door', 'shock'], droppedSchedule: 1, refusedFull: 0 },
    { name: 'refuses a triggered shot when only triggered shots fill it, keeping the older ones', puts: ['scan', 'folder', 'manual', 'door'], results: ['kept', 'kept', 'kept', 'full'], kept: ['scan', 'folder', 'manual'], droppedSchedule: 0, refusedFull: 1 },
  ])('when full, $name', async ({ puts, results, kept, droppedSchedule, refusedFull }) => {
    const o = await PhotoOutbox.open(tempDir(), { maxPhotos: 3 }, log);
    expect(await putAll(o, puts as PhotoTrigger[])).toEqual(results);
    const left: string[] = [];
    for (let next = await o.next(); next; next = await o.next()) {
      left.push(next.photo.trigger);
      await o.uploaded(next.photo);
    }
    expect(left).toEqual(kept);
    expect(o.stats()).toMatchObject({ droppedSchedule, refusedFull, uploaded: kept.length, depth: 0, bytes: 0 });
  });

  it('bounds by bytes too, and refuses a photo larger than the whole outbox', async () => {
    const size = shot('scan').bytes.length;
    const o = await PhotoOutbox.open(tempDir(), { maxBytes: size * 2 + 10 } satisfies Partial<PhotoOutboxOptions>, log);
    expect(await putAll(o, ['schedule', 'scan', 'door'])).toEqual(['kept', 'kept', 'kept']);
    expect(o.stats()).toMatchObject({ depth: 2, droppedSchedule: 1 });
    expect((await o.put({ ...shot('scan'), bytes: jpegWithComment('big', size * 3) }, 9)).ok).toBe(false);
    expect(o.stats().refusedFull).toBe(1);
  });

  it('never drops the photo being uploaded for room', async () => {
    const o = await PhotoOutbox.open(tempDir(), { maxPhotos: 1 }, log);
    await o.put(shot('schedule'), 1);
    const inflight = await o.next();
    expect((await o.put(shot('schedule'), 2)).ok).toBe(false);
    o.release();
    expect((await o.put(shot('schedule'), 3)).ok).toBe(true);
    expect((await o.next())?.photo.seq).not.toBe(inflight?.photo.seq);
  });

  it('picks up its photos and numbering after a restart, and sets a half-stored photo aside', async () => {
    const dir = tempDir();
    const first = await PhotoOutbox.open(dir, {}, log);
    await putAll(first, ['scan', 'schedule']);
    // A crash between the bytes and the metadata of the next photo, and a temp file of a write cut short.
    writeFileSync(join(dir, 'pending', 'cam-1-0000000002.jpg'), jpegWithComment('half'));
    writeFileSync(join(dir, 'pending', 'cam-1-0000000003.jpg.tmp'), 'partial');
    const again = await PhotoOutbox.open(dir, {}, log);
    expect(again.stats()).toMatchObject({ depth: 2, incomplete: 1 });
    expect(readdirSync(join(dir, 'pending')).sort()).toEqual(['cam-1-0000000000.jpg', 'cam-1-0000000000.json', 'cam-1-0000000001.jpg', 'cam-1-0000000001.json']);
    expect(readdirSync(join(dir, 'rejected'))).toContain('cam-1-0000000002.jpg');
    expect((await again.next())?.photo).toMatchObject({ seq: 0, trigger: 'scan' });
    const r = await again.put(shot('door'), 5);
    expect(r.ok && r.photo.seq).toBe(3);
  });

  it('moves a refused photo to rejected/ with the answer, and prunes the oldest past maxRejected', async () => {
    const dir = tempDir();
    const o = await PhotoOutbox.open(dir, { maxRejected: 1 }, log);
    await putAll(o, ['scan', 'door']);
    for (const quarantineId of ['q-1', 'q-2']) {
      const next = await o.next();
      await o.rejected(next!.photo, { status: 415, code: 'E_PHOTO_NOT_JPEG', reason: 'not a JPEG', quarantineId }, Date.UTC(2026, 11, 7));
    }
    expect(o.stats()).toMatchObject({ depth: 0, rejected: 2, rejectedPruned: 1 });
    expect(readdirSync(join(dir, 'rejected')).sort()).toEqual(['cam-1-0000000001.jpg', 'cam-1-0000000001.json']);
    const meta = JSON.parse(readFileSync(join(dir, 'rejected', 'cam-1-0000000001.json'), 'utf8')) as Record<string, unknown>;
    expect(meta).toMatchObject({ trigger: 'door', answer: { status: 415, code: 'E_PHOTO_NOT_JPEG', quarantineId: 'q-2' }, rejectedAt: '2026-12-07T00:00:00.000Z' });
  });
});
