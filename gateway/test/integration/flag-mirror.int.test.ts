/**
 * Flag events into a real InfluxDB 1.x (influxd 1.6.7) through the readings' spool (issue #16): mirrored while
 * influxd is down (SIGKILL), they reach it after its restart; read back with InfluxQL, they carry every tag and
 * field the provisioned Grafana dashboard's flag queries name, with the flag's values; mirrored twice, stored once;
 * a point influxd refuses is dead-lettered with its answer, not dropped.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openInfluxV1Store } from '../../src/adapters/influx/index.js';
import { FLAG_FIGURE_PREFIX, FLAG_MEASUREMENT, flagLines } from '../../src/adapters/influx/flag-schema.js';
import { SpooledTelemetryStore } from '../../src/adapters/spool/index.js';
import type { Flag } from '../../src/domain/flags/types.js';
import { FlagMirror } from '../../src/services/flag-mirror.js';
import { startInfluxd, type TestServer } from '../support/influx-servers.js';

const DASHBOARD = join(dirname(fileURLToPath(import.meta.url)), '../../../dashboards/grafana/dashboards/coldtrace-warehouse-environment.json');
const fast = { idlePollMs: 20, lingerMs: 0, backoff: { initialMs: 50, factor: 2, maxMs: 400, jitter: 0 } };
const T = Date.UTC(2026, 2, 1, 9, 0, 0);
const MIN = 60_000;

const raised: Flag = {
  id: 'excursion/temperature/upper/8/consecutive/30@batch:VAX-2610', rule: 'excursion/temperature/upper/8/consecutive/30', params: {},
  subject: { kind: 'batch', id: 'VAX-2610' }, severity: 'major', title: 'temperature ≥ 8 °C for 30 min (consecutive)',
  startMs: T - 60 * MIN, endMs: T - 5 * MIN, metAtMs: T - 30 * MIN, active: true, episodes: [],
  figures: { totalBeyondMin: 55, max: 9.4, twa: 8.9 },
  // A batch on a shipment: a tag left empty is not written, and the measurement would have no shipment column.
  related: { devices: ['S-B'], zones: ['Z-B'], batches: ['VAX-2610'], shipments: ['S-7'], orders: ['O-1001', 'O-1002'] },
  state: 'open', withdrawn: false, raisedAt: T, updatedAt: T, events: [{ kind: 'raised', at: T, by: 'rules' }],
};
const acknowledged: Flag = {
  ...raised, state: 'acknowledged', updatedAt: T + 5 * MIN,
  events: [...raised.events, { kind: 'acknowledged', at: T + 5 * MIN, by: 'qa', comment: 'moved to Z-C' }],
};

/** Every column the dashboard's flag queries name: `r.x`, `_field == "x"`, `keep(columns: [...])`, less what they derive. */
function dashboardFlagColumns(): string[] {
  const d = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as {
    panels: { targets: { query: string }[] }[]; annotations: { list: { target: { query: string } }[] };
  };
  const queries = [...d.panels.flatMap((p) => p.targets.map((t) => t.query)), ...d.annotations.list.map((a) => a.target.query)]
    .filter((q) => q.includes(`_measurement == "${FLAG_MEASUREMENT}"`));
  const names = new Set<string>();
  for (const q of queries) {
    const derived = new Set([...q.matchAll(/\b([a-z_]+): (?:r\.|time\()/g)].map((m) => m[1]!));
    const named = [
      ...[...q.matchAll(/\br\.(?!_)([a-z_]+)/g)].map((m) => m[1]!),
      ...[...q.matchAll(/_field == "([^"]+)"/g)].map((m) => m[1]!),
      ...[...q.matchAll(/keep\(columns: \[([^\]]*)\]/g)].flatMap((m) => [...m[1]!.matchAll(/"([^"]+)"/g)].map((c) => c[1]!)),
    ];
    for (const n of named) if (!derived.has(n) && !n.startsWith('_')) names.add(n);
  }
  return [...names].sort();
}

interface Series { name: string; columns: string[]; values: unknown[][] }

let server: TestServer;
let dir: string;
beforeAll(async () => {
  server = await startInfluxd();
  dir = await mkdtemp(join(tmpdir(), 'ct-flag-mirror-'));
}, 60_000);
afterAll(async () => {
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
});

async function influxql(database: string, q: string): Promise<Series | undefined> {
  const res = await fetch(`${server.url}/query?${new URLSearchParams({ db: database, epoch: 'ms', q })}`);
  const body = await res.json() as { results: { series?: Series[]; error?: string }[] };
  if (body.results[0]?.error !== undefined) throw new Error(body.results[0].error);
  return body.results[0]?.series?.[0];
}

describe('flag events in InfluxDB', () => {
  it('reach influxd after an outage, with every column the dashboard names, once each', async () => {
    const database = 'flags_outage';
    const remote = await openInfluxV1Store({ url: server.url, database, createDatabase: true, timeoutMs: 1000 });
    const spool = SpooledTelemetryStore.open(join(dir, 'outage.db'), remote, fast);
    const mirror = new FlagMirror({
      sink: { write: (points) => spool.writeLines(flagLines(points)) }, sitesOf: () => Promise.resolve(['WH-1']),
      publicUrl: 'https://ct.example.com', log: pino({ level: 'silent' }),
    });
    try {
      await server.kill();
      await mirror.accept([{ flag: raised, events: ['raised'] }]);
      await mirror.accept([{ flag: acknowledged, events: ['acknowledged'] }]);
      expect(mirror.stats()).toEqual({ mirrored: 2, failed: 0 });
      // Held in the spool while influxd is down, retried.
      await expect.poll(() => spool.stats().retries, { timeout: 20_000 }).toBeGreaterThan(0);
      expect(spool.stats().depth).toBe(2);
      await server.restart();
      expect(await spool.drain(30_000)).toBe(true);
      // The same event again (a retry, a restart): the same point.
      await mirror.accept([{ flag: acknowledged, events: ['acknowledged'] }]);
      expect(await spool.drain(30_000)).toBe(true);

      const s = await influxql(database, `SELECT * FROM "${FLAG_MEASUREMENT}" ORDER BY time ASC`);
      expect(s?.values).toHaveLength(2);
      const columns = s!.columns;
      const wanted = dashboardFlagColumns();
      expect(wanted.length).toBeGreaterThan(10);
      for (const c of wanted) expect(columns, c).toContain(c);
      const rows = s!.values.map((v) => Object.fromEntries(columns.map((c, i) => [c, v[i]])));
      expect(rows[0]).toMatchObject({
        time: T, event: 'raised', flag: raised.id, rule: raised.rule, severity: 'major', tier: '2', subject_kind: 'batch', subject_id: 'VAX-2610',
        site: 'WH-1', zone: 'Z-B', shipment: 'S-7', state: 'open', active: true, title: raised.title, orders: 'O-1001,O-1002', met_at_ms: T - 30 * MIN,
        start_ms: T - 60 * MIN, end_ms: T - 5 * MIN, [`${FLAG_FIGURE_PREFIX}max`]: 9.4, [`${FLAG_FIGURE_PREFIX}twa`]: 8.9,
        [`${FLAG_FIGURE_PREFIX}totalBeyondMin`]: 55, evidence_url: 'https://ct.example.com/#/orders/O-1001', actor: 'rules',
      });
      expect(rows[1]).toMatchObject({ time: T + 5 * MIN, event: 'acknowledged', state: 'acknowledged', actor: 'qa', comment: 'moved to Z-C' });
      // The table's question: the last event of each flag.
      const last = await influxql(database, `SELECT last("state") AS state FROM "${FLAG_MEASUREMENT}" GROUP BY "flag"`);
      expect(last?.values.map((v) => v[1])).toEqual(['acknowledged']);
    } finally {
      await spool.close();
    }
  }, 120_000);

  it('dead-letters a point influxd refuses, with its answer, and forwards the rest', async () => {
    const database = 'flags_refused';
    const remote = await openInfluxV1Store({ url: server.url, database, createDatabase: true, timeoutMs: 1000 });
    const spool = SpooledTelemetryStore.open(join(dir, 'refused.db'), remote, fast);
    try {
      await spool.writeLines(flagLines([{ ...pointFields, at: T }]));
      expect(await spool.drain(30_000)).toBe(true);
      // `active` is a boolean field already: a string there is a field type conflict (HTTP 400), never retryable.
      await spool.writeLines([`${FLAG_MEASUREMENT},flag=x,event=raised active="yes" ${T + 1}`, ...flagLines([{ ...pointFields, at: T + 2 }])]);
      expect(await spool.drain(30_000)).toBe(true);
      expect(spool.deadLines()).toMatchObject([{ line: expect.stringContaining('active="yes"'), status: 400, code: 'E_REMOTE_HTTP', error: expect.stringContaining('conflict') }]);
      expect(spool.stats().deadLettered).toBe(1);
      // Spooled lines (kept a while after forwarding) are never read as readings by a query.
      expect(await spool.query({ device: 'x', from: 0, to: T + 10, limit: 10 })).toEqual([]);
      expect((await influxql(database, `SELECT "state" FROM "${FLAG_MEASUREMENT}"`))?.values.map((v) => v[0])).toEqual([T, T + 2]);
    } finally {
      await spool.close();
    }
  }, 60_000);
});

const pointFields = {
  event: 'raised', flag: 'f', rule: 'r', severity: 'warning', tier: '1', subjectKind: 'zone', subjectId: 'Z', site: '', zone: 'Z', shipment: '',
  state: 'open', active: true, title: 't', orders: '', batches: '', devices: '', startMs: T, endMs: T, metAtMs: T, actor: 'rules',
  evidenceUrl: '/#/flags', flagUrl: '/api/v1/flags/f', figures: {}, notes: '',
} as const;
