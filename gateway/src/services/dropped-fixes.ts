/**
 * GPS fixes the rules drop as invalid (docs/rules.md, "GPS"), counted for /metrics
 * (`coldtrace_rules_gps_fixes_dropped_total{reason}`). Every judgement of a shipment goes over its whole track again,
 * so a judgement counts only the drops it finds beyond those of the shipment's previous judgement in this process:
 * each dropped fix once, however often its shipment is judged (after a restart the first judgement counts them all
 * again, as a counter that starts over).
 */
import type { GpsResult } from '../domain/rules/gps.js';

/** Most shipments remembered; beyond, the memory starts again (their drops may then be counted once more). */
const MAX_SHIPMENTS = 100_000;

export class DroppedFixes {
  private readonly last = new Map<string, ReadonlyMap<string, number>>();

  constructor(private readonly count: (reason: string, n: number) => void = () => undefined) {}

  judged(shipment: string, dropped: GpsResult['dropped']): void {
    const before = this.last.get(shipment);
    const now = new Map(dropped.map((d) => [d.reason as string, d.count]));
    for (const [reason, n] of now) {
      const more = n - (before?.get(reason) ?? 0);
      if (more > 0) this.count(reason, more);
    }
    if (this.last.size >= MAX_SHIPMENTS) this.last.clear();
    this.last.set(shipment, now);
  }
}
