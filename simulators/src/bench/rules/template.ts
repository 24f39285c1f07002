/**
 * The registry the gateway parts run on: the registry bench's generated 3PL (registry/generate.ts) plus probe
 * batches for the flag latency, imported once into a data directory that each run copies (registry/ingest.ts
 * dataDirWithRegistry). Imported with the rules off, so the import leaves no background judging behind.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { spawnGateway } from '../processes.js';
import { closeHttp, http, writeDocumentParts } from '../registry/document-file.js';
import { countsOf, generateRegistry, type Entity, type Kind, type RegistryEntities, type RegistrySize } from '../registry/generate.js';

/** Probe `i`: its own zone, sensor and batch (so each probe's flag is new): device `probe-i`, batch `PB-i`. */
export const probeDevice = (i: number): string => `probe-${i}`;
export const probeBatch = (i: number): string => `PB-${i}`;
/** The probes' product: the crt preset, whose upper limit (30 °C) is `instant`: one reading beyond raises a flag. */
export const PROBE_PRODUCT = { id: 'PRD-PROBE', name: 'Probe product (crt)', preset: 'crt' };
export const PROBE_VALUE_C = 35;

export interface Template {
  readonly dir: string;
  readonly counts: Record<Kind, number>;
  readonly importSeconds: number;
  readonly probes: number;
}

/** Adds `n` probes to generated entities, placed from a day before `end`, open. */
export function addProbes(e: RegistryEntities, n: number, end: number): void {
  const from = new Date(end - 86_400_000).toISOString();
  const push = (kind: Kind, x: Entity): void => {
    e[kind].push(x);
  };
  push('sites', { id: 'SITE-PROBE', name: 'Probe site', geofence: { kind: 'circle', center: { lat: 52.37, lon: 4.9 }, radiusM: 300 } });
  push('products', PROBE_PRODUCT);
  for (let i = 0; i < n; i++) {
    push('zones', { id: `PROBE-Z-${i}`, site: 'SITE-PROBE', name: `Probe room ${i}` });
    push('devices', { id: probeDevice(i), kind: 'zone_sensor', model: 'XY-MD02', intervalS: 60, metrics: ['temperature'] });
    push('batches', { id: probeBatch(i), product: PROBE_PRODUCT.id, quantity: 100, producedAt: '2026-01-01', expiresAt: '2030-01-01' });
    push('placements', { id: `PL-${probeDevice(i)}`, device: probeDevice(i), zone: `PROBE-Z-${i}`, from });
    push('placements', { id: `PL-${probeBatch(i)}`, batch: probeBatch(i), zone: `PROBE-Z-${i}`, from });
  }
}

export async function buildTemplate(size: RegistrySize, probes: number, log: (s: string) => void): Promise<Template> {
  const g = generateRegistry(size, Date.now(), 1);
  addProbes(g.entities, probes, g.end);
  const counts = countsOf(g.entities);
  const docDir = await mkdtemp(join(tmpdir(), 'ct-bench-rules-doc-'));
  const dir = await mkdtemp(join(tmpdir(), 'ct-bench-rules-template-'));
  try {
    const parts = writeDocumentParts(g.entities, docDir, 'registry');
    const gw = await spawnGateway({ COLDTRACE_DATA_DIR: dir, COLDTRACE_RULES: 'off', COLDTRACE_LOG_LEVEL: 'warn' });
    const t0 = performance.now();
    try {
      for (const p of parts) {
        const a = await http('PUT', `${gw.ready['httpUrl']!}/api/v1/registry`, await readFile(p.path));
        if (a.status !== 200) throw new Error(`registry import refused: ${a.status} ${JSON.stringify(a.body).slice(0, 1000)}`);
      }
    } finally {
      await gw.stop();
      closeHttp();
    }
    const importSeconds = Math.round((performance.now() - t0) / 100) / 10;
    log(`registry: ${Object.entries(counts).map(([k, c]) => `${c.toLocaleString('en')} ${k}`).join(', ')} (with ${probes} probes), imported in ${importSeconds} s`);
    return { dir, counts, importSeconds, probes };
  } catch (e) {
    await rm(dir, { recursive: true, force: true });
    throw e;
  } finally {
    await rm(docDir, { recursive: true, force: true });
  }
}
