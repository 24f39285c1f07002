/**
 * Runs store retention on a schedule (hourly by default), with time from the injected Clock. Each run gives the store
 * every registered device's max gap (3 × its nominal interval, at most 1 h), so the held hours kept of its temperature
 * hold each reading as the rules would have.
 */
import type { Logger } from 'pino';
import { maxGapMs } from '../domain/rules/step-hold.js';
import type { Retention } from '../ports/retention.js';
import type { Clock } from '../ports/clock.js';
import type { RegistryStore } from '../ports/registry.js';

const DAY_MS = 86_400_000;

export interface RetentionJobOptions {
  /** Raw retention, days; 0 disables the job. */
  readonly rawDays: number;
  /** Rollup retention, days; 0 keeps rollups forever. */
  readonly rollupDays: number;
  /** How often to run, ms. Default 1 h. */
  readonly intervalMs?: number;
}

export function startRetentionJob(retention: Retention, o: RetentionJobOptions, clock: Clock, log: Logger, registry?: RegistryStore): { stop(): void } {
  if (o.rawDays === 0) return { stop: () => undefined };
  const run = async (): Promise<void> => {
    try {
      const gaps = new Map((await registry?.list('devices', { limit: Number.MAX_SAFE_INTEGER }) ?? []).map((d) => [d.id, maxGapMs(d.intervalS)]));
      const now = clock.now();
      const res = retention.apply(now - o.rawDays * DAY_MS, o.rollupDays > 0 ? now - o.rollupDays * DAY_MS : undefined, { maxGapMs: (d) => gaps.get(d) ?? 3_600_000 });
      log.info({ ...res, rawDays: o.rawDays, rollupDays: o.rollupDays }, 'retention applied');
    } catch (e) {
      log.error({ err: e }, 'retention failed; will retry at the next run');
    }
  };
  void run();
  const timer = setInterval(() => void run(), o.intervalMs ?? 3_600_000);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
