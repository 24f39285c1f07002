#!/usr/bin/env node
/**
 * Pre-fills a gateway data directory's telemetry.db with history for registered devices, straight into the store
 * (as store-ceiling.ts does), while no gateway runs. Each device reports every `--interval-s` seconds, one reading per
 * metric, up to `--end`; the history starts as far back as the reading budget reaches. Written an hour (or several)
 * of device time at a time, so each series' hour is one chunk. Progress on stderr, one JSON line on stdout.
 *
 *   prefill.js --dir D --readings N --end MS [--interval-s 300] [--devices zs:4000,trk:1000] [--metrics temperature,humidity]
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { METRICS, type MetricName } from '@coldtrace/contract';
import { SqliteTelemetryStore, type StoredReading } from '@coldtrace/gateway';

const HOUR = 3_600_000;
const { values: v } = parseArgs({
  options: {
    dir: { type: 'string' }, readings: { type: 'string' }, end: { type: 'string' }, 'interval-s': { type: 'string', default: '300' },
    devices: { type: 'string', default: 'zs:4000,trk:1000' }, metrics: { type: 'string', default: 'temperature,humidity' },
  },
});
if (v.dir === undefined || v.readings === undefined || v.end === undefined) throw new Error('--dir, --readings and --end are required');
const total = Number(v.readings);
const end = Number(v.end);
const stepMs = Number(v['interval-s']) * 1000;
const metrics = v.metrics.split(',') as MetricName[];
for (const m of metrics) if (!Object.hasOwn(METRICS, m)) throw new Error(`unknown metric '${m}'`);
/** Device ids and the node each sits behind (`<prefix>-node-<n / 10>`, as the load generator names them). */
const devices = v.devices.split(',').flatMap((g) => {
  const [prefix, count] = g.split(':');
  return Array.from({ length: Number(count) }, (_, i) => ({ device: `${prefix!}-${i}`, node: `${prefix!}-node-${Math.floor(i / 10)}` }));
});
const perStep = devices.length * metrics.length;
const steps = Math.ceil(total / perStep);
// History starts on an hour of device time so each write covers whole hours (one chunk per series and hour).
const from = Math.floor((end - steps * stepMs) / HOUR) * HOUR;
const stepsPerHour = Math.max(1, Math.round(HOUR / stepMs));
const stepsPerWrite = stepsPerHour * Math.max(1, Math.floor(100_000 / (perStep * stepsPerHour)));

const path = join(v.dir, 'telemetry.db');
// Setup, not a measurement: synchronous=NORMAL, large transactions.
const store = SqliteTelemetryStore.open(path, { durability: 'normal' });
const t0 = performance.now();
let written = 0;
let nextReport = 0;
for (let s0 = 0; written < total; s0 += stepsPerWrite) {
  const batch: StoredReading[] = [];
  const s1 = s0 + stepsPerWrite;
  outer: for (const d of devices) {
    for (const metric of metrics) {
      const unit = METRICS[metric].unit;
      for (let s = s0; s < s1; s++) {
        const time = from + s * stepMs;
        if (time >= end) break;
        if (written + batch.length >= total) break outer;
        batch.push({ site: 'load', node: d.node, device: d.device, metric, unit, time, value: 4 + ((s * 7 + time / stepMs) % 11) / 10, seq: s + 1, receivedAt: time + 1000, flags: 0 });
      }
    }
  }
  if (batch.length === 0) break;
  written += store.writeSync(batch).inserted;
  if (written >= nextReport) {
    process.stderr.write(`  prefill: ${written.toLocaleString('en')} / ${total.toLocaleString('en')} readings, ${Math.round((performance.now() - t0) / 1000)} s\n`);
    nextReport = written + Math.max(1, Math.floor(total / 10));
  }
}
const ms = performance.now() - t0;
await store.close();
const size = (p: string): number => {
  try {
    return statSync(p).size;
  } catch {
    return 0;
  }
};
process.stdout.write(`${JSON.stringify({ readings: written, ms: Math.round(ms), from, end, devices: devices.length, dbBytes: size(path) + size(`${path}-wal`) })}\n`);
