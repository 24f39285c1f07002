/**
 * Weather and disruption alerts (CAP 1.2; docs/claims.md, "Weather and disruption alerts"): documents in (a POST, a
 * file, a polled URL), each read by the domain (domain/alerts/cap.ts) and either stored or kept refused with its
 * reason; the alerts the rules judge shipments against. The store is the truth: the list the rules read is reloaded
 * from it after every stored message, and holds what may be in force from `lookbackMs` ago on (an alert that ended
 * within it still clears the flags it raised).
 */
import type { Logger } from 'pino';
import { parseCap, type CapRefusalCode } from '../domain/alerts/cap.js';
import { activeAt, counts, infoSpan } from '../domain/alerts/cap-area.js';
import { indexZones, riskZones, type ZoneIndex } from '../domain/rules/weather-alerts.js';
import type { CapAlertStore, RefusedCapDocument, StoredCapAlert } from '../ports/alerts.js';
import type { Clock } from '../ports/clock.js';

/** How far back the rules look for alerts, ms (14 days: longer than a road or sea leg is judged over). */
export const DEFAULT_ALERT_LOOKBACK_MS = 14 * 24 * 3_600_000;

export type CapIngest =
  | { readonly accepted: true; readonly outcome: 'stored' | 'duplicate'; readonly key: string; readonly ended: readonly string[] }
  | { readonly accepted: false; readonly id: number; readonly code: CapRefusalCode; readonly reason: string };

export type AlertsListener = (alerts: readonly StoredCapAlert[]) => void;

export class WeatherAlertService {
  private cache: { fromMs: number; alerts: StoredCapAlert[]; zones: ZoneIndex } | undefined;
  private readonly listeners: AlertsListener[] = [];

  constructor(private readonly store: CapAlertStore, private readonly clock: Clock, private readonly log: Logger, private readonly lookbackMs = DEFAULT_ALERT_LOOKBACK_MS) {}

  /** Told the alerts the rules read after a message changed them (the rules mark the shipments in transit). */
  onChange(listener: AlertsListener): void {
    this.listeners.push(listener);
  }

  /** One CAP document: stored, a duplicate, or refused with its reason (kept). `bytes`: its size as received. */
  async ingest(xml: string, bytes: number, source: string): Promise<CapIngest> {
    const origin = { source, receivedMs: this.clock.now() };
    const parsed = parseCap(xml, bytes);
    if (!parsed.ok) {
      const id = await this.store.refuse(xml, bytes, parsed, origin);
      this.log.warn({ source, code: parsed.code, reason: parsed.reason, id }, 'CAP document refused (kept with its reason)');
      return { accepted: false, id, code: parsed.code, reason: parsed.reason };
    }
    const a = await this.store.accept(parsed.alert, origin);
    if (a.outcome === 'stored') {
      this.cache = undefined;
      const alerts = await this.forRules();
      for (const l of this.listeners) l(alerts);
    }
    return { accepted: true, ...a };
  }

  /** The messages that count (actual Alerts and Updates) with an info block in force at `nowMs`. */
  async active(nowMs: number): Promise<StoredCapAlert[]> {
    return (await this.store.alerts(nowMs)).filter((s) => counts(s.alert) && s.alert.infos.some((i) => activeAt(infoSpan(s.alert, i, s.endedMs), nowMs)));
  }

  /** What the rules judge against: every stored message that may be in force from the look-back on (cached). */
  async forRules(): Promise<StoredCapAlert[]> {
    const fromMs = this.clock.now() - this.lookbackMs;
    // Reloaded once an hour of look-back has passed, so ended alerts fall away; a stored message reloads at once.
    return (await this.loaded(fromMs)).alerts;
  }

  /** The areas of those that can put a shipment at risk (domain/rules/weather-alerts.ts), indexed once per change. */
  async riskZones(): Promise<ZoneIndex> {
    return (await this.loaded(this.clock.now() - this.lookbackMs)).zones;
  }

  private async loaded(fromMs: number): Promise<{ alerts: StoredCapAlert[]; zones: ZoneIndex }> {
    if (this.cache === undefined || fromMs - this.cache.fromMs > 3_600_000) {
      const alerts = await this.store.alerts(fromMs);
      this.cache = { fromMs, alerts, zones: indexZones(riskZones(alerts)) };
    }
    return this.cache;
  }

  refused(limit: number): Promise<RefusedCapDocument[]> {
    return this.store.refused(limit);
  }
}
