/**
 * The agent's outbox on a full disk (issue #23), for real: the outbox file on a small tmpfs (mounting needs root, as
 * CI has; this test fails loudly where it cannot mount), the disk filled while a device keeps producing readings and
 * the broker acknowledges. The agent must not crash; new readings that cannot be stored are counted (not invented,
 * not retried from memory), what the outbox holds is kept and delivered, and once space returns it takes readings
 * again by itself. (16 MiB: SQLite's WAL grows to ~4 MiB between checkpoints, which a smaller disk could not hold
 * even when empty.)
 */
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, expect, it } from 'vitest';
import { Outbox, OutboxSink, Publisher, systemClock } from '../../src/index.js';
import { freePort, startBroker, type TestBroker } from '../helpers/broker.js';
import { record, type Recorder } from '../helpers/mqtt.js';

let mnt: string | undefined;
let broker: TestBroker | undefined;
let rec: Recorder | undefined;
let outbox: Outbox | undefined;
let publisher: Publisher | undefined;
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  await publisher?.stop(500);
  outbox?.close();
  await rec?.close();
  await broker?.stop();
  for (const c of cleanups) await c();
  for (const dir of mounts) {
    spawnSync('umount', [dir]);
    rmSync(dir, { recursive: true, force: true });
  }
});

const mounts: string[] = [];
function mountTmpfs(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ct-agent-disk-'));
  const m = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=16m', 'tmpfs', dir], { encoding: 'utf8' });
  if (m.status !== 0) throw new Error(`cannot mount a tmpfs at ${dir} (this test needs root, as CI has): ${m.stderr}`);
  mounts.push(dir);
  return dir;
}

function fill(dir: string): string {
  const path = join(dir, 'filler');
  const fd = openSync(path, 'w');
  try {
    for (;;) writeSync(fd, Buffer.alloc(64 * 1024, 1));
  } catch {
    try { for (;;) writeSync(fd, Buffer.alloc(512, 1)); } catch { /* full */ }
  } finally {
    closeSync(fd);
  }
  return path;
}

it('keeps and delivers what it holds, counts what it cannot take, and takes readings again once space returns', async () => {
  mnt = mountTmpfs();
  const log = pino({ level: 'silent' });
  broker = await startBroker();
  rec = await record(broker.url);
  outbox = new Outbox(join(mnt, 'outbox.db'), systemClock, {});
  publisher = new Publisher({
    url: broker.url, clientId: 'disk-test', keepaliveS: 5, protocolVersion: 4, site: 's1', node: 'n-disk',
    boot: 'boot-disk', devices: ['dev-1'], replayRatePerS: 10_000, window: 16, backoff: { initialMs: 50, maxMs: 200 },
  }, outbox, systemClock, log);
  const sink = new OutboxSink('s1', 'n-disk', outbox, () => publisher?.drain(), log);
  publisher.start();
  const t0 = 1_790_000_000_000;
  let next = 0;
  const produce = (n: number): void => {
    for (let i = 0; i < n; i++, next++) sink.readings('dev-1', [{ metric: 'temperature', value: next / 10, unit: 'Cel', time: t0 + next * 1000 }]);
  };
  const delivered = (): Set<number> => new Set(rec!.messages.filter((x) => x.topic.endsWith('/data')).map((x) => (x.payload as { time: number }).time));

  produce(50);
  await rec.waitFor(() => delivered().size === 50);
  const filler = fill(mnt);
  // The device keeps producing on a full disk: nothing throws, what cannot be stored is counted.
  produce(200);
  await new Promise((r) => setTimeout(r, 500));
  const during = sink.stats();
  expect(during.enqueueErrors).toBeGreaterThan(0);
  expect(during.readings + during.enqueueErrors).toBe(250);
  // Everything the outbox took was delivered.
  await rec.waitFor(() => delivered().size === during.readings);

  rmSync(filler);
  const before = sink.stats();
  produce(50);
  expect(sink.stats().readings).toBe(before.readings + 50);
  await rec.waitFor(() => delivered().size === before.readings + 50);
  // Readings the outbox took are delivered once each, whatever failed in between; the outbox empties.
  await expect.poll(() => outbox!.stats().depth, { timeout: 10_000 }).toBe(0);
  const times = rec.messages.filter((x) => x.topic.endsWith('/data')).map((x) => (x.payload as { time: number }).time);
  expect(new Set(times).size).toBe(before.readings + 50);
}, 60_000);

it('delivers what it held before the disk filled, once each, while the disk is full', async () => {
  const dir = mountTmpfs();
  const log = pino({ level: 'silent' });
  const port = await freePort();
  const box = new Outbox(join(dir, 'outbox.db'), systemClock, {});
  const pub = new Publisher({
    url: `mqtt://127.0.0.1:${port}`, clientId: 'disk-test-2', keepaliveS: 5, protocolVersion: 4, site: 's1', node: 'n-disk2',
    boot: 'boot-disk2', devices: ['dev-2'], replayRatePerS: 10_000, window: 16, backoff: { initialMs: 50, maxMs: 200 },
  }, box, systemClock, log);
  const sink = new OutboxSink('s1', 'n-disk2', box, () => pub.drain(), log);
  pub.start();
  // Held while the broker is away, then the disk fills: delivering them deletes rows on a full disk (SQLite reuses
  // its WAL's space for that, so these deletes succeed; the next test makes them fail).
  const t0 = 1_790_000_000_000;
  for (let i = 0; i < 30; i++) sink.readings('dev-2', [{ metric: 'temperature', value: i, unit: 'Cel', time: t0 + i * 1000 }]);
  const filler = fill(dir);
  const b = await startBroker(port);
  const r = await record(b.url);
  cleanups.push(async () => { await pub.stop(500); box.close(); await r.close(); await b.stop(); });
  const data = (): number[] => r.messages.filter((x) => x.topic.endsWith('/data')).map((x) => (x.payload as { time: number }).time);
  await r.waitFor(() => data().length >= 30, 15_000);
  await new Promise((res) => setTimeout(res, 1000));
  // Delivered once each.
  expect(data().sort((x, y) => x - y)).toEqual(Array.from({ length: 30 }, (_, i) => t0 + i * 1000));
  expect(pub.stats().acked).toBe(30);
  rmSync(filler);
  sink.readings('dev-2', [{ metric: 'temperature', value: 99, unit: 'Cel', time: t0 + 99_000 }]);
  await r.waitFor(() => data().length === 31, 15_000);
  // The outbox is empty.
  await expect.poll(() => box.stats().depth, { timeout: 10_000 }).toBe(0);
}, 60_000);

/** A real outbox whose deletes fail while `failing` is set, as they do when SQLite cannot write its WAL. */
class FailingDeletes extends Outbox {
  failing = false;
  override ack(id: number): boolean {
    if (this.failing) throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
    return super.ack(id);
  }
}

it('survives a failing delete of a delivered message: not sent again, deleted once deletes work', async () => {
  const dir = mountTmpfs();
  const log = pino({ level: 'silent' });
  const b = await startBroker();
  const r = await record(b.url);
  const box = new FailingDeletes(join(dir, 'outbox.db'), systemClock, {});
  const pub = new Publisher({
    url: b.url, clientId: 'disk-test-3', keepaliveS: 5, protocolVersion: 4, site: 's1', node: 'n-disk3',
    boot: 'boot-disk3', devices: ['dev-3'], replayRatePerS: 10_000, window: 16, backoff: { initialMs: 50, maxMs: 200 },
  }, box, systemClock, log);
  cleanups.push(async () => { await pub.stop(500); box.close(); await r.close(); await b.stop(); });
  const sink = new OutboxSink('s1', 'n-disk3', box, () => pub.drain(), log);
  pub.start();
  await r.waitFor(() => r.messages.some((x) => x.topic === 'ct/v1/s1/n-disk3/status'));
  box.failing = true;
  const t0 = 1_790_000_000_000;
  for (let i = 0; i < 5; i++) sink.readings('dev-3', [{ metric: 'temperature', value: i, unit: 'Cel', time: t0 + i * 1000 }]);
  const data = (): number[] => r.messages.filter((x) => x.topic.endsWith('/data')).map((x) => (x.payload as { time: number }).time);
  await r.waitFor(() => data().length >= 5);
  // More drains while deletes fail: the delivered messages are not sent again, and nothing escapes as an exception.
  for (let i = 0; i < 5; i++) pub.drain();
  await new Promise((res) => setTimeout(res, 500));
  expect(data()).toHaveLength(5);
  expect(box.stats().depth).toBe(5);
  box.failing = false;
  sink.readings('dev-3', [{ metric: 'temperature', value: 9, unit: 'Cel', time: t0 + 9000 }]);
  await r.waitFor(() => data().length === 6);
  await expect.poll(() => box.stats().depth, { timeout: 10_000 }).toBe(0);
  expect(data()).toEqual([0, 1, 2, 3, 4, 9].map((i) => t0 + i * 1000));
}, 60_000);
