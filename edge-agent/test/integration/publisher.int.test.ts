/**
 * Publisher against a real aedes broker that goes away and comes back on the same port (issue #3: keep
 * collecting through broker outages). Nothing is lost, nothing is published twice per row, alarms jump the queue.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Outbox, OutboxSink, Publisher, systemClock } from '../../src/index.js';
import { startBroker, type TestBroker } from '../helpers/broker.js';
import { record, type Recorder } from '../helpers/mqtt.js';

describe('publisher through a broker restart', () => {
  let dir: string;
  let broker: TestBroker;
  let rec: Recorder;
  let outbox: Outbox;
  let publisher: Publisher;
  let sink: OutboxSink;
  const log = pino({ level: 'silent' });
  const topic = 'ct/v1/s1/n1/dev-1/data';
  let n = 0;
  const emit = (count: number, priority: 'live' | 'alarm' = 'live'): void => {
    for (let i = 0; i < count; i++, n++) sink.readings('dev-1', [{ metric: 'temperature', value: n, unit: 'Cel', time: 1_700_000_000_000 + n }], priority);
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ct-pub-'));
    broker = await startBroker();
    outbox = new Outbox(join(dir, 'o.db'), systemClock);
    publisher = new Publisher(
      {
        url: broker.url,
        clientId: 'pub-test',
        keepaliveS: 5,
        protocolVersion: 4,
        site: 's1',
        node: 'n1',
        boot: 'boot-1',
        devices: ['dev-1'],
        replayRatePerS: 100,
        window: 8,
        backoff: { initialMs: 100, maxMs: 400 },
      },
      outbox,
      systemClock,
      log,
    );
    sink = new OutboxSink('s1', 'n1', outbox, () => publisher.drain(), log);
    publisher.start();
  });

  afterAll(async () => {
    await publisher?.stop(500);
    outbox?.close();
    await rec?.close();
    await broker?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('keeps queueing while the broker is gone and delivers all of it, in order, after it returns', async () => {
    rec = await record(broker.url);
    emit(10);
    await rec.waitFor((m) => m.filter((x) => x.topic === topic).length >= 10);
    await rec.close();
    const port = broker.port;
    await broker.stop();
    emit(60); // during the outage
    await new Promise((r) => setTimeout(r, 600));
    expect(publisher.stats().connected).toBe(false);
    expect(outbox.stats().depth).toBeGreaterThanOrEqual(60);
    broker = await startBroker(port);
    rec = await record(broker.url);
    // Wait for the reconnect, then queue alarms: they must overtake the (rate-limited) backlog.
    const deadline = Date.now() + 10_000;
    while (!publisher.stats().connected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    emit(2, 'alarm');
    await rec.waitFor((m) => m.filter((x) => x.topic === topic).length >= 62, 15_000);
    const msgs = rec.messages.filter((x) => x.topic === topic).map((x) => x.payload as { seq: number; readings: { value: number }[] });
    const seqs = msgs.map((m) => m.seq);
    expect(new Set(seqs).size).toBe(seqs.length);
    expect([...seqs].sort((a, b) => a - b)).toEqual(Array.from({ length: 62 }, (_, i) => i + 10));
    const alarmPositions = msgs.map((m, i) => (m.seq >= 70 ? i : -1)).filter((i) => i >= 0);
    expect(Math.max(...alarmPositions)).toBeLessThan(30);
    const backlog = msgs.filter((m) => m.seq < 70).map((m) => m.seq);
    expect(backlog).toEqual([...backlog].sort((a, b) => a - b));
    expect(publisher.stats().reconnects).toBeGreaterThanOrEqual(1);
  });

  it('rate-limits the replay', async () => {
    // 200 rows at 100/s must take well over a second.
    const port = broker.port;
    await rec.close();
    await broker.stop();
    emit(200);
    broker = await startBroker(port);
    rec = await record(broker.url);
    const t0 = Date.now();
    await rec.waitFor((m) => m.filter((x) => x.topic === topic).length >= 200, 15_000);
    expect(Date.now() - t0).toBeGreaterThan(1200);
  });
});
