/**
 * Outbox full while the broker is unreachable: the oldest messages are dropped, counted, and the count reaches
 * the gateway in the node's status (birth) once the broker is back. What was kept is delivered, newest intact.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { Outbox, OutboxSink, Publisher, systemClock } from '../../src/index.js';
import { freePort, startBroker, type TestBroker } from '../helpers/broker.js';
import { record, type Recorder } from '../helpers/mqtt.js';

describe('outbox full', () => {
  let dir: string | undefined;
  let broker: TestBroker | undefined;
  let rec: Recorder | undefined;
  let outbox: Outbox | undefined;
  let publisher: Publisher | undefined;
  afterAll(async () => {
    await publisher?.stop(500);
    outbox?.close();
    await rec?.close();
    await broker?.stop();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('drops the oldest, counts the drops, and reports them in the node status', async () => {
    dir = await mkdtemp(join(tmpdir(), 'ct-full-'));
    const log = pino({ level: 'silent' });
    const port = await freePort();
    // About 100 bytes a message: 4 KiB holds a few dozen of the 300 emitted.
    outbox = new Outbox(join(dir, 'o.db'), systemClock, { maxBytes: 4096 });
    publisher = new Publisher({
      url: `mqtt://127.0.0.1:${port}`, clientId: 'full-test', keepaliveS: 5, protocolVersion: 4, site: 's1', node: 'n-full',
      boot: 'boot-full', devices: ['dev-1'], replayRatePerS: 10_000, window: 16, backoff: { initialMs: 50, maxMs: 200 },
    }, outbox, systemClock, log);
    const sink = new OutboxSink('s1', 'n-full', outbox, () => publisher?.drain(), log);
    publisher.start();
    const t0 = 1_790_000_000_000;
    for (let i = 0; i < 300; i++) sink.readings('dev-1', [{ metric: 'temperature', value: i / 10, unit: 'Cel', time: t0 + i * 1000 }]);
    const before = outbox.stats();
    expect(before.droppedFull).toBeGreaterThan(0);
    expect(before.droppedFull + before.depth).toBe(300);

    broker = await startBroker(port);
    rec = await record(broker.url);
    await rec.waitFor((ms) => ms.filter((m) => m.topic.endsWith('/data')).length >= before.depth, 15_000);
    const data = rec.messages.filter((m) => m.topic.endsWith('/data')).map((m) => m.payload as { seq: number; time: number });
    // The newest `depth` messages arrive, in order, none of the dropped ones.
    expect(data.map((d) => d.seq)).toEqual(Array.from({ length: before.depth }, (_, k) => 300 - before.depth + k));
    expect(data.at(-1)?.time).toBe(t0 + 299_000);

    const status = rec.messages.find((m) => m.topic === 'ct/v1/s1/n-full/status')?.payload as { state: string; outbox?: { droppedFull: number } } | undefined;
    expect(status?.state).toBe('online');
    expect(status?.outbox?.droppedFull).toBe(before.droppedFull);
    expect(publisher.stats().acked).toBe(before.depth);
  });
});
