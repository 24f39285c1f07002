/**
 * Latency of the custody questions over HTTP, one request at a time (what one operator or one integration sees):
 * an order's timeline, and the evidence readings behind an order.
 */
import { LatencyHistogram, seededRandom } from '../../load/index.js';
import { http } from './document-file.js';

export interface QueryLatency {
  readonly count: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
  readonly mean: number;
  /** Answers other than 200. */
  readonly errors: number;
  readonly firstError?: string;
}

export interface TimelineResult extends QueryLatency {
  readonly warmup: number;
  /** Events per timeline, mean. */
  readonly eventsMean: number;
}

export interface EvidenceResult extends QueryLatency {
  readonly warmup: number;
  readonly limit: number;
  /** Readings per answer, mean; answers cut by the limit; answers with at least one reading. */
  readonly readingsMean: number;
  readonly truncated: number;
  readonly withReadings: number;
  /** Custody segments (device, location, time range) per order, mean. */
  readonly segmentsMean: number;
}

function summary(h: LatencyHistogram, errors: number, firstError: string | undefined): QueryLatency {
  const s = h.summary();
  const r = (x: number): number => Math.round(x * 100) / 100;
  return { count: s.count, p50: s.p50, p95: r(h.quantile(0.95)), p99: s.p99, max: s.max, mean: s.mean, errors, ...(firstError !== undefined ? { firstError } : {}) };
}

/** `n` ids drawn (with repetition) from `ids` by a seeded PRNG. */
export function pick(ids: readonly string[], n: number, seed: number): string[] {
  const rnd = seededRandom(seed);
  return Array.from({ length: n }, () => ids[Math.floor(rnd() * ids.length)]!);
}

/** GET /api/v1/orders/:id/timeline for `warmup` orders (not counted), then for `count` others, sequentially. */
export async function timelineLatency(httpUrl: string, orderIds: readonly string[], warmup: number, count: number, seed: number): Promise<TimelineResult> {
  const ids = pick(orderIds, warmup + count, seed);
  const h = new LatencyHistogram();
  let errors = 0;
  let firstError: string | undefined;
  let events = 0;
  for (let i = 0; i < ids.length; i++) {
    const a = await http('GET', `${httpUrl}/api/v1/orders/${encodeURIComponent(ids[i]!)}/timeline`);
    if (i < warmup) continue;
    h.record(a.ms);
    if (a.status !== 200) {
      errors++;
      firstError ??= `${a.status} ${JSON.stringify(a.body).slice(0, 200)}`;
    } else events += (a.body as { events: unknown[] }).events.length;
  }
  return { ...summary(h, errors, firstError), warmup, eventsMean: Math.round((events / Math.max(1, count - errors)) * 10) / 10 };
}

/** GET /api/v1/evidence/orders/:id?limit=N for each of `ids`, sequentially, after `warmup` of them uncounted. */
export async function evidenceLatency(httpUrl: string, ids: readonly string[], warmup: number, limit: number): Promise<EvidenceResult> {
  const h = new LatencyHistogram();
  let errors = 0;
  let firstError: string | undefined;
  let readings = 0;
  let segments = 0;
  let truncated = 0;
  let withReadings = 0;
  for (let i = 0; i < ids.length; i++) {
    const a = await http('GET', `${httpUrl}/api/v1/evidence/orders/${encodeURIComponent(ids[i]!)}?limit=${limit}`);
    if (i < warmup) continue;
    h.record(a.ms);
    if (a.status !== 200) {
      errors++;
      firstError ??= `${a.status} ${JSON.stringify(a.body).slice(0, 200)}`;
      continue;
    }
    const b = a.body as { readings: unknown[]; segments: unknown[]; truncated: boolean };
    readings += b.readings.length;
    segments += b.segments.length;
    if (b.truncated) truncated++;
    if (b.readings.length > 0) withReadings++;
  }
  const n = Math.max(1, ids.length - warmup - errors);
  return {
    ...summary(h, errors, firstError), warmup, limit, readingsMean: Math.round(readings / n), truncated, withReadings, segmentsMean: Math.round((segments / n) * 10) / 10,
  };
}
