/**
 * What a device is judged on (docs/rules.md, "Devices"): its readings received over the last day, as stored (the
 * skewed ones too: they are the evidence here), and what it watches now, for the flag's related subjects.
 */
import { clockSkewFinding } from '../domain/rules/clock-skew.js';
import type { Finding, Related } from '../domain/flags/types.js';
import { ReadingFlag } from '../domain/reading.js';
import type { RegistryStore } from '../ports/registry.js';
import { spanOfPlacement } from './custody.js';
import type { SeriesCache } from './series-cache.js';

/** A day of receipts: a skewed reading's device time lies ahead of its receipt, so [now - 1 day, ∞) of device time holds them all. */
export const SKEW_WINDOW_MS = 86_400_000;

export async function deviceFindings(registry: RegistryStore, cache: SeriesCache, device: string, nowMs: number): Promise<Finding[]> {
  const since = nowMs - SKEW_WINDOW_MS;
  const rows = await cache.deviceReadings(device, since, Number.MAX_SAFE_INTEGER);
  const readings = rows.filter((r) => r.receivedAt >= since).map((r) => ({ time: r.time, receivedAt: r.receivedAt, skewed: (r.flags & ReadingFlag.CLOCK_SKEW) !== 0 }));
  if (!readings.some((r) => r.skewed)) return [];
  const f = clockSkewFinding(device, readings, await watchedBy(registry, device, nowMs));
  return f === undefined ? [] : [f];
}

/** The zone or shipment the device is placed at now, the batches there and their orders. */
export async function watchedBy(registry: RegistryStore, device: string, nowMs: number): Promise<Related> {
  const zones: string[] = [];
  const shipments: string[] = [];
  const batches = new Set<string>();
  for (const p of await registry.placementsOf([`device:${device}`])) {
    const span = spanOfPlacement(p);
    if (span.fromMs > nowMs || span.toMs <= nowMs) continue;
    if (span.location.kind === 'zone') zones.push(span.location.id);
    else shipments.push(span.location.id);
    for (const b of await registry.placementsAt(span.location, nowMs, nowMs + 1, 'batch')) if (b.batch !== undefined) batches.add(b.batch);
  }
  const orders = await registry.ordersOf({ batches: [...batches], shipments });
  return { devices: [device], zones: zones.sort(), batches: [...batches].sort(), shipments: shipments.sort(), orders: [...orders].sort() };
}
