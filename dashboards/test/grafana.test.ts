/**
 * The provisioned Grafana dashboard against the gateway's InfluxDB schema (gateway/src/adapters/influx/schema.ts):
 * measurement = catalogue metric, tags site/node/device/unit, fields value/seq/received_at/flags, time = device time.
 * Grafana itself is not run here; this catches queries that name a metric, tag or field the gateway never writes.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { METRICS } from '@coldtrace/contract';

const GRAFANA = join(dirname(fileURLToPath(import.meta.url)), '..', 'grafana');
const dashboard = JSON.parse(readFileSync(join(GRAFANA, 'dashboards/coldtrace-warehouse-environment.json'), 'utf8')) as {
  uid: string;
  title: string;
  panels: Array<{ title: string; datasource: { uid: string }; targets: Array<{ query: string }> }>;
  templating: { list: Array<{ name: string; query: string }> };
};
const datasource = (parse(readFileSync(join(GRAFANA, 'provisioning/datasources/influxdb.yaml'), 'utf8')) as {
  datasources: Array<{ uid: string }>;
}).datasources[0];

const WRITTEN_TAGS = ['site', 'node', 'device', 'unit'];
const WRITTEN_FIELDS = ['value', 'seq', 'received_at', 'flags'];
const queries = [...dashboard.panels.flatMap((p) => p.targets.map((t) => t.query)), ...dashboard.templating.list.map((v) => v.query)];

describe('Grafana dashboard "Coldtrace - warehouse environment"', () => {
  it('has the agreed title and uses the provisioned datasource in every panel', () => {
    expect(dashboard.title).toBe('Coldtrace - warehouse environment');
    for (const p of dashboard.panels) expect(p.datasource.uid, p.title).toBe(datasource?.uid);
  });

  it('queries only measurements that are catalogue metrics', () => {
    const measurements = queries.flatMap((q) => [...q.matchAll(/_measurement == "([^"]+)"/g)].map((m) => m[1]));
    expect(measurements.length).toBeGreaterThan(0);
    for (const m of measurements) expect(Object.keys(METRICS), m).toContain(m);
  });

  it('filters only on fields and tags the gateway writes', () => {
    for (const q of queries) {
      for (const [, field] of q.matchAll(/_field == "([^"]+)"/g)) expect(WRITTEN_FIELDS).toContain(field);
      // Columns the query itself derives (`received: time(...)`, `device_time: r._time`) are fine too.
      const derived = [...q.matchAll(/\b([a-z_]+): (?:r\.|time\()/g)].map((m) => m[1]);
      for (const [, tag] of q.matchAll(/\br\.(?!_)([a-z_]+)/g)) expect([...WRITTEN_TAGS, ...derived], q).toContain(tag);
      for (const [, tag] of q.matchAll(/tag: "([^"]+)"/g)) expect(WRITTEN_TAGS).toContain(tag);
    }
  });

  it('reads the bucket from the datasource and the time range from the dashboard', () => {
    for (const q of queries) {
      if (!q.includes('from(bucket')) continue;
      expect(q).toContain('from(bucket: v.defaultBucket)');
      expect(q).toContain('range(start: v.timeRangeStart, stop: v.timeRangeStop)');
    }
  });
});
