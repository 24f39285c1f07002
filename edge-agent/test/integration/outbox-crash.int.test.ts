/**
 * Issue #3: a power cut (kill -9) must not lose a committed reading nor reuse a sequence number, and the backlog
 * must reach a real broker afterwards in its original order with its original device times.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Outbox, OutboxSink, Publisher, systemClock } from '../../src/index.js';
import { startBroker, type TestBroker } from '../helpers/broker.js';
import { record, type Recorder } from '../helpers/mqtt.js';

const DIST = resolve(import.meta.dirname, '../../dist/index.js');

const PINO = import.meta.resolve('pino');
const WRITER = `
import { Outbox, OutboxSink, systemClock } from ${JSON.stringify(DIST)};
import { pino } from ${JSON.stringify(PINO)};
const outbox = new Outbox(process.argv[2], systemClock);
const sink = new OutboxSink('s1', 'n1', outbox, () => {}, pino({ level: 'silent' }));
const t0 = 1_700_000_000_000;
for (let i = 0; ; i++) {
  sink.readings('dev-1', [{ metric: 'temperature', value: i / 10, unit: 'Cel', time: t0 + i * 1000 }]);
  process.stdout.write('committed ' + i + '\\n');
}
`;

describe('outbox survives kill -9', () => {
  let dir: string;
  let broker: TestBroker;
  let rec: Recorder;
  let lastCommitted = -1;

  beforeAll(async () => {
    if (!existsSync(DIST)) throw new Error(`${DIST} missing: run \`npx tsc -b edge-agent\` before the integration tests`);
    dir = await mkdtemp(join(tmpdir(), 'ct-outbox-crash-'));
    broker = await startBroker();
    rec = await record(broker.url);
  });

  afterAll(async () => {
    await rec?.close();
    await broker?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('keeps every row the writer reported committed before it was killed', async () => {
    const script = join(dir, 'writer.mjs');
    await writeFile(script, WRITER);
    const child = spawn(process.execPath, [script, join(dir, 'outbox.db')], { cwd: resolve(import.meta.dirname, '../..'), stdio: ['ignore', 'pipe', 'inherit'] });
    const lines = createInterface({ input: child.stdout });
    const exited = new Promise<NodeJS.Signals | null>((r) => child.once('exit', (_code, signal) => r(signal)));
    for await (const line of lines) {
      lastCommitted = Number(line.split(' ')[1]);
      if (lastCommitted >= 300) {
        child.kill('SIGKILL');
        break;
      }
    }
    expect(await exited).toBe('SIGKILL');
    const outbox = new Outbox(join(dir, 'outbox.db'), systemClock);
    try {
      // Every reported commit is there. The writer keeps committing until the SIGKILL lands and its last lines may
      // still sit in the pipe, so more rows than reported are normal; fewer would be loss.
      expect(outbox.stats().depth).toBeGreaterThanOrEqual(lastCommitted + 1);
      // Sequence numbers continue after the crash: never reused.
      const { seq } = outbox.enqueue({ device: 'dev-1', topic: 't', build: (s) => JSON.stringify({ s }) });
      expect(seq).toBe(outbox.stats().depth - 1);
    } finally {
      outbox.close();
    }
  });

  it('replays the backlog to a real broker in order, with the original device times, then empties', async () => {
    const outbox = new Outbox(join(dir, 'outbox.db'), systemClock);
    const log = pino({ level: 'silent' });
    const depth = outbox.stats().depth;
    const publisher = new Publisher(
      { url: broker.url, clientId: 'crash-test', keepaliveS: 30, protocolVersion: 4, site: 's1', node: 'n1', boot: 'b', devices: ['dev-1'], replayRatePerS: 200, window: 32 },
      outbox,
      systemClock,
      log,
    );
    const sink = new OutboxSink('s1', 'n1', outbox, () => publisher.drain(), log);
    publisher.start();
    try {
      const topic = 'ct/v1/s1/n1/dev-1/data';
      // The backlog is `depth - 1` data rows (the last row went to topic "t").
      const backlogRows = depth - 1;
      await rec.waitFor((m) => m.filter((x) => x.topic === topic).length >= 20, 20_000);
      // A live reading queued during the (rate-limited) replay overtakes the rest of the backlog.
      sink.readings('dev-1', [{ metric: 'temperature', value: 99, unit: 'Cel', time: Date.now() }]);
      await rec.waitFor((m) => m.filter((x) => x.topic === topic).length >= backlogRows + 1, 20_000);
      const msgs = rec.messages.filter((x) => x.topic === topic).map((x) => x.payload as { seq: number; time: number; readings: { value: number }[] });
      const liveAt = msgs.findIndex((m) => m.readings[0]?.value === 99);
      expect(liveAt).toBeGreaterThan(0);
      expect(liveAt).toBeLessThan(msgs.length - 50);
      expect(msgs[liveAt]?.seq).toBe(depth);
      const backlog = msgs.filter((_, i) => i !== liveAt);
      const seen = new Map<number, number>();
      for (const m of backlog) seen.set(m.seq, (seen.get(m.seq) ?? 0) + 1);
      expect([...seen].filter(([, n]) => n > 1)).toEqual([]);
      expect(backlog.length).toBe(backlogRows);
      backlog.forEach((m, i) => {
        expect(m.seq).toBe(i);
        expect(m.time).toBe(1_700_000_000_000 + i * 1000);
        expect(m.readings[0]?.value).toBeCloseTo(i / 10, 6);
      });
      await waitUntil(() => outbox.stats().depth === 0, 5000);
      expect(publisher.stats().acked).toBeGreaterThanOrEqual(depth);
    } finally {
      await publisher.stop(1000);
      outbox.close();
    }
  });
});

async function waitUntil(pred: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
