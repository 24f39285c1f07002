/**
 * `npm run bench -- --registry`: the registry at a large 3PL's size (REGISTRY_SIZES): generate it, import it and
 * again, ingest with custody resolution on and off, then order timelines and evidence with history stored. Writes
 * <out>/<time>-registry-<mode>.json and .md and prints the Markdown table. Figures only: nothing fails on speed.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { shapes, type BenchMode } from '../shapes.js';
import { closeHttp, writeDocumentParts, type DocumentPart } from './document-file.js';
import { REGISTRY_SIZES, SENSOR_PREFIX, countsOf, generateRegistry, type Kind, type RegistrySize } from './generate.js';
import { runImport } from './import-phase.js';
import { GATEWAY_HAS_RULES, compareCustody, type CustodyComparison } from './ingest.js';
import { registryMarkdown } from './report.js';
import { runTimelinePhase, type OrderIndex, type QueryCounts, type TimelinePhase } from './timeline-phase.js';
import type { ImportResult } from './import-phase.js';

/** Readings pre-filled and queries asked, per mode (the issue: 50M readings, 2,000 timelines, 200 evidence). */
export const QUERY_COUNTS: Record<BenchMode, QueryCounts> = {
  full: { readings: 50_000_000, timelineWarmup: 200, timelines: 2000, evidenceWarmup: 20, evidence: 200, evidenceLimit: 1000 },
  quick: { readings: 5_000_000, timelineWarmup: 200, timelines: 2000, evidenceWarmup: 20, evidence: 200, evidenceLimit: 1000 },
  smoke: { readings: 50_000, timelineWarmup: 20, timelines: 200, evidenceWarmup: 5, evidence: 20, evidenceLimit: 1000 },
};

/** Load shapes run with custody on and off (shapes.ts), and how many on/off pairs of each. */
const CUSTODY_SHAPES = ['single-qos1', 'batch-50'];
const REPETITIONS = 2;

export interface RegistryBenchReport {
  readonly mode: BenchMode;
  readonly startedAt: string;
  readonly durationS: number;
  readonly machine: { cpus: number; cpuModel: string; memGiB: number; node: string; kernel: string };
  /** The commit the gateway was built from, and whether its sources had uncommitted changes. */
  readonly gatewayBuild: string;
  /** The gateway has rules on committed readings (COLDTRACE_RULES): the custody ratio is measured with them off. */
  readonly gatewayHasRules: boolean;
  readonly size: RegistrySize;
  readonly counts: Record<Kind, number>;
  readonly generateMs: number;
  readonly writeMs: number;
  readonly documentParts: readonly { bytes: number; counts: Partial<Record<Kind, number>> }[];
  readonly import: Omit<ImportResult, 'dataDir'>;
  readonly custody: readonly CustodyComparison[];
  readonly queries: TimelinePhase;
}

export interface RegistryBenchOptions {
  readonly mode: BenchMode;
  readonly out: string;
  readonly startedAt: Date;
  readonly log: (s: string) => void;
  /** Largest document part, bytes (document-file.ts DEFAULT_MAX_PART_BYTES). */
  readonly maxPartBytes?: number;
}

export async function runRegistryBench(o: RegistryBenchOptions): Promise<RegistryBenchReport> {
  const { mode, log } = o;
  const size = REGISTRY_SIZES[mode];
  const build = gatewayBuild();
  const docDir = await mkdtemp(join(tmpdir(), 'ct-bench-registry-doc-'));
  let importDir: string | undefined;
  try {
    const doc = prepareDocument(size, docDir, o.maxPartBytes, log);
    const imported = await runImport(doc.parts, { device: `${SENSOR_PREFIX}-0`, time: doc.orders.end }, log);
    importDir = imported.dataDir;
    log(`import: ${imported.first.seconds.toFixed(1)} s (${imported.rowsPerS.toLocaleString('en')} rows/s), created ${imported.createdOk ? 'all' : 'NOT all'}; ` +
      `re-import ${imported.again.seconds.toFixed(1)} s, ${imported.idempotent ? 'all unchanged' : 'NOT idempotent'}; registry.db ${(imported.registryDbBytes / 2 ** 20).toFixed(1)} MiB; ` +
      `RSS fresh ${imported.rss.freshMiB}, peak ${imported.rss.importPeakMiB}, after ${imported.rss.afterImportMiB}, restarted ${imported.rss.restartedMiB} MiB (${imported.restartMs} ms to ready); ${imported.resolveCheck}`);
    await rm(docDir, { recursive: true, force: true });

    const custody: CustodyComparison[] = [];
    for (const shape of shapes(mode).filter((s) => CUSTODY_SHAPES.includes(s.name))) {
      if ((shape.load.devices ?? 100) > size.zoneSensors) log(`  warning: ${shape.name} has more devices than the registry's ${size.zoneSensors} zone sensors: the rest are unregistered`);
      log(`${shape.name} with custody on and off (${REPETITIONS} pairs): ${shape.title}`);
      const c = await compareCustody(shape, imported.dataDir, REPETITIONS, log);
      custody.push(c);
      log(`  on ${c.onReadingsPerS.toLocaleString('en')}, off ${c.offReadingsPerS.toLocaleString('en')} readings/s: ${Math.round(c.ratio * 1000) / 10} %, lookups ${c.linkedOk ? 'linked' : 'NOT all linked'}`);
    }

    const queries = await runTimelinePhase(imported.dataDir, size, doc.orders, QUERY_COUNTS[mode], log);
    const { dataDir: _d, ...importFigures } = imported;
    return {
      mode, startedAt: o.startedAt.toISOString(), durationS: Math.round((Date.now() - o.startedAt.getTime()) / 100) / 10,
      machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', memGiB: Math.round(totalmem() / 2 ** 30), node: process.version, kernel: release() },
      gatewayBuild: build, gatewayHasRules: GATEWAY_HAS_RULES, size, counts: doc.counts, generateMs: doc.generateMs, writeMs: doc.writeMs, documentParts: doc.parts.map((p) => ({ bytes: p.bytes, counts: p.counts })),
      import: importFigures, custody, queries,
    };
  } finally {
    closeHttp();
    await rm(docDir, { recursive: true, force: true });
    if (importDir !== undefined) await rm(importDir, { recursive: true, force: true });
  }
}

/** Generates the registry and writes it; only the order index outlives this (the entities are garbage after). */
function prepareDocument(size: RegistrySize, dir: string, maxPartBytes: number | undefined, log: (s: string) => void): {
  parts: DocumentPart[]; orders: OrderIndex; counts: Record<Kind, number>; generateMs: number; writeMs: number;
} {
  const t0 = performance.now();
  const g = generateRegistry(size, Date.now(), 1);
  const generateMs = Math.round(performance.now() - t0);
  const counts = countsOf(g.entities);
  log(`generated in ${(generateMs / 1000).toFixed(1)} s: ${Object.entries(counts).map(([k, n]) => `${n.toLocaleString('en')} ${k}`).join(', ')}`);
  const t1 = performance.now();
  const parts = writeDocumentParts(g.entities, dir, 'registry', maxPartBytes);
  const writeMs = Math.round(performance.now() - t1);
  const mib = (b: number): string => (b / 2 ** 20).toFixed(1);
  log(`written in ${(writeMs / 1000).toFixed(1)} s: ${parts.length === 1 ? `one document, ${mib(parts[0]!.bytes)} MiB` : `${parts.length} documents in dependency order (${parts.map((p) => `${mib(p.bytes)} MiB`).join(', ')})`}`);
  return { parts, orders: { end: g.end, orderIds: g.orderIds, orderTimes: g.orderTimes }, counts, generateMs, writeMs };
}

/** `commit abc1234` (`, with uncommitted gateway changes`), from git when the bench runs in a checkout. */
function gatewayBuild(): string {
  try {
    const git = (...args: string[]): string => execFileSync('git', args, { cwd: fileURLToPath(new URL('../../../../', import.meta.url)), encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = git('status', '--porcelain', '--', 'gateway', 'contract') !== '';
    return `commit ${git('rev-parse', '--short', 'HEAD')}${dirty ? ' with uncommitted gateway changes' : ''}`;
  } catch {
    return 'an unknown commit (not a git checkout)';
  }
}

/** Writes the report as <out>/<time>-registry-<mode>.json and .md; returns the Markdown. */
export async function writeRegistryReport(r: RegistryBenchReport, out: string): Promise<{ stem: string; md: string }> {
  await mkdir(out, { recursive: true });
  const stem = join(out, `${r.startedAt.replace(/[:.]/g, '-')}-registry-${r.mode}`);
  await writeFile(`${stem}.json`, `${JSON.stringify(r, null, 2)}\n`);
  const md = registryMarkdown(r);
  await writeFile(`${stem}.md`, md);
  return { stem, md };
}
