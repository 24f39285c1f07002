/**
 * A device whose clock runs ahead (docs/domain.md §1): its readings more than the tolerance ahead of their receive
 * time are stored flagged `clock_skew` and judged by no rule until corrected. That is a hole in the evidence of
 * everything the device watches, so the device gets a flag of its own: raised with its first skewed reading,
 * active while its latest reading is skewed, cleared by the first reading on time again (a corrected clock). Times
 * here are receive times: the device's own are the thing in doubt.
 */
import type { Finding, Related } from '../flags/types.js';

/** The default tolerance, ms (docs/domain.md §1: 5 min). */
export const CLOCK_SKEW_TOLERANCE_MS = 5 * 60_000;

/** One reading of the device: device time, receive time, and whether it was stored as skewed. */
export interface SkewSample {
  readonly time: number;
  readonly receivedAt: number;
  readonly skewed: boolean;
}

const round1 = (x: number): number => Math.round(x * 10) / 10;

/** The device's clock-skew finding over its readings (any order), or undefined when none was skewed. */
export function clockSkewFinding(device: string, readings: readonly SkewSample[], related: Related, toleranceMs = CLOCK_SKEW_TOLERANCE_MS): Finding | undefined {
  const skewed = readings.filter((r) => r.skewed);
  if (skewed.length === 0) return undefined;
  // By receive time, then device time: the order the gateway met them in, the same however they are listed.
  const byReceipt = [...readings].sort((a, b) => a.receivedAt - b.receivedAt || a.time - b.time);
  const lead = (r: SkewSample): number => r.time - r.receivedAt;
  const first = skewed.reduce((a, b) => (b.receivedAt < a.receivedAt || (b.receivedAt === a.receivedAt && b.time < a.time) ? b : a));
  const last = byReceipt.filter((r) => r.skewed).at(-1)!;
  const minutes = toleranceMs / 60_000;
  return {
    rule: `clock-skew/${minutes}`, params: { toleranceMin: minutes }, subject: { kind: 'device', id: device }, severity: 'warning',
    title: `device clock more than ${minutes} min ahead: its readings are kept but judged by no rule`,
    startMs: first.receivedAt, endMs: last.receivedAt, metAtMs: first.receivedAt, active: byReceipt.at(-1)!.skewed, episodes: [],
    figures: {
      skewedReadings: skewed.length, readings: readings.length,
      maxLeadMin: round1(Math.max(...skewed.map(lead)) / 60_000), lastLeadMin: round1(lead(last) / 60_000),
    },
    related,
  };
}
