import { describe, expect, it } from 'vitest';
import type { Calibration } from '../domain/calibration/calibration.js';
import type { Segment } from '../domain/custody/spans.js';
import type { ExportRow } from '../domain/evidence/export-format.js';
import type { StoredReading } from '../domain/reading.js';
import type { Placement } from '../domain/registry/types.js';
import type { ReadingQuery } from '../ports/telemetry-store.js';
import { EvidenceExportService, digestOf, verifiedBytes } from './evidence-export.js';

/** The store's contract for `query`: one device, [from, to), oldest first by time then metric, at most `limit`. */
function memoryStore(readings: StoredReading[]): { query(q: ReadingQuery): Promise<StoredReading[]>; calls: number } {
  const s = {
    calls: 0,
    query(q: ReadingQuery): Promise<StoredReading[]> {
      s.calls++;
      return Promise.resolve(readings.filter((r) => r.device === q.device && r.time >= q.from && r.time < q.to)
        .sort((a, b) => a.time - b.time || (a.metric < b.metric ? -1 : 1)).slice(0, q.limit));
    },
  };
  return s;
}

const reading = (device: string, metric: string, time: number, receivedAt = time): StoredReading => ({ site: 's', node: 'n', device, metric, time, value: time / 1000, unit: 'Cel', seq: 1, receivedAt, flags: 0 });

describe('evidence export rows', () => {
  const segments: Segment[] = [
    { device: 'S-B', location: { kind: 'zone', id: 'Z-B' }, fromMs: 10_000, toMs: 20_000 },
    { device: 'S-A', location: { kind: 'zone', id: 'Z-A' }, fromMs: 0, toMs: 10_000 },
  ];
  const placements: Placement[] = [
    { id: 'P-1', batch: 'B-1', zone: 'Z-A', from: new Date(0).toISOString(), to: new Date(10_000).toISOString() },
    { id: 'P-2', batch: 'B-2', zone: 'Z-A', from: new Date(5_000).toISOString() },
  ] as Placement[];
  const registry = {
    get: () => Promise.resolve({ id: 'O-1', lines: [{ batch: 'B-1' }, { batch: 'B-2' }] }),
    placementsOf: () => Promise.resolve(placements),
    placementsAt: () => Promise.resolve([]),
  } as never;
  const evidence = { segments: () => Promise.resolve(segments) };
  const readings: StoredReading[] = [];
  for (let t = 0; t < 20_000; t += 1000) for (const m of ['humidity', 'temperature']) readings.push(reading(t < 10_000 ? 'S-A' : 'S-B', m, t));
  readings.push(reading('S-A', 'temperature', 9_999, 50_000));

  it('reads each segment a page at a time, never cutting a device time, in segment then time then metric order', async () => {
    const store = memoryStore(readings);
    const svc = new EvidenceExportService(registry, evidence, store, { pageSize: 3 });
    const plan = await svc.plan({ kind: 'order', id: 'O-1' }, 60_000);
    const rows: ExportRow[] = [];
    for await (const page of svc.rows(plan!)) rows.push(...page);
    expect(rows.map((r) => `${r.reading.device}@${r.reading.time}/${r.reading.metric}`)).toEqual(
      [...readings].sort((a, b) => a.device.localeCompare(b.device) || a.time - b.time || a.metric.localeCompare(b.metric)).map((r) => `${r.device}@${r.time}/${r.metric}`));
    expect(store.calls).toBeGreaterThan(10);
  });

  it('attributes each reading to the batches and legs there at its time, and leaves out what was received after the cut-off', async () => {
    const svc = new EvidenceExportService(registry, evidence, memoryStore(readings), { pageSize: 4 });
    const plan = await svc.plan({ kind: 'order', id: 'O-1' }, 30_000);
    const rows: ExportRow[] = [];
    for await (const page of svc.rows(plan!)) rows.push(...page);
    const at = (t: number) => rows.find((r) => r.reading.time === t && r.reading.metric === 'temperature');
    expect(at(1000)).toMatchObject({ batches: ['B-1'], legs: ['P-1'], segment: 0 });
    expect(at(6000)).toMatchObject({ batches: ['B-1', 'B-2'], legs: ['P-1', 'P-2'] });
    expect(at(12_000)).toMatchObject({ batches: [], legs: [], segment: 1, location: { id: 'Z-B' } });
    expect(at(9_999)).toBeUndefined();
  });
});

describe('evidence export calibration', () => {
  const segments: Segment[] = [
    { device: 'S-A', location: { kind: 'zone', id: 'Z-A' }, fromMs: 0, toMs: 10_000 },
    { device: 'S-B', location: { kind: 'zone', id: 'Z-B' }, fromMs: 10_000, toMs: 20_000 },
  ];
  const registry = { get: () => Promise.resolve({ id: 'O-1', lines: [] }), placementsOf: () => Promise.resolve([]), placementsAt: () => Promise.resolve([]) } as never;
  const readings = [reading('S-A', 'temperature', 1000, 0), reading('S-A', 'temperature', 6000, 0), reading('S-B', 'temperature', 12_000, 0)];
  // C-A was entered at gateway time 100: calibrated at 0, due at 5 s, +0.5.
  const certificates = {
    asked: [] as string[],
    asOf(device: string, atMs: number): Promise<Calibration[]> {
      certificates.asked.push(`${device}@${atMs}`);
      const c: Calibration = { certificate: 'C-A', device: 'S-A', laboratory: 'Lab', calibratedAt: '1970-01-01T00:00:00Z', dueAt: '1970-01-01T00:00:05Z', metrics: { temperature: { correction: 0.5, uncertainty: 0.1 } } };
      return Promise.resolve(device === 'S-A' && atMs >= 100 ? [c] : []);
    },
  };
  const rowsOf = async (asOf: number): Promise<ExportRow[]> => {
    const svc = new EvidenceExportService(registry, { segments: () => Promise.resolve(segments) }, memoryStore(readings), {}, certificates);
    const rows: ExportRow[] = [];
    for await (const page of svc.rows((await svc.plan({ kind: 'order', id: 'O-1' }, asOf))!)) rows.push(...page);
    return rows;
  };

  it('gives each reading the certificate in force at its time as known at the cut-off: corrected, marked overdue after the due date', async () => {
    certificates.asked = [];
    const rows = await rowsOf(60_000);
    expect(certificates.asked).toEqual(['S-A@60000', 'S-B@60000']);
    expect(rows.map((r) => [r.reading.time, r.reading.value, r.calibration.corrected, r.calibration.mark, r.calibration.calibration?.certificate])).toEqual([
      [1000, 1, 1.5, 'due-soon', 'C-A'], [6000, 6, 6.5, 'overdue', 'C-A'], [12_000, 12, undefined, 'uncalibrated', undefined],
    ]);
  });

  it('leaves out a certificate entered after the cut-off', async () => {
    expect((await rowsOf(99)).map((r) => r.calibration)).toEqual([{ mark: 'uncalibrated' }, { mark: 'uncalibrated' }, { mark: 'uncalibrated' }]);
  });
});

describe('verifiedBytes', () => {
  async function* pieces(...p: string[]): AsyncGenerator<string> {
    for (const x of p) yield x;
  }
  it('yields the bytes that match the announced hash, and withholds the last piece of bytes that do not', async () => {
    const { sha256 } = await digestOf(pieces('a,b\r\n', '1,2\r\n'));
    const ok: string[] = [];
    for await (const b of verifiedBytes(pieces('a,b\r\n', '1,2\r\n'), sha256)) ok.push(b.toString());
    expect(ok).toEqual(['a,b\r\n', '1,2\r\n']);
    const sent: string[] = [];
    await expect((async () => { for await (const b of verifiedBytes(pieces('a,b\r\n', '1,3\r\n'), sha256)) sent.push(b.toString()); })()).rejects.toThrow(/changed/);
    expect(sent).toEqual(['a,b\r\n']);
  });
});
