/**
 * `npm run bench -- --weather`: CAP weather alerts against shipments (issue #20 asks for a CAP document with 1,000
 * area polygons checked against 20,000 active shipments in under 1 s). In one process, on the gateway's own domain
 * code: a generated CAP document of 1,000 storm-cell polygons (24 vertices each) over western Europe is parsed
 * (parseCap), its risk zones worked out and indexed once (as the alerts service does per stored change), and each of
 * 20,000 shipments (a route of 10 points, about 300 km, and its last 12 kept fixes a minute apart) judged against
 * them (weatherFindings, as the rules do per shipment). What it leaves out: reading the shipments' fixes and routes
 * from the stores, which the rules do per shipment whatever the alerts.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { indexZones, parseCap, riskZones, weatherFindings } from '@coldtrace/gateway';
import type { BenchMode } from './shapes.js';

export const WEATHER_BENCH_SIZES: Readonly<Record<BenchMode, { polygons: number; shipments: number; repeats: number }>> = {
  smoke: { polygons: 100, shipments: 1000, repeats: 2 }, quick: { polygons: 1000, shipments: 20_000, repeats: 3 }, full: { polygons: 1000, shipments: 20_000, repeats: 5 },
};

export interface WeatherBenchReport {
  readonly mode: BenchMode;
  readonly startedAt: string;
  readonly machine: { readonly cpus: number; readonly cpuModel: string };
  readonly polygons: number;
  readonly shipments: number;
  readonly documentBytes: number;
  /** Each repeat: parse, zones, judging all shipments, ms; and the shipments found at risk and stopped. */
  readonly runs: { readonly parseMs: number; readonly zonesMs: number; readonly judgeMs: number; readonly totalMs: number; readonly atRisk: number; readonly stopped: number }[];
}

/** A deterministic generator (mulberry32), so every run judges the same world. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const T0 = Date.UTC(2026, 11, 7, 6);
const box = { minLat: 44, maxLat: 56, minLon: -5, maxLon: 20 };

function capDocument(polygons: number, rnd: () => number): string {
  const cells: string[] = [];
  for (let i = 0; i < polygons; i++) {
    const lat = box.minLat + rnd() * (box.maxLat - box.minLat);
    const lon = box.minLon + rnd() * (box.maxLon - box.minLon);
    const r = 0.05 + rnd() * 0.15;
    const ring = Array.from({ length: 24 }, (_v, k) => {
      const a = (k / 24) * 2 * Math.PI;
      const rr = r * (0.7 + 0.3 * rnd());
      return `${(lat + rr * Math.sin(a)).toFixed(4)},${(lon + (rr * Math.cos(a)) / Math.cos((lat * Math.PI) / 180)).toFixed(4)}`;
    });
    cells.push(`<area><areaDesc>cell ${i}</areaDesc><polygon>${[...ring, ring[0]].join(' ')}</polygon></area>`);
  }
  const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return `<?xml version="1.0" encoding="UTF-8"?><alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>BENCH-1</identifier><sender>bench@example.org</sender>` +
    `<sent>${iso(T0)}</sent><status>Actual</status><msgType>Alert</msgType><scope>Public</scope><info><event>Severe thunderstorms</event><urgency>Immediate</urgency>` +
    `<severity>Severe</severity><certainty>Observed</certainty><onset>${iso(T0)}</onset><expires>${iso(T0 + 12 * 3_600_000)}</expires>${cells.join('')}</info></alert>`;
}

interface BenchShipment { id: string; route: { lat: number; lon: number }[]; kept: { t: number; lat: number; lon: number; device: string }[] }

function shipments(n: number, rnd: () => number): BenchShipment[] {
  return Array.from({ length: n }, (_v, i) => {
    const lat = box.minLat + rnd() * (box.maxLat - box.minLat);
    const lon = box.minLon + rnd() * (box.maxLon - box.minLon);
    const heading = rnd() * 2 * Math.PI;
    const route = Array.from({ length: 10 }, (_w, k) => ({ lat: lat + k * 0.3 * Math.sin(heading), lon: lon + (k * 0.3 * Math.cos(heading)) / Math.cos((lat * Math.PI) / 180) }));
    const progress = rnd() * 0.8;
    const now = T0 + 6 * 3_600_000;
    // The last 12 fixes, a minute apart: a third of the trucks stopped, the rest moving at ~60 km/h along the route.
    const stopped = i % 3 === 0;
    const kept = Array.from({ length: 12 }, (_w, k) => {
      const f = stopped ? progress : progress + (k - 11) * 0.0004;
      const at = route[0]!;
      return { t: now - (11 - k) * 60_000, lat: at.lat + f * (route[9]!.lat - at.lat), lon: at.lon + f * (route[9]!.lon - at.lon), device: `T-${i}` };
    });
    return { id: `S-${i}`, route, kept };
  });
}

export async function runWeatherBench(o: { mode: BenchMode; startedAt: Date; log: (s: string) => void }): Promise<WeatherBenchReport> {
  const size = WEATHER_BENCH_SIZES[o.mode];
  const rnd = random(20);
  const xml = capDocument(size.polygons, rnd);
  const world = shipments(size.shipments, rnd);
  const related = { devices: [], zones: [], batches: [], shipments: [], orders: [] };
  const nowMs = T0 + 6 * 3_600_000;
  const windowBefore = () => ({ p10Ms: nowMs, p50Ms: nowMs, p90Ms: nowMs, basis: 'promised delivery' });
  const runs: WeatherBenchReport['runs'][number][] = [];
  for (let r = 0; r < size.repeats; r++) {
    const t0 = performance.now();
    const parsed = parseCap(xml, Buffer.byteLength(xml));
    if (!parsed.ok) throw new Error(`weather bench: the generated document was refused: ${parsed.reason}`);
    const t1 = performance.now();
    const zones = indexZones(riskZones([{ alert: parsed.alert }]));
    const t2 = performance.now();
    let atRisk = 0;
    let stopped = 0;
    for (const s of world) {
      const found = weatherFindings({ shipment: s.id, kept: s.kept, route: s.route, zones, onItsWay: true, windowBefore, nowMs, related });
      for (const f of found) {
        if (f.rule === 'weather/at-risk' && f.active) atRisk++;
        if (f.rule.startsWith('weather/stopped/')) stopped++;
      }
    }
    const t3 = performance.now();
    const ms = (x: number): number => Math.round(x * 10) / 10;
    runs.push({ parseMs: ms(t1 - t0), zonesMs: ms(t2 - t1), judgeMs: ms(t3 - t2), totalMs: ms(t3 - t0), atRisk, stopped });
    o.log(`weather: parse ${ms(t1 - t0)} ms, zones ${ms(t2 - t1)} ms, ${size.shipments} shipments judged in ${ms(t3 - t2)} ms (${atRisk} at risk)`);
  }
  return { mode: o.mode, startedAt: o.startedAt.toISOString(), machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown' }, polygons: size.polygons, shipments: size.shipments, documentBytes: Buffer.byteLength(xml), runs };
}

export async function writeWeatherReport(r: WeatherBenchReport, out: string): Promise<{ stem: string; md: string }> {
  await mkdir(out, { recursive: true });
  const stem = join(out, `${r.startedAt.replace(/[:.]/g, '-')}-weather-${r.mode}`);
  const md = [
    `# CAP alerts against shipments (#20), ${r.mode}`, '',
    `A CAP document of ${r.polygons.toLocaleString('en')} polygons (${Math.round(r.documentBytes / 1024)} KiB) parsed and checked against ${r.shipments.toLocaleString('en')} shipments in one process, on the gateway's domain code; ${r.machine.cpus} × ${r.machine.cpuModel}. Target: under 1 s.`, '',
    '| run | parse ms | zones ms | judge ms | total ms | at risk | stopped > 4 h |', '|---|---|---|---|---|---|---|',
    ...r.runs.map((x, i) => `| ${i + 1} | ${x.parseMs} | ${x.zonesMs} | ${x.judgeMs} | ${x.totalMs} | ${x.atRisk} | ${x.stopped} |`), '',
  ].join('\n');
  await writeFile(`${stem}.json`, `${JSON.stringify(r, null, 2)}\n`);
  await writeFile(`${stem}.md`, md);
  return { stem, md };
}
