/**
 * Silence is a finding too, and silence brings no reading to mark anything: every sweep the rules look for it.
 * - Shipments with a tracker on them now are judged, readings or not (a tracker that stopped reporting).
 * - Zone sensors are asked whether they have reported within their max gap (3 × the nominal interval, at most 1 h,
 *   docs/domain.md §1; one indexed query each). A zone whose sensor has just gone silent has its batches judged at
 *   once: the hole in their evidence is then a flag (domain/rules/zone-gaps.ts), not only when the next reading
 *   comes. Only the moment a sensor goes silent marks them (not every sweep while it stays silent); its next reading
 *   marks them again through the commit hook, which clears the flag.
 */
import { ReadingFlag } from '../domain/reading.js';
import { maxGapMs } from '../domain/rules/step-hold.js';
import type { Clock, Scheduler } from '../ports/clock.js';
import type { RegistryStore } from '../ports/registry.js';
import type { TelemetryStore } from '../ports/telemetry-store.js';
import type { CustodyIndex } from './custody.js';

export interface SweepDeps {
  readonly registry: RegistryStore;
  readonly store: TelemetryStore;
  readonly custody: Pick<CustodyIndex, 'shipmentsWithTrackers' | 'zoneSensorsAt'>;
  readonly clock: Clock;
  readonly scheduler: Scheduler;
  /**
   * Marks a subject (`batch:ID`, `shipment:ID`) to be judged. Zone silences go to the background lane: after a restart
   * every sensor silent meanwhile goes silent at once, and their zones' batches must not hold up new readings' flags.
   */
  readonly mark: (subject: string, at: number, lane?: 'live' | 'background') => void;
  readonly onError: (e: unknown) => void;
}

export class RulesSweep {
  /** Zone sensors silent at the last sweep (a sensor is silent once it has not reported within its max gap). */
  private readonly silent = new Set<string>();
  private timer: { cancel(): void } | undefined;
  private closed = false;

  constructor(private readonly deps: SweepDeps) {}

  start(everyMs: number): void {
    const tick = (): void => {
      if (this.closed) return;
      this.sweep().catch(this.deps.onError).finally(() => {
        if (!this.closed) this.timer = this.deps.scheduler.after(everyMs, tick);
      });
    };
    this.timer = this.deps.scheduler.after(everyMs, tick);
  }

  close(): void {
    this.closed = true;
    this.timer?.cancel();
  }

  /** One sweep; answers the zone sensors that went silent since the last one. */
  async sweep(): Promise<string[]> {
    const at = this.deps.clock.now();
    for (const id of this.deps.custody.shipmentsWithTrackers(at)) this.deps.mark(`shipment:${id}`, at);
    const wentSilent: string[] = [];
    const sensors = this.deps.custody.zoneSensorsAt(at);
    const placed = new Set(sensors.map((s) => s.device));
    for (const d of [...this.silent]) if (!placed.has(d)) this.silent.delete(d);
    for (const { device, zone } of sensors) {
      const gap = maxGapMs((await this.deps.registry.get('devices', device))?.intervalS ?? 60);
      const recent = await this.deps.store.query({ device, from: at - gap, to: at + 1, limit: 100 });
      // A reading whose clock ran ahead is kept but proves nothing about when the sensor last measured.
      if (recent.some((r) => (r.flags & ReadingFlag.CLOCK_SKEW) === 0)) {
        this.silent.delete(device);
        continue;
      }
      if (this.silent.has(device)) continue;
      this.silent.add(device);
      wentSilent.push(device);
      for (const p of await this.deps.registry.placementsAt({ kind: 'zone', id: zone }, at, at + 1)) if (p.batch !== undefined) this.deps.mark(`batch:${p.batch}`, at, 'background');
    }
    return wentSilent;
  }
}
