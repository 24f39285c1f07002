/**
 * The import figures: a gateway process on a fresh data directory imports the document (its parts in order) through
 * PUT /api/v1/registry, then the same again (idempotence: every count unchanged), then restarts with the registry
 * loaded (the custody index is built at start). RSS from /proc at each step, so the memory the registry costs shows.
 */
import { mkdtemp, readFile, readdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ProcessSampler, cpuSeconds, rssMiB } from '../proc.js';
import { spawnGateway, type Child } from '../processes.js';
import { http, type DocumentPart } from './document-file.js';
import { KINDS, type Kind } from './generate.js';

/** Longest wait for the gateway to fall idle after an import, ms. */
const BUSY_WAIT_MS = 15 * 60_000;

type KindCounts = { created: number; updated: number; unchanged: number; deleted: number };
export type Applied = Partial<Record<Kind, KindCounts>>;

export interface ImportPass {
  /** Per part: seconds from request sent to answer read. */
  readonly partSeconds: readonly number[];
  readonly seconds: number;
  /**
   * After the last answer, seconds until the gateway's CPU fell idle (work the import left running in the
   * background, e.g. judging the batches it touched); the next step starts then, or after BUSY_WAIT_MS at most.
   */
  readonly busyAfterS: number;
  /** Still busy when the bench stopped waiting (BUSY_WAIT_MS): the next step ran beside that work. */
  readonly stillBusy: boolean;
  readonly applied: Applied;
}

export interface ImportResult {
  readonly dataDir: string;
  readonly parts: number;
  readonly bytes: number;
  readonly entities: number;
  readonly first: ImportPass;
  readonly rowsPerS: number;
  /** Every entity of the document created by the first import. */
  readonly createdOk: boolean;
  readonly again: ImportPass;
  /** The second import of the same document changed nothing: every count `unchanged`. */
  readonly idempotent: boolean;
  readonly rss: {
    /** A fresh gateway with an empty registry, MiB. */
    readonly freshMiB: number;
    readonly importPeakMiB: number;
    readonly afterImportMiB: number;
    readonly afterReimportMiB: number;
    /** After a restart with the registry loaded (custody index built at start). */
    readonly restartedMiB: number;
  };
  /** SIGTERM to exit of the gateway that imported (idle by then), ms; 20 s and more is the bench's SIGKILL. */
  readonly stopMs: number;
  /** Gateway start to ready with the registry loaded, ms. */
  readonly restartMs: number;
  /** registry.db (and its WAL) after the gateway stopped, bytes. */
  readonly registryDbBytes: number;
  /** A registered zone sensor resolved to its zone at the end time (the index is loaded). */
  readonly resolveCheck: string;
}

export async function runImport(parts: readonly DocumentPart[], probe: { device: string; time: number }, log: (s: string) => void): Promise<ImportResult> {
  const dataDir = await mkdtemp(join(tmpdir(), 'ct-bench-registry-import-'));
  const env = { COLDTRACE_DATA_DIR: dataDir, COLDTRACE_LOG_LEVEL: 'warn' };
  const entities = parts.reduce((n, p) => n + Object.values(p.counts).reduce((a, b) => a + b, 0), 0);
  let gw = await spawnGateway(env);
  let first: ImportPass;
  let again: ImportPass;
  let freshMiB: number;
  let importPeakMiB: number;
  let afterImportMiB: number;
  let afterReimportMiB: number;
  let stopMs = 0;
  try {
    await waitIdle(gw.pid);
    freshMiB = rssMiB(gw.pid);
    const sampler = new ProcessSampler(gw.pid);
    first = await importParts(gw, parts, log, 'import');
    importPeakMiB = sampler.stop().rssPeakMiB;
    afterImportMiB = rssMiB(gw.pid);
    again = await importParts(gw, parts, log, 're-import');
    afterReimportMiB = rssMiB(gw.pid);
  } finally {
    const t = performance.now();
    await gw.stop();
    stopMs = performance.now() - t;
  }
  const registryDbBytes = await dbBytes(dataDir, 'registry.db');
  const t0 = performance.now();
  gw = await spawnGateway(env);
  const restartMs = performance.now() - t0;
  let restartedMiB: number;
  let resolveCheck: string;
  try {
    await waitIdle(gw.pid);
    restartedMiB = rssMiB(gw.pid);
    const a = await http('GET', `${gw.ready['httpUrl']!}/api/v1/custody/resolve?device=${probe.device}&time=${probe.time}`);
    resolveCheck = `${probe.device} at the end time: ${JSON.stringify((a.body as { location?: unknown }).location ?? a.body)}`;
  } finally {
    await gw.stop();
  }
  const created = (k: Kind): number => first.applied[k]?.created ?? 0;
  const perKind = (k: Kind): number => parts.reduce((n, p) => n + (p.counts[k] ?? 0), 0);
  const r1 = (x: number): number => Math.round(x * 10) / 10;
  return {
    dataDir, parts: parts.length, bytes: parts.reduce((n, p) => n + p.bytes, 0), entities, first, again,
    rowsPerS: Math.round(entities / Math.max(0.001, first.seconds)), createdOk: KINDS.every((k) => created(k) === perKind(k)),
    idempotent: KINDS.every((k) => {
      const c = again.applied[k];
      return perKind(k) === 0 || (c !== undefined && c.unchanged === perKind(k) && c.created + c.updated + c.deleted === 0);
    }),
    rss: { freshMiB: r1(freshMiB), importPeakMiB: r1(importPeakMiB), afterImportMiB: r1(afterImportMiB), afterReimportMiB: r1(afterReimportMiB), restartedMiB: r1(restartedMiB) },
    stopMs: Math.round(stopMs), restartMs: Math.round(restartMs), registryDbBytes, resolveCheck,
  };
}

async function importParts(gw: Child, parts: readonly DocumentPart[], log: (s: string) => void, what: string): Promise<ImportPass> {
  const url = `${gw.ready['httpUrl']!}/api/v1/registry`;
  const applied: Applied = {};
  const partSeconds: number[] = [];
  let stderr = '';
  const onErr = (d: Buffer): void => { stderr = (stderr + d.toString()).slice(-2000); };
  gw.child.stderr?.on('data', onErr);
  try {
    for (const [i, part] of parts.entries()) {
      const body = await readFile(part.path);
      let a;
      try {
        a = await http('PUT', url, body);
      } catch (e) {
        throw new Error(`${what} of ${part.path} (${body.length} bytes): ${(e as Error).message}; gateway ${gw.child.exitCode !== null || gw.child.signalCode !== null ? `exited (${gw.child.exitCode ?? gw.child.signalCode})` : 'still running'}; stderr: ${stderr}`);
      }
      if (a.status !== 200) throw new Error(`${what} of ${part.path} refused: ${a.status} ${JSON.stringify(a.body).slice(0, 2000)}`);
      partSeconds.push(a.ms / 1000);
      for (const [kind, c] of Object.entries((a.body as { applied: Applied }).applied) as [Kind, KindCounts][]) {
        const sum = (applied[kind] ??= { created: 0, updated: 0, unchanged: 0, deleted: 0 });
        for (const f of ['created', 'updated', 'unchanged', 'deleted'] as const) sum[f] += c[f];
      }
      log(`  ${what} part ${i + 1}/${parts.length} (${(part.bytes / 2 ** 20).toFixed(1)} MiB): ${(a.ms / 1000).toFixed(1)} s`);
    }
  } finally {
    gw.child.stderr?.off('data', onErr);
  }
  const busyMs = await waitIdle(gw.pid, 10, BUSY_WAIT_MS);
  const stillBusy = busyMs >= BUSY_WAIT_MS;
  if (busyMs > 2000) log(`  the gateway ${stillBusy ? 'was still busy' : 'stayed busy'} ${(busyMs / 1000).toFixed(1)} s after the ${what} answered${stillBusy ? ': going on' : ''}`);
  return { partSeconds, seconds: partSeconds.reduce((a, b) => a + b, 0), busyAfterS: busyMs / 1000, stillBusy, applied };
}

/**
 * Waits until process `pid` used less than `idlePercent` of one core over the last second (from /proc, so a
 * blocked event loop in the gateway does not delay the answer); returns how long that took, ms. Gives up after
 * `timeoutMs` and returns the time waited.
 */
export async function waitIdle(pid: number, idlePercent = 10, timeoutMs = 3_600_000): Promise<number> {
  const t0 = performance.now();
  const samples: { t: number; cpu: number }[] = [];
  for (;;) {
    samples.push({ t: performance.now(), cpu: cpuSeconds(pid) });
    while (samples.length > 1 && samples[samples.length - 1]!.t - samples[1]!.t >= 1000) samples.shift();
    const [a, b] = [samples[0]!, samples[samples.length - 1]!];
    if (b.t - a.t >= 1000 && ((b.cpu - a.cpu) / ((b.t - a.t) / 1000)) * 100 < idlePercent) return Math.max(0, b.t - t0 - 1000);
    if (b.t - t0 > timeoutMs) return b.t - t0;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A database file and its WAL, bytes. */
export async function dbBytes(dir: string, name: string): Promise<number> {
  let n = 0;
  for (const f of await readdir(dir)) if (f === name || f === `${name}-wal`) n += (await stat(join(dir, f))).size;
  return n;
}
