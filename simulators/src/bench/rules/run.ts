/**
 * `npm run bench -- --rules` (issue #15): rule evaluation throughput on one core, ingest with custody and rules on
 * against both off, flag latency at half of peak, and a 48 h, 100-device replay. Writes
 * <out>/<time>-rules-<mode>.json and .md. Figures only: no verdict depends on how fast this machine is.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { cpus, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchMode } from '../shapes.js';
import { REGISTRY_SIZES, type Kind, type RegistrySize } from '../registry/generate.js';
import { compareRules, type RulesIngest } from './ingest.js';
import { GIVE_UP_MS, LATENCY_SIZES, measureFlagLatency, type FlagLatency } from './latency.js';
import { measureReplay, type ReplayResult } from './replay.js';
import { rulesMarkdown } from './report.js';
import { buildTemplate } from './template.js';
import { measureThroughput, type ThroughputResult } from './throughput.js';

/** Time per rule family in part 1, ms. */
export const THROUGHPUT_MS: Record<BenchMode, number> = { smoke: 100, quick: 2000, full: 10_000 };
/**
 * The registry of the gateway parts. Full takes the quick size (20,000 batches): the full one (200,000) takes minutes
 * to import and copy into each run's data directory, and the parts measure ingest and latency, not the registry's size.
 */
export const RULES_REGISTRY: Record<BenchMode, RegistrySize> = { smoke: REGISTRY_SIZES.smoke, quick: REGISTRY_SIZES.quick, full: REGISTRY_SIZES.quick };

export interface Target {
  readonly figure: string;
  readonly measured: string;
  readonly target: string;
  readonly met: boolean;
}

export interface RulesBenchReport {
  readonly mode: BenchMode;
  readonly startedAt: string;
  readonly durationS: number;
  readonly machine: { cpus: number; cpuModel: string; memGiB: number; node: string; kernel: string };
  readonly gatewayBuild: string;
  readonly throughput: ThroughputResult;
  readonly registry: { readonly counts: Record<Kind, number>; readonly importSeconds: number };
  readonly ingest: readonly RulesIngest[];
  readonly latency: FlagLatency;
  readonly replay: ReplayResult;
  readonly targets: readonly Target[];
}

export async function runRulesBench(o: { mode: BenchMode; startedAt: Date; log: (s: string) => void }): Promise<RulesBenchReport> {
  const { mode, log } = o;
  log(`rule evaluation throughput, one core, ${THROUGHPUT_MS[mode] / 1000} s per family`);
  const throughput = measureThroughput(THROUGHPUT_MS[mode], log);
  const template = await buildTemplate(RULES_REGISTRY[mode], LATENCY_SIZES[mode].probes, log);
  let ingest: RulesIngest[];
  let latency: FlagLatency;
  try {
    ingest = await compareRules(mode, template.dir, log);
    const single = ingest.find((x) => x.shape === 'single-qos1');
    if (single === undefined) throw new Error('no single-reading shape in the ingest comparison');
    latency = await measureFlagLatency(mode, template.dir, single.rulesMessagesPerS, log);
  } finally {
    await rm(template.dir, { recursive: true, force: true });
  }
  const replay = await measureReplay(mode, log);
  const pct = (x: number): string => `${Math.round(x * 1000) / 10} %`;
  const targets: Target[] = [
    ...ingest.map((x) => ({ figure: `${x.shape}: readings/s custody and rules on / off`, measured: `${pct(x.ratio)} (CPU per reading: ${pct(x.cpuRatio)})`, target: '>= 85 %', met: x.ratio >= 0.85 && x.countsOk })),
    { figure: 'flag latency p99 at half of peak, PUBACK -> visible in the API', measured: latency.ackToVisible.p99 === null ? `> ${GIVE_UP_MS / 1000} s (${latency.missing} of ${latency.probes} probes never flagged)` : `${latency.ackToVisible.p99} ms`,
      target: '< 1 s', met: latency.missing === 0 && latency.ackToVisible.p99 !== null && latency.ackToVisible.p99 < 1000 },
    { figure: 'commit -> notification handed to the webhook p99 at half of peak, PUBACK -> received (issue #22)', measured: latency.ackToNotified.p99 === null ? `> ${GIVE_UP_MS / 1000} s (${latency.notifyMissing} of ${latency.probes} probes never notified)` : `${latency.ackToNotified.p99} ms`,
      target: '< 2 s', met: latency.notifyMissing === 0 && latency.ackToNotified.p99 !== null && latency.ackToNotified.p99 < 2000 },
    { figure: `replay of ${replay.size.hours} h, ${replay.devices} devices`, measured: `${replay.seconds} s`, target: '< 10 s', met: replay.countsOk && replay.seconds < 10 },
  ];
  return {
    mode, startedAt: o.startedAt.toISOString(), durationS: Math.round((Date.now() - o.startedAt.getTime()) / 100) / 10,
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', memGiB: Math.round(totalmem() / 2 ** 30), node: process.version, kernel: release() },
    gatewayBuild: gatewayCommit(), throughput, registry: { counts: template.counts, importSeconds: template.importSeconds }, ingest, latency, replay, targets,
  };
}

/** The commit checked out and whether the gateway's sources differ from it (the bench measures the build). */
function gatewayCommit(): string {
  const cwd = fileURLToPath(new URL('../../../../', import.meta.url));
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const changed = execFileSync('git', ['status', '--porcelain', '--', 'gateway/src', 'contract/src'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return changed === '' ? `commit ${head}` : `commit ${head} with ${changed.split('\n').length} uncommitted gateway/contract files`;
  } catch {
    return 'an unknown commit (not a git checkout)';
  }
}

/** Writes the report as <out>/<time>-rules-<mode>.json and .md; returns the Markdown. */
export async function writeRulesReport(r: RulesBenchReport, out: string): Promise<{ stem: string; md: string }> {
  await mkdir(out, { recursive: true });
  const stem = join(out, `${r.startedAt.replace(/[:.]/g, '-')}-rules-${r.mode}`);
  await writeFile(`${stem}.json`, `${JSON.stringify(r, null, 2)}\n`);
  const md = rulesMarkdown(r);
  await writeFile(`${stem}.md`, md);
  return { stem, md };
}
