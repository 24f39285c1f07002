/**
 * Part 4: `node gateway/dist/cli/rules.js replay --registry R --readings F --at T --out flags.json` timed as a child
 * process, start to exit (reading the files, loading the registry and readings into a temporary store, judging
 * every batch, writing the flags).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { BenchMode } from '../shapes.js';
import { REPLAY_AT, writeReplayScenario, type ReplaySize } from './replay-scenario.js';

export const RULES_CLI = fileURLToPath(new URL('../../../../gateway/dist/cli/rules.js', import.meta.url));

/** The issue's scenario: 100 devices (70 zone sensors, 30 trackers), 48 h; smoke: 10 devices, 4 h. */
export const REPLAY_SIZES: Record<BenchMode, ReplaySize> = {
  smoke: { zoneSensors: 7, trackers: 3, hours: 4 },
  quick: { zoneSensors: 70, trackers: 30, hours: 48 },
  full: { zoneSensors: 70, trackers: 30, hours: 48 },
};

export interface ReplayResult {
  readonly size: ReplaySize;
  readonly devices: number;
  readonly batches: number;
  readonly readings: number;
  readonly readingsFileMiB: number;
  readonly generateMs: number;
  /** Child process start to exit, s, and readings / that. */
  readonly seconds: number;
  readonly readingsPerS: number;
  readonly flags: number;
  /** Flags per rule family (the part of the key before the first '/'). */
  readonly flagsByFamily: Record<string, number>;
  /** What the replay printed: batches judged and readings loaded agree with the files. */
  readonly countsOk: boolean;
}

export async function measureReplay(mode: BenchMode, log: (s: string) => void): Promise<ReplayResult> {
  if (!existsSync(RULES_CLI)) throw new Error(`${RULES_CLI} is missing: run 'npm run build' first`);
  const size = REPLAY_SIZES[mode];
  const dir = await mkdtemp(join(tmpdir(), 'ct-bench-rules-replay-'));
  try {
    const g0 = performance.now();
    const files = writeReplayScenario(size, dir);
    const generateMs = Math.round(performance.now() - g0);
    const readingsFileMiB = Math.round(((await stat(files.readings)).size / 2 ** 20) * 10) / 10;
    log(`replay: ${files.devices} devices, ${size.hours} h, ${files.readingCount.toLocaleString('en')} readings (${readingsFileMiB} MiB), ${files.batches} batches; generated in ${generateMs} ms`);
    const out = join(dir, 'flags.json');
    const args = [RULES_CLI, 'replay', '--registry', files.registry, '--readings', files.readings, '--at', new Date(REPLAY_AT).toISOString(), '--out', out];
    const t0 = performance.now();
    const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      child.stderr.on('data', (d: Buffer) => { err = (err + d.toString()).slice(-4000); });
      child.once('exit', (c) => resolve({ code: c, stderr: err }));
    });
    const seconds = (performance.now() - t0) / 1000;
    if (code !== 0) throw new Error(`replay exited ${code}: ${stderr}`);
    const result = JSON.parse(await readFile(out, 'utf8')) as { batches: number; readings: number; flags: { rule: string }[] };
    const flagsByFamily: Record<string, number> = {};
    for (const f of result.flags) {
      const family = f.rule.slice(0, f.rule.indexOf('/'));
      flagsByFamily[family] = (flagsByFamily[family] ?? 0) + 1;
    }
    const r: ReplayResult = {
      size, devices: files.devices, batches: files.batches, readings: files.readingCount, readingsFileMiB, generateMs,
      seconds: Math.round(seconds * 100) / 100, readingsPerS: Math.round(files.readingCount / seconds), flags: result.flags.length, flagsByFamily,
      countsOk: result.batches === files.batches && result.readings === files.readingCount,
    };
    log(`  ${r.seconds} s, ${r.readingsPerS.toLocaleString('en')} readings/s; ${r.flags} flags (${Object.entries(flagsByFamily).map(([k, n]) => `${k} ${n}`).join(', ')}); counts ${r.countsOk ? 'agree' : 'DO NOT agree'}`);
    return r;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
