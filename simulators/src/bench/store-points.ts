/**
 * What a remote store holds, asked of the store itself (not of the gateway), and the store alone as a ceiling:
 * batched line-protocol writes of points shaped like the gateway's (gateway/src/adapters/influx/schema.ts).
 */
import { performance } from 'node:perf_hooks';
import { METRICS } from '@coldtrace/contract';
import { LOAD_METRICS } from '../load/payloads.js';

export type RemoteKind = 'influx-v1' | 'victoria-metrics';

interface InfluxQLCount { results?: { series?: { values?: [unknown, number][] }[]; error?: string }[] }

/** Points stored in `db` (InfluxDB 1.x) or in the whole VictoriaMetrics instance. */
export async function countStoredPoints(kind: RemoteKind, url: string, db: string): Promise<number> {
  if (kind === 'influx-v1') {
    const q = new URLSearchParams({ db, q: 'SELECT count("value") FROM /.*/' });
    const body = (await (await fetch(`${url}/query?${q}`)).json()) as InfluxQLCount;
    const r = body.results?.[0];
    if (r?.error !== undefined) throw new Error(`InfluxQL count: ${r.error}`);
    return (r?.series ?? []).reduce((n, s) => n + Number(s.values?.[0]?.[1] ?? 0), 0);
  }
  await fetch(`${url}/internal/force_flush`);
  // VictoriaMetrics names a line-protocol field `{measurement}_{field}`; one `_value` sample per stored point.
  const q = new URLSearchParams({ query: 'sum(count_over_time({__name__=~".+_value"}[2d]))', time: String(Date.now() / 1000 + 3600) });
  const body = (await (await fetch(`${url}/api/v1/query?${q}`)).json()) as { data?: { result?: { value?: [number, string] }[] } };
  return Number(body.data?.result?.[0]?.value?.[1] ?? 0);
}

/** Line protocol of `n` points: `devices` devices round-robin over the load's metrics, 1 ms apart per series. */
function lines(offset: number, n: number, devices: number, t0: number): string {
  const out: string[] = [];
  for (let i = offset; i < offset + n; i++) {
    const d = i % devices;
    const metric = LOAD_METRICS[Math.floor(i / devices) % LOAD_METRICS.length]!;
    const step = Math.floor(i / (devices * LOAD_METRICS.length));
    out.push(`${metric},device=alone-${d},site=alone,node=alone-node-${Math.floor(d / 10)},unit=${METRICS[metric].unit} value=${(4 + (i % 7) / 10).toFixed(1)},seq=${step}i,received_at=${t0}i,flags=0i ${t0 + step}`);
  }
  return out.join('\n');
}

/**
 * The store alone: `points` points in requests of `batch` lines, `concurrency` requests at once, to InfluxDB's v1
 * `/write` or VictoriaMetrics' v2 `/api/v2/write` (what the gateway uses for each). Returns points per second,
 * counting only the time the requests took (encoding happens before the clock starts).
 */
export async function storeAlone(kind: RemoteKind, url: string, db: string, points: number, batch = 5000, concurrency = 4): Promise<number> {
  const t0 = Date.now() - 7_200_000;
  const bodies: string[] = [];
  for (let off = 0; off < points; off += batch) bodies.push(lines(off, Math.min(batch, points - off), 100, t0));
  if (kind === 'influx-v1') await fetch(`${url}/query?${new URLSearchParams({ q: `CREATE DATABASE "${db}"` })}`, { method: 'POST' });
  const path = kind === 'influx-v1' ? `/write?${new URLSearchParams({ db, precision: 'ms' })}` : '/api/v2/write?bucket=alone&org=&precision=ms';
  let next = 0;
  const start = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < bodies.length) {
      const body = bodies[next++]!;
      const res = await fetch(`${url}${path}`, { method: 'POST', body, headers: { 'content-type': 'text/plain; charset=utf-8' } });
      if (!res.ok) throw new Error(`store alone: HTTP ${res.status}: ${await res.text()}`);
    }
  }));
  return Math.round(points / ((performance.now() - start) / 1000));
}
