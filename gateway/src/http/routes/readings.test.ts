import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Fastify, { type FastifyInstance } from 'fastify';
import { SqliteTelemetryStore } from '../../adapters/sqlite/telemetry-store.js';
import { openDatabase } from '../../adapters/sqlite/database.js';
import type { StoredReading } from '../../domain/reading.js';
import { H, H0, r } from '../../../test/support/hour-readings.js';
import { NDJSON, registerReadingsRoute } from './readings.js';

/** A reading with the numbers the text must carry exactly: long fractions, large and tiny values, every flag. */
const odd = (dt: number, metric: string, k: number): StoredReading =>
  ({ ...r(dt, [0.1 + 0.2, -1.5e21, 5e-324, 4.000000000000001, -273.15, 1e21, 123456789.123][k % 7]!, metric), seq: 2 ** 40 + k, flags: k % 4, receivedAt: H0 + dt + 31 * k });

/** The stored readings of d1 in [from, to) as the old endpoint answered them: time then metric, first write of a time wins. */
function reference(written: readonly StoredReading[], from: number, to: number): StoredReading[] {
  const seen = new Map<string, StoredReading>();
  for (const x of written) {
    const key = `${x.metric}@${x.time}`;
    if (x.device === 'd1' && x.time >= from && x.time < to && !seen.has(key)) seen.set(key, x);
  }
  return [...seen.values()].sort((a, b) => a.time - b.time || (a.metric < b.metric ? -1 : a.metric > b.metric ? 1 : 0));
}

const plain = (x: StoredReading): StoredReading => ({ ...x });

describe('GET /api/v1/readings on SQLite (chunks, ingest-log heads, rollups)', () => {
  let dir: string;
  let store: SqliteTelemetryStore;
  let app: FastifyInstance;
  const written: StoredReading[] = [];
  const cutoff = H0 + 2 * H;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'coldtrace-readings-'));
    store = SqliteTelemetryStore.open(join(dir, 'telemetry.db'));
    const chunks = [
      // Two hours folded into rollups by retention: no longer readings.
      ...Array.from({ length: 100 }, (_, k) => odd(k * 60_000, 'temperature', k)),
      // Chunks of two metrics at the same times, another device's, and a late chunk inside an hour already written.
      ...Array.from({ length: 200 }, (_, k) => odd(2 * H + k * 10_000, 'temperature', k)),
      ...Array.from({ length: 200 }, (_, k) => odd(2 * H + k * 10_000, 'humidity', k + 3)),
      ...Array.from({ length: 50 }, (_, k) => ({ ...odd(2 * H + k * 10_000, 'temperature', k), device: 'd2' })),
    ];
    store.writeSync(chunks);
    const late = Array.from({ length: 40 }, (_, k) => odd(2 * H + 5000 + k * 10_000, 'temperature', k + 1));
    store.writeSync(late);
    written.push(...chunks, ...late);
    expect(store.retention.apply(cutoff).deleted).toBe(100);
    written.splice(0, 100);
    // Small groups through the writer thread: held in its heads and the ingest log, not yet chunks; one repeats a
    // stored time (a duplicate, not stored again).
    for (let k = 0; k < 30; k++) {
      const group = [odd(4 * H + k * 1000, 'temperature', k), odd(4 * H + k * 1000, 'door', k)];
      const res = await store.write(group);
      expect(res.inserted).toBe(2);
      written.push(...group);
    }
    expect((await store.write([odd(2 * H, 'temperature', 99)])).duplicates).toBe(1);
    const db = openDatabase(join(dir, 'telemetry.db'), { durability: 'normal' });
    expect(db.prepare('SELECT count(*) FROM ingest_log').pluck().get()).toBeGreaterThan(0);
    db.close();
    app = Fastify();
    registerReadingsRoute(app, { store });
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const url = (from: number, to: number, limit = 100_000, metric?: string): string =>
    `/readings?device=d1&from=${from}&to=${to}&limit=${limit}${metric !== undefined ? `&metric=${metric}` : ''}`;

  it.each([
    ['all of it', H0, H0 + 6 * H, undefined, undefined],
    ['one metric', H0, H0 + 6 * H, undefined, 'temperature'],
    ['a range cutting chunks and the heads', H0 + 2 * H + 15_000, H0 + 4 * H + 12_500, undefined, undefined],
    ['the first 77', H0, H0 + 6 * H, 77, undefined],
    ['only rolled-up hours (none)', H0, cutoff, undefined, undefined],
  ])('answers JSON that parses to exactly the stored readings: %s', async (_name, from, to, limit, metric) => {
    const want = reference(written, from, to).filter((x) => metric === undefined || x.metric === metric).slice(0, limit ?? 100_000).map(plain);
    const res = await app.inject(url(from, to, limit, metric));
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.json<{ readings: StoredReading[] }>().readings).toEqual(want);
    expect(want.length).toBeGreaterThan(_name.endsWith('(none)') ? -1 : 20);
  });

  it('answers NDJSON, one reading a line, the same readings in the same order, with Accept: application/x-ndjson', async () => {
    const res = await app.inject({ url: url(H0, H0 + 6 * H), headers: { accept: NDJSON } });
    expect(res.headers['content-type']).toBe(NDJSON);
    expect(res.body.endsWith('\n')).toBe(true);
    const lines = res.body.slice(0, -1).split('\n').map((l) => JSON.parse(l) as StoredReading);
    expect(lines).toEqual(reference(written, H0, H0 + 6 * H).map(plain));
  });

  it('answers the same bytes as the store\'s reading objects serialised by the schema', async () => {
    const res = await app.inject(url(H0, H0 + 6 * H));
    const readings = await store.query({ device: 'd1', from: H0, to: H0 + 6 * H, limit: 100_000 });
    const schemaOrder = readings.map((x) => ({ site: x.site, node: x.node, device: x.device, metric: x.metric, time: x.time, value: x.value, unit: x.unit, seq: x.seq, receivedAt: x.receivedAt, flags: x.flags }));
    expect(res.body).toBe(JSON.stringify({ readings: schemaOrder }));
  });

  it('answers an empty list for an unknown device and 400 for an empty range', async () => {
    expect((await app.inject('/readings?device=nobody')).body).toBe('{"readings":[]}');
    expect((await app.inject(`/readings?device=d1&from=${H0}&to=${H0}`)).statusCode).toBeGreaterThanOrEqual(400);
  });
});
