/**
 * Smoke test of the load generator and `npm run bench` (issue #5): the shapes run in a short mode and produce
 * well-formed results in which every published reading was acknowledged and stored. Speed is NOT asserted.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startMosquitto } from '../../gateway/test/support/mosquitto.js';
import { runLoad } from '../src/load/index.js';
import type { BenchReport } from '../src/bench/report.js';
import { shapes } from '../src/bench/shapes.js';
import { productionShapes } from '../src/bench/production.js';

const BENCH_MAIN = fileURLToPath(new URL('../dist/bench/main.js', import.meta.url));

describe('load generator', () => {
  it('publishes a deterministic mix to an external broker and counts every PUBACK', async () => {
    const broker = await startMosquitto();
    try {
      const opts = { url: broker.url, devices: 50, ratePerDevice: 20, readingsPerMessage: 3, malformedShare: 0.05, durationMs: 1000, seed: 42 };
      const a = await runLoad(opts);
      expect(a.devicesConnected).toBe(50);
      expect(a.published.live.messages).toBeGreaterThan(500);
      expect(a.acked.live).toEqual(a.published.live);
      expect(a.published.live.malformed).toBeGreaterThan(0);
      expect(a.published.live.readings).toBe((a.published.live.messages - a.published.live.malformed) * 3);
      expect(a.lost.messages + a.dropped + a.unfinished).toBe(0);
      expect(a.latency.live.count).toBe(a.acked.live.messages);
      expect(a.latency.live.p99).toBeGreaterThanOrEqual(a.latency.live.p50);
      expect(a.timeline.reduce((x, y) => x + y, 0)).toBeLessThanOrEqual(a.acked.live.readings);
    } finally {
      await broker.stop();
    }
  });

  it('replays a store-and-forward backlog to the end after the live run stops', async () => {
    const broker = await startMosquitto();
    try {
      const r = await runLoad({
        url: broker.url, devices: 5, ratePerDevice: 10, durationMs: 500,
        replay: { devices: 3, readings: 10_000, readingsPerMessage: 500, inflightPerDevice: 2, ageMs: 3_600_000, stepMs: 1000, startAtMs: 100 },
      });
      expect(r.acked.replay.readings).toBe(10_000);
      expect(r.published.replay.messages).toBe(21); // 3334 + 3333 + 3333 readings in messages of at most 500
      expect(r.latency.replay.count).toBe(21);
    } finally {
      await broker.stop();
    }
  });
});

describe('npm run bench --smoke', () => {
  const out = mkdtempSync(join(tmpdir(), 'coldtrace-bench-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('runs every shape and counts every published reading as acknowledged and stored', () => {
    if (!existsSync(BENCH_MAIN)) throw new Error(`${BENCH_MAIN} is missing: run 'npm run build' first`);
    const run = spawnSync(process.execPath, [BENCH_MAIN, '--smoke', '--out', out], { encoding: 'utf8', timeout: 330_000 });
    expect(run.status, run.stderr).toBe(0);
    const files = readdirSync(out);
    const json = files.find((f) => f.endsWith('-smoke.json'));
    expect(json).toBeDefined();
    expect(files).toContain(json!.replace(/\.json$/, '.md'));
    const report = JSON.parse(readFileSync(join(out, json!), 'utf8')) as BenchReport;
    expect(report.mode).toBe('smoke');
    expect(report.ceilings).toBeDefined();
    const ceilings = report.ceilings!;
    for (const c of [ceilings.brokerMessagesPerS, ceilings.storeFull, ceilings.storeNormal]) expect(c).toBeGreaterThan(0);
    // The window sweep: the broker alone and the gateway at each window; the ceiling is the broker's best, and the
    // sustained single-reading runs use the window at which the gateway peaked.
    const windows = ceilings.brokerByWindow.map((w) => w.inflight);
    expect(windows).toEqual([2, 4]);
    expect(ceilings.brokerMessagesPerS).toBe(Math.max(...ceilings.brokerByWindow.map((w) => w.messagesPerS)));
    const sweep = report.shapes.find((s) => s.name === 'single-qos1')!.windowSweep!;
    expect(sweep.map((w) => w.inflight)).toEqual(windows);
    for (const w of sweep) expect(w.countsOk, `sweep at ${w.inflight} in flight`).toBe(true);
    const best = sweep.reduce((a, b) => (b.messagesPerS > a.messagesPerS ? b : a)).inflight;
    for (const name of ['single-qos1', 'single-qos1-normal']) expect(report.shapes.find((s) => s.name === name)!.load.options.inflightPerDevice, name).toBe(best);
    expect(report.shapes.map((s) => s.name)).toEqual(shapes('smoke').map((s) => s.name));
    for (const s of report.shapes) {
      const published = s.load.published.live.readings + s.load.published.replay.readings;
      const acked = s.load.acked.live.readings + s.load.acked.replay.readings;
      expect(published, s.name).toBeGreaterThan(0);
      expect(acked, s.name).toBe(published);
      expect(s.gatewayCounts.storedReadings + s.gatewayCounts.duplicates, s.name).toBe(acked);
      expect(s.gatewayCounts.duplicates, s.name).toBe(0);
      expect(s.gatewayCounts.quarantined, s.name).toBe(s.load.acked.live.malformed);
      expect(s.countsOk, `${s.name}: ${s.countsDetail}`).toBe(true);
      expect(s.gateway.rssPeakMiB, s.name).toBeGreaterThan(0);
      expect(s.gateway.rssTimelineMiB.length, s.name).toBeGreaterThan(0);
      expect(Math.max(...s.gateway.rssTimelineMiB), s.name).toBe(s.gateway.rssPeakMiB);
      expect(s.latencyWholeRun.count, s.name).toBe(s.load.acked.live.messages);
      expect(s.load.latencyPerSecond.length, s.name).toBe(s.load.timeline.length);
      expect(s.internals.commits, s.name).toBeGreaterThan(0);
      expect(s.internals.diskBytesPerReading, s.name).toBeGreaterThan(0);
      expect(Number.isFinite(s.readingsPerS), s.name).toBe(true);
      if (s.ceiling !== undefined) expect(s.ceiling.ratio, s.name).toBeCloseTo(s.readingsPerS / s.ceiling.readingsPerS, 2);
    }
    const retained = report.shapes.find((s) => s.name === 'batch-50-retained')!;
    expect(retained.query?.count).toBeGreaterThan(0);
    expect(retained.query?.rowsPerQuery).toBeGreaterThan(0);
    expect(report.shapes.find((s) => s.name === 'replay-1m')!.load.acked.replay.readings).toBe(5_000);
    // The latency reference: the broker alone under the half-peak shape's own load (same devices and rate).
    const half = report.shapes.find((s) => s.name === 'half-peak')!;
    expect(half.brokerAlone?.countsOk).toBe(true);
    expect(half.brokerAlone!.options).toEqual(half.load.options);
    expect(half.brokerAlone!.latency.count).toBeGreaterThan(0);
    expect(half.brokerAlone!.messagesPerS).toBeGreaterThan(0);
    expect(half.brokerAlone!.cpuPercent).toBeGreaterThan(0);
    for (const s of report.shapes) if (s.name !== 'half-peak') expect(s.brokerAlone, s.name).toBeUndefined();
    const md = readFileSync(join(out, json!.replace(/\.json$/, '.md')), 'utf8');
    for (const s of report.shapes) expect(md).toContain(`| ${s.name} |`);
    expect(md).toContain('## Latency at the same load');
    // The production shapes (issue #18): what the store itself holds is what the broker acknowledged.
    expect(report.production.map((p) => p.name)).toEqual(productionShapes('smoke').map((p) => p.name));
    for (const p of report.production) {
      expect(p.publishedReadings, p.name).toBeGreaterThan(0);
      expect(p.storedReadings, p.name).toBe(p.publishedReadings);
      expect(p.countsOk, `${p.name}: ${p.detail}`).toBe(true);
      expect(p.endToEndReadingsPerS, p.name).toBeGreaterThan(0);
      expect(p.gateway.cpuPercent, p.name).toBeGreaterThan(0);
      expect(p.targets.length, p.name).toBeGreaterThan(0);
      expect(md).toContain(`| ${p.name} |`);
    }
    for (const name of ['ext-influx-batch-50', 'ext-victoria-batch-50']) {
      const p = report.production.find((x) => x.name === name)!;
      expect(p.storeAloneReadingsPerS, name).toBeGreaterThan(0);
      expect(p.ratioToStore, name).toBeCloseTo(p.endToEndReadingsPerS / p.storeAloneReadingsPerS!, 2);
    }
  }, 360_000);
});
