#!/usr/bin/env node
/**
 * Ceiling 2: the SQLite store alone, batch inserts of the rows the load shapes produce (devices round-robin, N
 * readings per message, LOAD_METRICS), no broker, no parsing. Also pre-fills a data directory with history for the
 * "retained data" shape. Its own process so the figures are not disturbed by the bench runner. Prints one JSON line.
 *
 *   store-ceiling.js --dir D [--durability full|normal] [--seconds 10] [--batch 20000] [--devices 100]
 *                    [--per-message 50] [--prefill 0] [--end-time ms]
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { SqliteTelemetryStore, type StoredReading } from '@coldtrace/gateway';
import { LOAD_METRICS } from '../load/payloads.js';
import { METRICS } from '@coldtrace/contract';

const { values: v } = parseArgs({
  options: {
    dir: { type: 'string' }, durability: { type: 'string', default: 'full' }, seconds: { type: 'string', default: '10' },
    batch: { type: 'string', default: '20000' }, devices: { type: 'string', default: '100' }, 'per-message': { type: 'string', default: '50' },
    prefill: { type: 'string', default: '0' }, prefix: { type: 'string', default: 'dev' }, site: { type: 'string', default: 'load' },
  },
});
if (v.dir === undefined) throw new Error('--dir is required');
const devices = Number(v.devices);
const perMessage = Number(v['per-message']);
const batch = Number(v.batch);
const k = LOAD_METRICS.length;

/**
 * Rows in arrival order: each device sends a message of `perMessage` readings in turn. Device time advances 1 s per
 * metric cycle, starting at `from`, so history is spaced like a device sampling once a second.
 */
function* rows(from: number, stepMs: number): Generator<StoredReading> {
  const t = new Array<number>(devices).fill(from);
  let seq = 0;
  for (;;) {
    seq++;
    for (let d = 0; d < devices; d++) {
      const device = `${v.prefix!}-${d}`;
      const node = `${v.prefix!}-node-${Math.floor(d / 10)}`;
      for (let i = 0; i < perMessage; i++) {
        const metric = LOAD_METRICS[i % k]!;
        yield { site: v.site!, node, device, metric, unit: METRICS[metric].unit, time: t[d]! + Math.floor(i / k) * stepMs, value: 4 + (i % 7) / 10, seq, receivedAt: Date.now(), flags: 0 };
      }
      t[d]! += Math.ceil(perMessage / k) * stepMs;
    }
  }
}

function take(it: Iterator<StoredReading>, n: number): StoredReading[] {
  const out: StoredReading[] = [];
  for (let i = 0; i < n; i++) out.push(it.next().value as StoredReading);
  return out;
}

const path = join(v.dir, 'telemetry.db');
const prefill = Number(v.prefill);
let prefillMs = 0;
// History ends a day ago: live traffic (device time = now) and the ceiling's rows never collide with it.
const perDevice = Math.ceil(prefill / devices / k);
const historyFrom = Date.now() - 86_400_000 - perDevice * 1000;
if (prefill > 0) {
  // Pre-fill is setup, not a measurement: synchronous=NORMAL and large transactions.
  const store = SqliteTelemetryStore.open(path, { durability: 'normal' });
  const it = rows(historyFrom, 1000);
  const t0 = performance.now();
  for (let done = 0; done < prefill; done += 100_000) store.writeSync(take(it, Math.min(100_000, prefill - done)));
  prefillMs = performance.now() - t0;
  await store.close();
}
const store = SqliteTelemetryStore.open(path, { durability: v.durability === 'normal' ? 'normal' : 'full' });
const startRows = store.count();
// Ceiling rows sit between the history and now (device time), 1 ms apart like fast live traffic.
const it = rows(Date.now() - 43_200_000, 1);
const deadline = performance.now() + Number(v.seconds) * 1000;
let n = 0;
const t0 = performance.now();
while (performance.now() < deadline) {
  const b = take(it, batch);
  n += store.writeSync(b).inserted;
}
const ms = performance.now() - t0;
await store.close();
process.stdout.write(`${JSON.stringify({ rowsAtStart: startRows, prefilled: prefill, prefillMs: Math.round(prefillMs), rows: n, ms: Math.round(ms), rowsPerS: Math.round(n / (ms / 1000)) })}\n`);
