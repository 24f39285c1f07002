#!/usr/bin/env node
/**
 * `npm run bench`: every load shape of issue #5 against a gateway process, with the ceilings measured in the same run,
 * then the production shapes of issue #18 (Mosquitto in front, InfluxDB or VictoriaMetrics behind, production.ts).
 *
 *   node simulators/dist/bench/main.js [--quick | --smoke] [--production | --registry | --rules | --series | --carrier] [--shapes a,b] [--out bench/results] [--retained N] [--profile DIR]
 *
 * --production runs the production shapes only. --registry runs the registry bench only (registry/run.ts: import,
 * ingest with custody on and off, order timelines and evidence; writes <out>/<time>-registry-<mode>.json and .md).
 * --rules runs the rules bench only (rules/run.ts, issue #15; writes <out>/<time>-rules-<mode>.json and .md).
 * --integrity runs ingest with chaining on and off only (integrity.ts, issue #17; <out>/<time>-integrity-<mode>.json and .md).
 * --series runs the downsampled chart query bench only (series.ts, issue #16; <out>/<time>-series-<mode>.json and .md).
 * --queries runs the readings endpoint bench only (queries.ts, issue #16; <out>/<time>-queries-<mode>.json and .md).
 * --dashboard runs the 500-device dashboard bench only (dashboard.ts, issue #16; <out>/<time>-dashboard-<mode>.json and .md).
 * --carrier runs the carrier events bench only (carrier.ts, issue #20; <out>/<time>-carrier-<mode>.json and .md).
 * --security runs the security bench only (security.ts, issue #17; <out>/<time>-security-<mode>.json and .md).
 * --scans runs the scan bench only (scans.ts, issue #21; <out>/<time>-scans-<mode>.json and .md).
 * --weather runs the CAP alerts bench only (weather.ts, issue #20; <out>/<time>-weather-<mode>.json and .md).
 * --photos runs the photo bench only (photos.ts, issue #21; <out>/<time>-photos-<mode>.json and .md).
 * --evidence runs the evidence export bench only (evidence.ts, issue #16; <out>/<time>-evidence-<mode>.json and .md).
 * full (default): 60 s per main shape and 15 s per window of the single-reading sweep (~16 min in all); --quick: 10 s;
 * --smoke: ~1 s per shape, for the test suite.
 * Writes <out>/<time>-<mode>.json and .md and prints the Markdown table.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, release, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { runLoad } from '../load/index.js';
import { brokerAtLoad } from './broker-at-load.js';
import { markdown, type BenchReport, type Ceilings } from './report.js';
import { runShape, type ShapeResult, type WindowPoint } from './run-shape.js';
import { MODE_SIZES, shapes, type BenchMode, type ShapeSpec } from './shapes.js';
import { runStoreCeiling, spawnBrokerCeiling } from './processes.js';
import { productionShapes, runProductionShape, type ProductionResult } from './production.js';
import { runRegistryBench, writeRegistryReport } from './registry/run.js';
import { runRulesBench, writeRulesReport } from './rules/run.js';
import { runIntegrityBench, writeIntegrityReport } from './integrity.js';
import { runSeriesBench, writeSeriesReport } from './series.js';
import { runCarrierBench, writeCarrierReport } from './carrier.js';
import { runEvidenceBench, writeEvidenceReport } from './evidence.js';
import { runSecurityBench, writeSecurityReport } from './security.js';
import { runScanBench, writeScanReport } from './scans.js';
import { runWeatherBench, writeWeatherReport } from './weather.js';
import { runQueriesBench, writeQueriesReport } from './queries.js';
import { runPhotoBench, writePhotoReport } from './photos.js';
import { runDashboardBench, writeDashboardReport } from './dashboard.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const { values: v } = parseArgs({
  options: {
    quick: { type: 'boolean' }, smoke: { type: 'boolean' }, shapes: { type: 'string' }, out: { type: 'string' },
    retained: { type: 'string' }, profile: { type: 'string' }, help: { type: 'boolean' }, production: { type: 'boolean' },
    registry: { type: 'boolean' }, rules: { type: 'boolean' }, integrity: { type: 'boolean' }, series: { type: 'boolean' }, carrier: { type: 'boolean' },
    photos: { type: 'boolean' },
    evidence: { type: 'boolean' }, security: { type: 'boolean' }, scans: { type: 'boolean' }, weather: { type: 'boolean' }, queries: { type: 'boolean' }, dashboard: { type: 'boolean' },
  },
});
if (v.help === true) {
  process.stdout.write('usage: npm run bench -- [--quick | --smoke] [--production] [--shapes single-qos1,ext-influx-single,...] [--out DIR] [--retained N] [--profile DIR]\n' +
    '       npm run bench -- [--quick | --smoke] --registry [--out DIR]   (registry bench only: import, custody on/off, timelines)\n' +
    '       npm run bench -- [--quick | --smoke] --rules [--out DIR]      (rules bench only: throughput, ingest rules on/off, flag latency, replay)\n' +
    '       npm run bench -- [--quick | --smoke] --integrity [--out DIR]  (ingest with chaining on/off, #17: readings/s, ratio, coldtrace-verify time)\n' +
    '       npm run bench -- [--quick | --smoke] --series [--out DIR]     (downsampled chart queries, #16: 50M / 5M readings, p50/p99, query plans)\n' +
    '       npm run bench -- [--quick | --smoke] --carrier [--out DIR]    (carrier events through POST /api/v1/carrier-events, #20: events/s, batch p99)\n' +
    '       npm run bench -- [--quick | --smoke] --security [--out DIR]   (device identity, ACLs and chaining on/off, #17: ingest ratio; 10,000 nodes connecting with credentials)\n' +
    '       npm run bench -- [--quick | --smoke] --evidence [--out DIR]   (evidence export of an order, #16: CSV, JSON, PDF of 30 days of 1-min readings: time, size, RSS)\n' +
    '       npm run bench -- [--quick | --smoke] --scans [--out DIR]      (an RFID portal at 500 tag reads/s into custody beside ingest at its peak, #21: ratio, ack p99, drain)\n' +
    '       npm run bench -- [--quick | --smoke] --photos [--out DIR]     (2 MB photos uploaded, hashed, thumbnailed, stored; an order timeline with 50 photos, #21: p50/p99)\n' +
    '       npm run bench -- [--quick | --smoke] --weather [--out DIR]    (a CAP document of 1,000 polygons against 20,000 shipments, #20: parse, zones, judging, ms)\n' +
    '       npm run bench -- [--quick | --smoke] --queries [--out DIR]    (GET /api/v1/readings of 57,000 readings through HTTP, JSON and NDJSON, #16: p50/p99)\n' +
    '       npm run bench -- [--quick | --smoke] --dashboard [--out DIR]  (the live dashboard with 500 devices in Chromium, #16: first paint, commit to page)\n');
  process.exit(0);
}
const mode: BenchMode = v.smoke === true ? 'smoke' : v.quick === true ? 'quick' : 'full';
const sizes = MODE_SIZES[mode];
const all = shapes(mode, v.retained === undefined ? undefined : Number(v.retained));
const allProduction = productionShapes(mode);
const wanted = v.shapes?.split(',').map((s) => s.trim()).filter((s) => s !== '');
const known = [...all, ...allProduction].map((s) => s.name);
const unknown = wanted?.filter((w) => !known.includes(w)) ?? [];
if (unknown.length > 0) {
  process.stderr.write(`bench: unknown shapes ${unknown.join(', ')}; known: ${known.join(', ')}\n`);
  process.exit(2);
}
const selected = v.production === true ? [] : wanted === undefined ? all : all.filter((s) => wanted.includes(s.name));
const selectedProduction = wanted === undefined ? allProduction : allProduction.filter((s) => wanted.includes(s.name));
const out = resolve(v.out ?? join(ROOT, 'bench/results'));
const nodeArgs = v.profile === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${resolve(v.profile)}`];
const startedAt = new Date();
const log = (s: string): void => { process.stderr.write(`[bench ${((Date.now() - startedAt.getTime()) / 1000).toFixed(0)} s] ${s}\n`); };

/** A bench that writes a report of its own: runs it, prints the Markdown and exits. */
async function reportOnly<R>(name: string, run: () => Promise<R>, write: (r: R, dir: string) => Promise<{ stem: string; md: string }>): Promise<never> {
  log(`mode ${mode}: ${name}`);
  const { stem, md } = await write(await run(), out);
  process.stdout.write(md);
  log(`wrote ${stem}.json and ${stem}.md`);
  process.exit(0);
}

if (v.rules === true) await reportOnly('rules', () => runRulesBench({ mode, startedAt, log }), writeRulesReport);
if (v.integrity === true) await reportOnly('integrity', () => runIntegrityBench({ mode, startedAt, log }), writeIntegrityReport);
if (v.carrier === true) await reportOnly('carrier', () => runCarrierBench({ mode, startedAt, log }), writeCarrierReport);
if (v.security === true) await reportOnly('security', () => runSecurityBench({ mode, startedAt, log }), writeSecurityReport);
if (v.evidence === true) await reportOnly('evidence', () => runEvidenceBench({ mode, startedAt, log }), writeEvidenceReport);
if (v.photos === true) await reportOnly('photos', () => runPhotoBench({ mode, startedAt, log }), writePhotoReport);
if (v.scans === true) await reportOnly('scans', () => runScanBench({ mode, startedAt, log }), writeScanReport);
if (v.weather === true) await reportOnly('weather', () => runWeatherBench({ mode, startedAt, log }), writeWeatherReport);
if (v.queries === true) await reportOnly('queries', () => runQueriesBench({ mode, startedAt, log }), writeQueriesReport);
if (v.dashboard === true) await reportOnly('dashboard', () => runDashboardBench({ mode, startedAt, log }), writeDashboardReport);
if (v.series === true) await reportOnly('series', () => runSeriesBench({ mode, startedAt, log }), writeSeriesReport);
if (v.registry === true) await reportOnly('registry', () => runRegistryBench({ mode, out, startedAt, log }), writeRegistryReport);

log(`mode ${mode}: ${[...selected, ...selectedProduction].map((s) => s.name).join(', ')}`);
const ceilings = selected.length === 0 ? undefined : await measureCeilings();
if (ceilings !== undefined) log(`ceilings: broker ${ceilings.brokerMessagesPerS} msg/s, store ${ceilings.storeFull} (full) / ${ceilings.storeNormal} (normal) readings/s`);

let peak = (ceilings?.brokerMessagesPerS ?? 0) * 0.4;
/** The window at which the gateway peaked in the sweep ('swept' shapes use it). */
let sweptWindow: number | undefined;
const results: ShapeResult[] = [];
for (const spec of selected) {
  log(`${spec.name}: ${spec.title}`);
  const ctx = { peakMessagesPerS: peak, nodeArgs, queries: sizes.queries, ceilingMs: sizes.ceilingMs };
  let shape = spec;
  let windowSweep: WindowPoint[] | undefined;
  if (spec.window === 'sweep') {
    windowSweep = [];
    for (const inflight of sizes.windows) {
      const short = await runShape({ ...spec, load: { ...spec.load, inflightPerDevice: inflight, durationMs: sizes.ceilingMs } }, ctx);
      windowSweep.push({ inflight, messagesPerS: Math.round(short.messagesPerS), countsOk: short.countsOk });
      log(`  ${inflight} in flight per device: ${Math.round(short.messagesPerS)} msg/s (${sizes.ceilingMs / 1000} s), counts ${short.countsOk ? 'ok' : short.countsDetail}`);
    }
    sweptWindow = windowSweep.reduce((a, b) => (b.messagesPerS > a.messagesPerS ? b : a)).inflight;
  }
  if (spec.window !== undefined && sweptWindow !== undefined) shape = { ...spec, load: { ...spec.load, inflightPerDevice: sweptWindow } };
  const run = await runShape(shape, ctx);
  const brokerAlone = spec.latencyReference === true ? await brokerAtLoad(run.load.options) : undefined;
  const r = judge(shape, { ...run, ...(windowSweep !== undefined ? { windowSweep } : {}), ...(brokerAlone !== undefined ? { brokerAlone } : {}) });
  if (shape.name === 'single-qos1') peak = r.messagesPerS;
  results.push(r);
  log(`  ${r.readingsPerS} readings/s, p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, RSS ${r.gateway.rssPeakMiB} MiB, CPU ${r.gateway.cpuPercent} %, counts ${r.countsOk ? 'ok' : r.countsDetail}`);
  if (brokerAlone !== undefined) log(`  broker alone at the same load: ${brokerAlone.messagesPerS} msg/s, p50 ${brokerAlone.latency.p50} ms, p99 ${brokerAlone.latency.p99} ms, CPU ${brokerAlone.cpuPercent} %`);
}

const production: ProductionResult[] = [];
for (const spec of selectedProduction) {
  log(`${spec.name}: ${spec.title}`);
  const r = await runProductionShape(spec, nodeArgs);
  production.push(r);
  log(`  ${r.endToEndReadingsPerS} readings/s end to end (offered ${r.offeredReadingsPerS}), drain ${r.drainMs} ms, late ${r.lateReadings}, connections lost ${r.connectionsLost}, ` +
    `gateway CPU ${r.gateway.cpuPercent} %${r.storeAloneReadingsPerS !== undefined ? `, store alone ${r.storeAloneReadingsPerS} readings/s` : ''}, counts ${r.countsOk ? 'ok' : r.detail}`);
}

const report: BenchReport = {
  mode, startedAt: startedAt.toISOString(), durationS: (Date.now() - startedAt.getTime()) / 1000,
  machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', memGiB: Math.round(totalmem() / 2 ** 30), node: process.version, kernel: release() },
  ...(ceilings !== undefined ? { ceilings } : {}), shapes: results, production,
};
await mkdir(out, { recursive: true });
const stem = join(out, `${startedAt.toISOString().replace(/[:.]/g, '-')}-${mode}`);
await writeFile(`${stem}.json`, `${JSON.stringify(report, null, 2)}\n`);
const md = markdown(report);
await writeFile(`${stem}.md`, md);
process.stdout.write(md);
log(`wrote ${stem}.json and ${stem}.md`);

async function measureCeilings(): Promise<Ceilings> {
  // The broker alone at each window of the sweep, on the single-reading shape's devices; the ceiling is the best.
  const brokerByWindow: WindowPoint[] = [];
  const single = all.find((s) => s.name === 'single-qos1')!.load;
  for (const inflight of sizes.windows) {
    const broker = await spawnBrokerCeiling();
    try {
      const r = await runLoad({ ...single, inflightPerDevice: inflight, durationMs: sizes.ceilingMs, url: broker.ready['mqttUrl']! });
      brokerByWindow.push({ inflight, messagesPerS: Math.round(r.ackedMessagesPerS) });
    } finally {
      await broker.stop();
    }
  }
  const brokerMessagesPerS = Math.max(...brokerByWindow.map((w) => w.messagesPerS));
  const store = async (durability: string): Promise<number> => {
    const dir = await mkdtemp(join(tmpdir(), 'ct-bench-store-'));
    try {
      return (await runStoreCeiling(['--dir', dir, '--durability', durability, '--seconds', String(sizes.ceilingMs / 1000)])).rowsPerS;
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  };
  return { brokerMessagesPerS, brokerByWindow, storeFull: await store('full'), storeNormal: await store('normal') };
}

function judge(shape: ShapeSpec, r: ShapeResult): ShapeResult {
  let ceiling = r.ceiling;
  if (ceiling === undefined && shape.ceiling !== 'none' && ceilings !== undefined) {
    const value = shape.ceiling === 'broker' ? ceilings.brokerMessagesPerS : shape.durability === 'normal' ? ceilings.storeNormal : ceilings.storeFull;
    ceiling = { kind: shape.ceiling, readingsPerS: value, ratio: 0 };
  }
  if (ceiling !== undefined) ceiling = { ...ceiling, ratio: Math.round((r.readingsPerS / Math.max(1, ceiling.readingsPerS)) * 1000) / 1000 };
  const t = shape.target;
  let met: boolean | undefined;
  if (t !== undefined) {
    switch (t.kind) {
      case 'ratio': met = ceiling !== undefined && ceiling.ratio >= t.min; break;
      case 'readingsPerS': met = r.readingsPerS >= t.min; break;
      case 'p99Ms': met = r.latency.p99 < t.max; break;
      case 'rssMiB': met = r.gateway.rssPeakMiB < t.max; break;
      case 'nothingLost': met = r.countsOk; break;
    }
  }
  return { ...r, ...(ceiling !== undefined ? { ceiling } : {}), ...(t !== undefined ? { target: { text: t.text, met: met === true && r.countsOk } } : {}) };
}
