/**
 * Part 1: rule evaluation throughput on one core. The gateway's pure rule functions run in this process, on the
 * scenarios' series, each family on its own and all together (step-hold included), repeated for a time budget after a
 * warm-up. Readings are those the family reads: the batch's temperature readings, the shipment's transit readings
 * (shock, vibration, free fall; every reading of the tracker counts as a heartbeat for the data-gap rule), its GPS
 * readings (a fix is a lat and a lon reading).
 */
import { performance } from 'node:perf_hooks';
import { batchInput, batchScenario, held, KNOWN, pharmaProduct, RELATED, ROUTE, shipmentInput, shipmentScenario, type RawSeries } from './scenarios.js';
import { batchFindings, gpsFindings, pairFixes, shipmentFindings, type Finding, type Product } from './gateway-domain.js';

export interface FamilyResult {
  readonly family: string;
  readonly what: string;
  readonly readingsPerCall: number;
  readonly calls: number;
  readonly msPerCall: number;
  readonly readingsPerS: number;
  readonly nsPerReading: number;
  /** Rule keys of the findings of one call (none for MKT and shelf life: the batch stays within them). */
  readonly rules: readonly string[];
}

export interface ThroughputResult {
  readonly msPerFamily: number;
  readonly batchReadings: number;
  readonly shipmentReadings: number;
  readonly gpsFixes: number;
  readonly families: readonly FamilyResult[];
}

const count = (xs: readonly RawSeries[]): number => xs.reduce((n, r) => n + r.samples.length, 0);

/** Runs `fn` for a warm-up, then for at least `ms`; returns calls and time per call. */
function time(fn: () => unknown, ms: number): { calls: number; msPerCall: number } {
  const warm = performance.now();
  while (performance.now() - warm < Math.min(500, ms / 4)) fn();
  let calls = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < ms) {
    fn();
    calls++;
    t = performance.now();
  }
  return { calls, msPerCall: (t - t0) / calls };
}

export function measureThroughput(msPerFamily: number, log: (s: string) => void): ThroughputResult {
  const batchRaw = batchScenario();
  const ship = shipmentScenario();
  const product = pharmaProduct();
  const { shelfLife: _s, ...noShelfLife } = product;
  const variants: Record<'excursions' | 'mkt' | 'shelf' | 'all', Product> = {
    excursions: { ...noShelfLife, mkt: [] }, mkt: { ...noShelfLife, limits: [] }, shelf: { ...product, limits: [], mkt: [] }, all: product,
  };
  const batch = batchInput(batchRaw, product);
  const shipment = shipmentInput(ship);
  const transitRaw = ship.transit.filter((r) => r.metric !== 'temperature');
  const gpsInput = (fixes: ReturnType<typeof pairFixes>) => ({ shipment: 'SH-1', mode: 'road' as const, fixes, route: ROUTE, corridorM: 5000, known: KNOWN, nowMs: ship.toMs, related: RELATED });
  const gps = (): Finding[] => gpsFindings(gpsInput(pairFixes(ship.lat.samples, ship.lon.samples, 'trk-1'))).findings;
  const batchReadings = count(batchRaw);
  const gpsReadings = count([ship.lat, ship.lon]);
  // Every reading the tracker sent while on the shipment is a heartbeat of the data-gap rule.
  const shipmentReadings = count([...ship.transit, ship.lat, ship.lon]);
  const allRaw = [...batchRaw, ...transitRaw];
  const together = (): Finding[] => [
    ...batchFindings(batchInput(batchRaw, product)),
    ...shipmentFindings({ ...shipment, series: transitRaw.map(held) }),
    ...gps(),
  ];
  const families: { family: string; what: string; readings: number; fn: () => Finding[] | unknown }[] = [
    { family: 'step-hold', what: 'raw readings -> held series (hold), every series of both subjects but GPS', readings: count(allRaw), fn: () => allRaw.map(held) },
    { family: 'excursions', what: 'batch: 2 limits of pharma-2-8 (> 8 °C 30 min, < 2 °C 15 min), 5 sensors over 3 legs', readings: batchReadings, fn: () => batchFindings({ ...batch, product: variants.excursions }) },
    { family: 'mkt', what: 'batch: MKT over rolling 24 h windows, each sensor', readings: batchReadings, fn: () => batchFindings({ ...batch, product: variants.mkt }) },
    { family: 'shelf-life', what: 'batch: Arrhenius kinetics, the most consuming sensor per leg', readings: batchReadings, fn: () => batchFindings({ ...batch, product: variants.shelf }) },
    { family: 'batch (all)', what: 'batchFindings with the whole product', readings: batchReadings, fn: () => batchFindings(batch) },
    { family: 'transit + data gaps', what: 'shipment: shock 25/50 g, free fall, vibration 5 min, data gaps (every tracker reading a heartbeat)', readings: shipmentReadings - gpsReadings, fn: () => shipmentFindings(shipment) },
    { family: 'gps', what: 'shipment: fixes paired, cleaned, route deviation, stops, geofence visits', readings: gpsReadings, fn: gps },
    { family: 'all together', what: 'step-hold + batch + transit + GPS, both subjects', readings: batchReadings + shipmentReadings, fn: together },
  ];
  const results: FamilyResult[] = [];
  for (const f of families) {
    const out = f.fn();
    const rules = Array.isArray(out) && out.every((x) => typeof x === 'object' && x !== null && 'rule' in x) ? [...new Set((out as Finding[]).map((x) => x.rule))].sort() : [];
    const { calls, msPerCall } = time(f.fn, msPerFamily);
    const r: FamilyResult = {
      family: f.family, what: f.what, readingsPerCall: f.readings, calls, msPerCall: Math.round(msPerCall * 1000) / 1000,
      readingsPerS: Math.round(f.readings / (msPerCall / 1000)), nsPerReading: Math.round((msPerCall * 1e6) / f.readings * 10) / 10, rules,
    };
    results.push(r);
    log(`  ${r.family}: ${r.readingsPerS.toLocaleString('en')} readings/s, ${r.nsPerReading} ns/reading (${r.readingsPerCall.toLocaleString('en')} readings, ${r.msPerCall} ms per call, ${calls} calls)${rules.length > 0 ? `; found ${rules.join(', ')}` : ''}`);
  }
  return { msPerFamily, batchReadings, shipmentReadings, gpsFixes: ship.lat.samples.length, families: results };
}
