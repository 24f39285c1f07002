/**
 * A batch judged over its whole custody (docs/rules.md): excursions per limit of its product (each sensor's series
 * on its own, the flags their union), MKT windows, and kinetic shelf life (per custody leg, the sensor with the
 * highest consumption). Pure: the input is what the store and the registry hold, the output the findings.
 */
import type { Location } from '../custody/spans.js';
import type { Episode, Finding, Related, Severity } from '../flags/types.js';
import type { Limit, Product } from '../registry/types.js';
import { evaluateLimit, type LimitFinding } from './excursions.js';
import { rollingMkt } from './kinetics.js';
import { consumedFraction, shelfLifeState, type ShelfLifeState } from './shelf-life.js';
import type { HeldSample } from './step-hold.js';
import { zoneGapFinding, type ZoneLeg } from './zone-gaps.js';

/** One sensor's held readings of one metric over one custody leg of the batch. */
export interface LegSeries {
  readonly device: string;
  readonly location: Location;
  /** The batch placement (custody leg) this stretch belongs to. */
  readonly placement: string;
  readonly metric: string;
  readonly held: readonly HeldSample[];
  /** Held time before this does not count (shipment start ignore period), ms. */
  readonly ignoreBeforeMs?: number;
  /**
   * Held samples before this come from the held hours retention kept (held-hours.ts): good for MKT, shelf life and
   * coverage, not for excursions (the order within each hour is not known), ms.
   */
  readonly rolledBeforeMs?: number;
}

export interface BatchInput {
  readonly batch: string;
  readonly product: Product;
  readonly series: readonly LegSeries[];
  /** Orders with a line of the batch, with their promised delivery and minimum remaining life. */
  readonly orders: readonly { readonly id: string; readonly promisedDeliveryMs: number; readonly minRemainingShelfLifeDays: number }[];
  readonly nowMs: number;
  /** The batch's stays in zones: time no zone sensor covered is a hole in its evidence (zone-gaps.ts). */
  readonly zoneLegs?: readonly ZoneLeg[];
}

const DAY_MS = 86_400_000;

export function batchFindings(input: BatchInput): Finding[] {
  const findings: Finding[] = [];
  for (const limit of input.product.limits) {
    const f = excursionFinding(input, limit);
    if (f !== undefined) findings.push(f);
  }
  for (const w of input.product.mkt) {
    const f = mktFinding(input, w.windowH, w.limitC, w.activationK);
    if (f !== undefined) findings.push(f);
  }
  const sl = shelfLifeFinding(input);
  if (sl !== undefined) findings.push(sl);
  const gap = input.zoneLegs === undefined ? undefined : zoneGapFinding(input, input.zoneLegs);
  if (gap !== undefined) findings.push(gap);
  return findings;
}

function unique(xs: Iterable<string>): string[] {
  return [...new Set(xs)].sort();
}

/** What a finding over `devices` touches. */
function related(input: BatchInput, devices: readonly string[]): Related {
  const legs = input.series.filter((s) => devices.includes(s.device));
  return {
    devices: unique(devices), zones: unique(legs.filter((s) => s.location.kind === 'zone').map((s) => s.location.id)),
    batches: [input.batch], shipments: unique(legs.filter((s) => s.location.kind === 'shipment').map((s) => s.location.id)),
    orders: unique(input.orders.map((o) => o.id)),
  };
}

/**
 * Each sensor's legs of a metric joined in time order (a sensor's legs never overlap: it is in one place at a
 * time), each leg without its ignore period (held time before `ignoreBeforeMs` neither counts nor offends; a held
 * sample straddling it counts from it); `rawOnly`: also without its held hours from retention (excursions).
 */
function bySensor(input: BatchInput, metric: string, o: { rawOnly?: boolean } = {}): Map<string, { held: HeldSample[] }> {
  const out = new Map<string, { held: HeldSample[] }>();
  for (const s of input.series) {
    if (s.metric !== metric) continue;
    const e = out.get(s.device) ?? { held: [] };
    const ignore = Math.max(s.ignoreBeforeMs ?? -Infinity, o.rawOnly === true ? (s.rolledBeforeMs ?? -Infinity) : -Infinity);
    // A loop, not push(...): a week of 5-second readings is more arguments than a call takes.
    for (const h of s.held) {
      if (h.t + h.dt <= ignore) continue;
      e.held.push(h.t >= ignore ? h : { t: ignore, v: h.v, dt: h.t + h.dt - ignore });
    }
    out.set(s.device, e);
  }
  for (const e of out.values()) e.held.sort((a, b) => a.t - b.t);
  return out;
}

function minOf(xs: readonly number[]): number {
  let m = Infinity;
  for (const x of xs) if (x < m) m = x;
  return m;
}

function maxOf(xs: readonly number[]): number {
  let m = -Infinity;
  for (const x of xs) if (x > m) m = x;
  return m;
}

function limitTitle(l: Limit): string {
  const op = l.bound === 'upper' ? '≥' : '≤';
  const how = l.alarm === 'instant' ? 'a reading' : l.alarm === 'consecutive' ? `${l.delayMin ?? 0} min without a break` : `${l.budgetMin ?? 0} min in all`;
  return `${l.metric} ${op} ${l.value}: ${how} (${l.alarm})`;
}

/** The rule key of an excursion limit (docs/rules.md). */
export function excursionRule(limit: Limit): string {
  return `excursion/${limit.metric}/${limit.bound}/${limit.value}/${limit.alarm}${limit.alarm === 'consecutive' ? `/${limit.delayMin}` : limit.alarm === 'cumulative' ? `/${limit.budgetMin}` : ''}`;
}

/** The rule key of an MKT window's limit. */
export function mktRule(w: { readonly windowH: number; readonly limitC: number }): string {
  return `mkt/${w.windowH}h/${w.limitC}`;
}

function excursionFinding(input: BatchInput, limit: Limit): Finding | undefined {
  const found: { device: string; f: LimitFinding }[] = [];
  for (const [device, s] of bySensor(input, limit.metric, { rawOnly: true })) {
    const f = evaluateLimit(s.held, limit);
    if (f !== undefined) found.push({ device, f });
  }
  if (found.length === 0) return undefined;
  const episodes: Episode[] = found.flatMap(({ device, f }) => f.episodes.map((e) => ({ ...e, device }))).sort((a, b) => a.startMs - b.startMs || (a.device! < b.device! ? -1 : 1));
  const rule = excursionRule(limit);
  const worst = found.reduce((a, b) => (b.f.totalBeyondMs > a.f.totalBeyondMs ? b : a));
  return {
    rule, params: { ...limit }, subject: { kind: 'batch', id: input.batch }, severity: 'major', title: limitTitle(limit),
    startMs: minOf(episodes.map((e) => e.startMs)), endMs: maxOf(episodes.map((e) => e.endMs)),
    metAtMs: minOf(found.map((x) => x.f.metAtMs)), active: found.some((x) => x.f.active), episodes,
    figures: {
      totalBeyondMin: round(worst.f.totalBeyondMs / 60_000), min: minOf(found.map((x) => x.f.min)), max: maxOf(found.map((x) => x.f.max)),
      twa: round(worst.f.twa), ...(worst.f.mkt !== undefined ? { mkt: round(worst.f.mkt) } : {}),
    },
    related: related(input, found.map((x) => x.device)),
  };
}

function mktFinding(input: BatchInput, windowH: number, limitC: number, activationK: number | undefined): Finding | undefined {
  let worst: { device: string; endMs: number; mktC: number } | undefined;
  for (const [device, s] of bySensor(input, 'temperature')) {
    const w = rollingMkt(s.held, windowH * 3_600_000, activationK, { fullWindowsOnly: true }).worst;
    if (w !== undefined && (worst === undefined || w.mktC > worst.mktC)) worst = { device, ...w };
  }
  if (worst === undefined || worst.mktC <= limitC) return undefined;
  return {
    rule: mktRule({ windowH, limitC }), params: { windowH, limitC, activationK: activationK ?? 10_000 }, subject: { kind: 'batch', id: input.batch },
    severity: 'major', title: `mean kinetic temperature over ${windowH} h above ${limitC} °C`,
    startMs: worst.endMs - windowH * 3_600_000, endMs: worst.endMs, metAtMs: worst.endMs, active: false, episodes: [],
    figures: { mkt: round(worst.mktC), windowEndMs: worst.endMs, device: worst.device }, related: related(input, [worst.device]),
  };
}

/** A batch's kinetic shelf-life state over its whole custody, and the sensors it was judged on. */
export interface BatchShelfLife {
  readonly state: ShelfLifeState;
  readonly devices: readonly string[];
  /** First and last held instants judged, ms. */
  readonly startMs: number;
  readonly endMs: number;
  /** Time of the last reading judged, ms. */
  readonly lastReadingMs: number;
}

/**
 * The batch's shelf life (docs/rules.md): per custody leg the sensor that consumed the most life (conservative), the
 * legs added up; undefined without a shelf-life model or without readings. "Now" of the dynamic expiry is the end
 * of the data judged: the same readings give the same expiry whenever they are judged (live, that end is within a
 * reading interval of the wall clock).
 */
export function batchShelfLife(input: BatchInput): BatchShelfLife | undefined {
  const model = input.product.shelfLife;
  if (model === undefined) return undefined;
  const legs = new Map<string, LegSeries[]>();
  for (const s of input.series) if (s.metric === 'temperature') legs.set(s.placement, [...(legs.get(s.placement) ?? []), s]);
  const chosen: LegSeries[] = [];
  for (const list of legs.values()) chosen.push(list.reduce((a, b) => (consumedFraction(model, b.held) > consumedFraction(model, a.held) ? b : a)));
  const held: HeldSample[] = [];
  for (const s of chosen) for (const h of s.held) held.push(h);
  held.sort((a, b) => a.t - b.t);
  if (held.length === 0) return undefined;
  // The order that needs the most life left decides when the dynamic expiry is too early.
  const strictest = [...input.orders].sort((a, b) => (b.promisedDeliveryMs + b.minRemainingShelfLifeDays * DAY_MS) - (a.promisedDeliveryMs + a.minRemainingShelfLifeDays * DAY_MS))[0];
  const last = held[held.length - 1]!;
  const state = shelfLifeState({
    model, storageTempC: input.product.storageTempC, held, nowMs: last.t + last.dt,
    ...(strictest !== undefined ? { promisedDeliveryMs: strictest.promisedDeliveryMs, minRemainingShelfLifeDays: strictest.minRemainingShelfLifeDays } : {}),
  });
  return { state, devices: unique(chosen.map((s) => s.device)), startMs: held[0]!.t, endMs: last.t + last.dt, lastReadingMs: last.t };
}

function shelfLifeFinding(input: BatchInput): Finding | undefined {
  const model = input.product.shelfLife;
  const sl = batchShelfLife(input);
  if (model === undefined || sl === undefined) return undefined;
  const { state } = sl;
  if (state.level === 'ok') return undefined;
  const severity: Severity = state.level;
  return {
    rule: `shelf-life/${model.model}`, params: { ...model, storageTempC: input.product.storageTempC }, subject: { kind: 'batch', id: input.batch },
    severity, title: `shelf life ${state.level}: ${state.reasons.join('; ')}`,
    startMs: sl.startMs, endMs: sl.endMs, metAtMs: sl.lastReadingMs, active: true, episodes: [],
    figures: { consumedPercent: round(state.consumed * 100), lossPercent: round(state.loss * 100), remainingDays: round(state.remainingDays), dynamicExpiry: Number.isFinite(state.dynamicExpiryMs) ? new Date(state.dynamicExpiryMs).toISOString() : 'never' },
    related: related(input, sl.devices),
  };
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
