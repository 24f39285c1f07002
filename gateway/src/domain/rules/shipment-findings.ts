/**
 * A shipment judged over its trackers' custody (docs/rules.md, "Transit"): shock (warning at 25 g, major at
 * 50 g), free fall, vibration (Grms above 0.73 for 5 min) and tracker data gaps (docs/domain.md §2-3). Each
 * tracker's series is judged on its own; the flags are their union. Pure.
 */
import type { Finding, Related, Severity } from '../flags/types.js';
import type { Limit } from '../registry/types.js';
import { evaluateLimit } from './excursions.js';
import type { LegSeries } from './batch-findings.js';

export interface TransitRule {
  readonly name: string;
  readonly limit: Limit;
  readonly severity: Severity;
  readonly title: string;
}

/** Defaults of docs/domain.md §2: impact ratings (ordinary handling reaches 25 g), free fall, truck vibration. */
export const TRANSIT_RULES: readonly TransitRule[] = [
  { name: 'shock', limit: { metric: 'shock.peak', bound: 'upper', value: 25, alarm: 'instant' }, severity: 'warning', title: 'shock of 25 g or more' },
  { name: 'shock', limit: { metric: 'shock.peak', bound: 'upper', value: 50, alarm: 'instant' }, severity: 'major', title: 'shock of 50 g or more' },
  { name: 'free-fall', limit: { metric: 'freefall.duration', bound: 'upper', value: 100, alarm: 'instant' }, severity: 'major', title: 'free fall of 100 ms or more' },
  { name: 'vibration', limit: { metric: 'vibration.grms', bound: 'upper', value: 0.73, alarm: 'consecutive', delayMin: 5 }, severity: 'warning', title: 'vibration of 0.73 Grms or more for 5 min' },
];

export interface ShipmentInput {
  readonly shipment: string;
  /** The trackers' held series of the transit metrics, one per tracker, metric and custody leg. */
  readonly series: readonly LegSeries[];
  /** Device times of every reading of the shipment's trackers while on it (any metric), and the legs they cover. */
  readonly heartbeats: readonly number[];
  readonly legs: readonly { readonly fromMs: number; readonly toMs: number }[];
  readonly gapThresholdMin: number;
  readonly orders: readonly string[];
  readonly batches: readonly string[];
  readonly nowMs: number;
}

export function shipmentFindings(input: ShipmentInput): Finding[] {
  const out: Finding[] = [];
  for (const rule of TRANSIT_RULES) {
    const f = transitFinding(input, rule);
    if (f !== undefined) out.push(f);
  }
  const gap = gapFinding(input);
  if (gap !== undefined) out.push(gap);
  return out;
}

function related(input: ShipmentInput, devices: readonly string[]): Related {
  return { devices: [...new Set(devices)].sort(), zones: [], batches: [...input.batches].sort(), shipments: [input.shipment], orders: [...input.orders].sort() };
}

function transitFinding(input: ShipmentInput, rule: TransitRule): Finding | undefined {
  const found = [];
  const byDevice = new Map<string, LegSeries[]>();
  for (const s of input.series) if (s.metric === rule.limit.metric) byDevice.set(s.device, [...(byDevice.get(s.device) ?? []), s]);
  for (const [device, legs] of byDevice) {
    const held = legs.flatMap((l) => l.held).sort((a, b) => a.t - b.t);
    const f = evaluateLimit(held, rule.limit);
    if (f !== undefined) found.push({ device, f });
  }
  if (found.length === 0) return undefined;
  const episodes = found.flatMap(({ device, f }) => f.episodes.map((e) => ({ ...e, device }))).sort((a, b) => a.startMs - b.startMs || (a.device < b.device ? -1 : 1));
  const l = rule.limit;
  return {
    rule: `${rule.name}/${l.metric}/${l.value}/${l.alarm}${l.delayMin !== undefined ? `/${l.delayMin}` : ''}`, params: { ...l }, subject: { kind: 'shipment', id: input.shipment },
    severity: rule.severity, title: rule.title, startMs: Math.min(...episodes.map((e) => e.startMs)), endMs: Math.max(...episodes.map((e) => e.endMs)),
    // A shock or a fall is an event, not a state: it never "still holds" (a vibration run does).
    metAtMs: Math.min(...found.map((x) => x.f.metAtMs)), active: l.alarm !== 'instant' && found.some((x) => x.f.active), episodes,
    figures: { events: episodes.length, max: Math.max(...found.map((x) => x.f.max)) }, related: related(input, found.map((x) => x.device)),
  };
}

/** A shipment's tracker coverage: its silences longer than the gap threshold, and the time covered of the time on it. */
export interface TrackerCoverage {
  readonly gaps: readonly { readonly fromMs: number; readonly toMs: number }[];
  readonly coveredMs: number;
  readonly totalMs: number;
}

/**
 * The time trackers rode on the shipment (its legs, up to now) and the part of it covered by their readings: a
 * silence up to the gap threshold counts as covered, a longer one is a gap (between readings, from a leg's start to
 * its first reading, from the last reading to the leg's end or to now).
 */
export function trackerCoverage(input: Pick<ShipmentInput, 'heartbeats' | 'legs' | 'gapThresholdMin' | 'nowMs'>): TrackerCoverage {
  const threshold = input.gapThresholdMin * 60_000;
  const times = [...new Set(input.heartbeats)].sort((a, b) => a - b);
  const gaps: { fromMs: number; toMs: number }[] = [];
  let covered = 0;
  let total = 0;
  for (const leg of input.legs) {
    const end = Math.min(leg.toMs, input.nowMs);
    if (end <= leg.fromMs) continue;
    total += end - leg.fromMs;
    let last = leg.fromMs;
    for (const t of times) {
      if (t < leg.fromMs || t >= end) continue;
      if (t - last > threshold) gaps.push({ fromMs: last, toMs: t });
      else covered += t - last;
      last = t;
    }
    if (end - last > threshold) gaps.push({ fromMs: last, toMs: end });
    else covered += end - last;
  }
  return { gaps, coveredMs: covered, totalMs: total };
}

/**
 * Tracker silence longer than the shipment's gap threshold while a tracker rides on it (trackerCoverage): a flag,
 * still open while the last silence goes on.
 */
function gapFinding(input: ShipmentInput): Finding | undefined {
  const threshold = input.gapThresholdMin * 60_000;
  const { gaps, coveredMs: covered, totalMs: total } = trackerCoverage(input);
  if (gaps.length === 0) return undefined;
  // A gap still open ends at its last reading until a reading closes it: the flag does not change while the
  // silence goes on (no update every time it is judged), and is cleared by the next reading.
  const open = gaps.filter((g) => g.toMs >= input.nowMs);
  const closed = gaps.filter((g) => g.toMs < input.nowMs);
  const figures: Record<string, number> = { gaps: gaps.length, longestClosedMin: Math.round(Math.max(0, ...closed.map((g) => g.toMs - g.fromMs)) / 60_000) };
  if (open.length > 0) figures.silentSinceMs = Math.min(...open.map((g) => g.fromMs));
  // Coverage changes with every minute of an open silence: stated once the gaps are closed.
  else figures.coveragePercent = total > 0 ? Math.round((covered / total) * 10_000) / 100 : 0;
  return {
    rule: `data-gap/${input.gapThresholdMin}`, params: { gapThresholdMin: input.gapThresholdMin }, subject: { kind: 'shipment', id: input.shipment },
    severity: 'warning', title: `no tracker reading for more than ${input.gapThresholdMin} min`,
    startMs: gaps[0]!.fromMs, endMs: Math.max(...closed.map((g) => g.toMs), ...open.map((g) => g.fromMs)), metAtMs: gaps[0]!.fromMs + threshold, active: open.length > 0,
    // Episodes of a gap carry no readings: the evidence is the silence itself, from the last reading to the next.
    episodes: [],
    figures,
    related: related(input, input.series.map((s) => s.device)),
  };
}
