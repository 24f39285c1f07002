/** Runs store retention on a schedule (hourly by default), with time from the injected Clock. */
import type { Logger } from 'pino';
import type { Retention } from '../ports/retention.js';
import type { Clock } from '../ports/clock.js';

const DAY_MS = 86_400_000;

export interface RetentionJobOptions {
  /** Raw retention, days; 0 disables the job. */
  readonly rawDays: number;
  /** Rollup retention, days; 0 keeps rollups forever. */
  readonly rollupDays: number;
  /** How often to run, ms. Default 1 h. */
  readonly intervalMs?: number;
}

export function startRetentionJob(retention: Retention, o: RetentionJobOptions, clock: Clock, log: Logger): { stop(): void } {
  if (o.rawDays === 0) return { stop: () => undefined };
  const run = (): void => {
    const now = clock.now();
    try {
      const res = retention.apply(now - o.rawDays * DAY_MS, o.rollupDays > 0 ? now - o.rollupDays * DAY_MS : undefined);
      log.info({ ...res, rawDays: o.rawDays, rollupDays: o.rollupDays }, 'retention applied');
    } catch (e) {
      log.error({ err: e }, 'retention failed; will retry at the next run');
    }
  };
  run();
  const timer = setInterval(run, o.intervalMs ?? 3_600_000);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
