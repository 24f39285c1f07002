/**
 * The provisioned Grafana dashboard against the gateway's InfluxDB schema (gateway/src/adapters/influx/schema.ts):
 * measurement = catalogue metric, tags site/node/device/unit, fields value/seq/received_at/flags, time = device time;
 * and flag events (flag-schema.ts: measurement flag_event, its tags and fields), issue #16. The names come from the
 * gateway's constants. Grafana itself is not run here; this catches queries that name a metric, tag or field the
 * gateway never writes (gateway/test/integration/flag-mirror.int.test.ts reads the flag columns back from InfluxDB).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { METRICS } from '@coldtrace/contract';
import { READING_FIELDS } from '../../gateway/src/adapters/influx/schema.js';
import { FLAG_FIELDS, FLAG_MEASUREMENT, FLAG_TAGS } from '../../gateway/src/adapters/influx/flag-schema.js';

const GRAFANA = join(dirname(fileURLToPath(import.meta.url)), '..', 'grafana');
const dashboard = JSON.parse(readFileSync(join(GRAFANA, 'dashboards/coldtrace-warehouse-environment.json'), 'utf8')) as {
  uid: string;
  title: string;
  panels: Array<{ title: string; datasource: { uid: string }; targets: Array<{ query: string }> }>;
  templating: { list: Array<{ name: string; query: string }> };
  annotations: { list: Array<{ name: string; datasource: { uid: string }; target: { query: string } }> };
};
const datasource = (parse(readFileSync(join(GRAFANA, 'provisioning/datasources/influxdb.yaml'), 'utf8')) as {
  datasources: Array<{ uid: string }>;
}).datasources[0];

const WRITTEN_TAGS = ['site', 'node', 'device', 'unit'];
const WRITTEN_FIELDS: readonly string[] = READING_FIELDS;
const annotationQueries = dashboard.annotations.list.map((a) => a.target.query);
const queries = [...dashboard.panels.flatMap((p) => p.targets.map((t) => t.query)), ...dashboard.templating.list.map((v) => v.query), ...annotationQueries];
const flagQuery = (q: string): boolean => q.includes(`_measurement == "${FLAG_MEASUREMENT}"`);
/** Columns a flag query may name: the flag's tags and fields. */
const FLAG_COLUMNS: readonly string[] = [...FLAG_TAGS, ...FLAG_FIELDS];

describe('Grafana dashboard "Coldtrace - warehouse environment"', () => {
  it('has the agreed title and uses the provisioned datasource in every panel', () => {
    expect(dashboard.title).toBe('Coldtrace - warehouse environment');
    for (const p of dashboard.panels) expect(p.datasource.uid, p.title).toBe(datasource?.uid);
  });

  it('queries only measurements that are catalogue metrics or the flag events', () => {
    const measurements = queries.flatMap((q) => [...q.matchAll(/_measurement == "([^"]+)"/g)].map((m) => m[1]));
    expect(measurements.length).toBeGreaterThan(0);
    for (const m of measurements) expect([...Object.keys(METRICS), FLAG_MEASUREMENT], m).toContain(m);
  });

  it('filters only on fields and tags the gateway writes', () => {
    for (const q of queries) {
      const flags = flagQuery(q);
      for (const [, field] of q.matchAll(/_field == "([^"]+)"/g)) expect(flags ? FLAG_FIELDS : WRITTEN_FIELDS, q).toContain(field);
      // Columns the query itself derives (`received: time(...)`, `device_time: r._time`) are fine too.
      const derived = [...q.matchAll(/\b([a-z_]+): (?:r\.|time\()/g)].map((m) => m[1]);
      for (const [, tag] of q.matchAll(/\br\.(?!_)([a-z_]+)/g)) expect([...(flags ? FLAG_COLUMNS : WRITTEN_TAGS), ...derived], q).toContain(tag);
      for (const [, tag] of q.matchAll(/tag: "([^"]+)"/g)) expect(WRITTEN_TAGS).toContain(tag);
    }
  });

  it('shows flags as annotations on the charts and a table of the open ones, from the flag events only', () => {
    expect(annotationQueries.length).toBeGreaterThan(0);
    for (const a of dashboard.annotations.list) expect(a.datasource.uid, a.name).toBe(datasource?.uid);
    for (const q of annotationQueries) expect(flagQuery(q), q).toBe(true);
    const table = dashboard.panels.find((p) => p.title === 'Open flags');
    expect(table?.targets.every((t) => flagQuery(t.query))).toBe(true);
    // Every column the table keeps is one the gateway writes, or one the query derives.
    for (const q of queries.filter(flagQuery)) {
      const derived = [...q.matchAll(/\b([a-z_]+): (?:r\.|time\()/g)].map((m) => m[1]);
      for (const [, list] of q.matchAll(/keep\(columns: \[([^\]]*)\]/g)) {
        for (const [, col] of list!.matchAll(/"([^"]+)"/g)) expect(['_time', ...FLAG_COLUMNS, ...derived], q).toContain(col);
      }
    }
  });

  it('reads the bucket from the datasource and the time range from the dashboard (open flags: 90 days back)', () => {
    const openFlags = new Set(dashboard.panels.filter((p) => p.title === 'Open flags').flatMap((p) => p.targets.map((t) => t.query)));
    for (const q of queries) {
      if (!q.includes('from(bucket')) continue;
      expect(q).toContain('from(bucket: v.defaultBucket)');
      // A flag open since before the dashboard's range is still open: the table reads each flag's last event.
      expect(q).toContain(openFlags.has(q) ? 'range(start: -90d)' : 'range(start: v.timeRangeStart, stop: v.timeRangeStop)');
    }
  });
});
