import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { TINY_JPEG, jpegWithComment } from '../../../test/helpers/jpeg.js';
import { PhotoOutbox } from '../../forward/photo-outbox.js';
import { SourceEventTap } from '../events.js';
import { CameraSource } from './camera-source.js';

const log = pino({ level: 'silent' });
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function rig(maxPhotos = 100) {
  const root = mkdtempSync(join(tmpdir(), 'ct-camfolder-'));
  dirs.push(root);
  const drop = join(root, 'drop');
  mkdirSync(drop);
  const start = Date.UTC(2026, 11, 7, 8);
  let t = start;
  const time = { now: () => t, after: () => ({ cancel: () => undefined }) };
  const outbox = await PhotoOutbox.open(join(root, 'photos'), { maxPhotos }, log);
  const tap = new SourceEventTap({ readings: () => undefined, status: () => undefined }, (shot) => outbox.store(shot, t));
  const source = new CameraSource(
    { kind: 'camera', device: 'drop-cam', station: 'Returns desk', input: { kind: 'folder', path: drop, stableMs: 2000, pollMs: 1000 }, intervalMs: 0, triggers: [], minGapMs: 0 },
    { clock: time, scheduler: time, log },
  );
  await source.start(tap);
  // Passes driven by hand (the scheduler never fires): each sees the clock at `atMs` after the start.
  const pass = async (atMs = 0): Promise<void> => {
    t = start + atMs;
    await source.pollFolder();
  };
  return { drop, outbox, source, pass };
}

describe('camera source (folder)', () => {
  it('takes a file written then renamed once it has stayed unchanged for stableMs, with its modification time', async () => {
    const { drop, outbox, source, pass } = await rig();
    writeFileSync(join(drop, 'a.jpg.part'), TINY_JPEG);
    await pass();
    expect(source.stats.shots).toBe(0);
    renameSync(join(drop, 'a.jpg.part'), join(drop, 'a.jpg'));
    const mtime = new Date(Date.UTC(2026, 11, 7, 7, 59, 30));
    utimesSync(join(drop, 'a.jpg'), mtime, mtime);
    await pass();
    expect(source.stats.shots).toBe(0);
    await pass(1999);
    expect(source.stats.shots).toBe(0);
    await pass(2000);
    expect(source.stats).toMatchObject({ shots: 1, stored: 1, triggered: { folder: 1 } });
    expect(existsSync(join(drop, 'a.jpg'))).toBe(false);
    expect((await outbox.next())?.photo).toMatchObject({ device: 'drop-cam', trigger: 'folder', station: 'Returns desk', takenAt: mtime.toISOString() });
  });

  it('makes a missing folder at start', async () => {
    const root = mkdtempSync(join(tmpdir(), 'ct-camfolder-'));
    dirs.push(root);
    const drop = join(root, 'not', 'yet');
    const source = new CameraSource(
      { kind: 'camera', device: 'drop-cam', input: { kind: 'folder', path: drop, stableMs: 0, pollMs: 1000 }, intervalMs: 0, triggers: [], minGapMs: 0 },
      { scheduler: { after: () => ({ cancel: () => undefined }) }, log },
    );
    await source.start({ readings: () => undefined, status: () => undefined });
    await source.pollFolder();
    expect(existsSync(drop)).toBe(true);
    expect(source.stats.failures['folder-unreadable']).toBe(0);
  });

  it('waits for a file that is still growing', async () => {
    const { drop, source, pass } = await rig();
    writeFileSync(join(drop, 'b.JPEG'), TINY_JPEG.subarray(0, 200));
    await pass();
    appendFileSync(join(drop, 'b.JPEG'), TINY_JPEG.subarray(200));
    await pass(2500);
    expect(source.stats.shots).toBe(0);
    await pass(4500);
    expect(source.stats).toMatchObject({ shots: 1, stored: 1 });
  });

  it('moves a file that is not a whole JPEG to rejected/ with the reason, and leaves other names alone', async () => {
    const { drop, source, pass } = await rig();
    writeFileSync(join(drop, 'login.jpg'), '<html>camera login</html>');
    writeFileSync(join(drop, 'cut.jpg'), TINY_JPEG.subarray(0, 300));
    writeFileSync(join(drop, 'notes.txt'), 'not a photo');
    writeFileSync(join(drop, '.hidden.jpg'), TINY_JPEG);
    await pass();
    await pass(2000);
    expect(source.stats.failures).toMatchObject({ 'not-jpeg': 1, truncated: 1 });
    expect(readdirSync(join(drop, 'rejected')).sort()).toEqual(['cut.jpg', 'cut.jpg.reason.txt', 'login.jpg', 'login.jpg.reason.txt']);
    expect(readFileSync(join(drop, 'rejected', 'login.jpg.reason.txt'), 'utf8')).toMatch(/^not-jpeg: /);
    expect(readdirSync(drop).sort()).toEqual(['.hidden.jpg', 'notes.txt', 'rejected']);
  });

  it('leaves a file in the folder while the outbox is full of triggered photos, and takes it once there is room', async () => {
    const { drop, outbox, source, pass } = await rig(1);
    writeFileSync(join(drop, 'c1.jpg'), jpegWithComment('one'));
    writeFileSync(join(drop, 'c2.jpg'), jpegWithComment('two'));
    await pass();
    await pass(2000);
    expect(source.stats).toMatchObject({ shots: 2, stored: 1, failures: { 'outbox-full': 1 } });
    expect(readdirSync(drop)).toEqual(['c2.jpg']);
    await pass(3000);
    expect(source.stats.failures['outbox-full']).toBe(1);
    const first = await outbox.next();
    await outbox.uploaded(first!.photo);
    await pass(4000);
    expect(source.stats).toMatchObject({ shots: 2, stored: 2 });
    expect(readdirSync(drop)).toEqual([]);
  });
});
