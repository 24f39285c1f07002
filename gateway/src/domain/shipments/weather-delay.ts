/**
 * A storm's hold on a delivery window (docs/claims.md, "Weather and disruption alerts"). The `weather/stopped/*` rule
 * (domain/rules/weather-alerts.ts) judges a truck stopped inside a Severe or Extreme alert area and carries the window
 * as it stood before the stop, moved later by the time stopped and, at its late end, held to the alert's expiry. While
 * that flag is active the shipment's window (delivery-window.ts, from its track) is no earlier, quantile by quantile,
 * than the flag's: the track alone counts the stop as slow hours but cannot know the storm may hold the truck until
 * the alert ends. Pure.
 */

export interface WeatherDelay {
  /** The flag that holds the window, and the alert behind it. */
  readonly flag: string;
  readonly alert: string;
  readonly event: string;
  /** When the alert stops being in force, ms. */
  readonly alertToMs: number;
  readonly stoppedMin: number;
  readonly p10Ms: number;
  readonly p50Ms: number;
  readonly p90Ms: number;
}

/** The rule key prefix of the weather stop flags. */
export const WEATHER_STOP_RULE = 'weather/stopped/';

/** The delay a flag states, or undefined when it is not an active weather stop flag or lacks the window's figures. */
export function weatherDelayOf(flag: {
  readonly id: string; readonly rule: string; readonly active: boolean; readonly withdrawn: boolean;
  readonly figures: Readonly<Record<string, string | number>>;
}): WeatherDelay | undefined {
  if (!flag.rule.startsWith(WEATHER_STOP_RULE) || !flag.active || flag.withdrawn) return undefined;
  const f = flag.figures;
  const num = (k: string): number | undefined => {
    const v = f[k];
    return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
  };
  const [p10Ms, p50Ms, p90Ms, alertToMs] = [num('windowP10Ms'), num('windowP50Ms'), num('windowP90Ms'), num('alertToMs')];
  if (p10Ms === undefined || p50Ms === undefined || p90Ms === undefined || alertToMs === undefined) return undefined;
  return { flag: flag.id, alert: String(f['alert'] ?? ''), event: String(f['event'] ?? ''), alertToMs, stoppedMin: num('stoppedMin') ?? 0, p10Ms, p50Ms, p90Ms };
}

/** The latest of several delays' windows, quantile by quantile (two storms: the later hold wins). */
export function latestDelay(delays: readonly WeatherDelay[]): WeatherDelay | undefined {
  let out: WeatherDelay | undefined;
  for (const d of delays) out = out === undefined || d.p90Ms > out.p90Ms || (d.p90Ms === out.p90Ms && d.p50Ms > out.p50Ms) ? d : out;
  return out;
}

/**
 * `w` held to the delay: each quantile the later of the two (both ordered, so the result stays P10 <= P50 <= P90). A
 * window with no estimate (no progress seen: infinite times) takes the delay's, which is one.
 */
export function heldBy<W extends { readonly p10Ms: number; readonly p50Ms: number; readonly p90Ms: number }>(w: W, d: WeatherDelay): W {
  const later = (a: number, b: number): number => (Number.isFinite(a) ? Math.max(a, b) : b);
  return { ...w, p10Ms: later(w.p10Ms, d.p10Ms), p50Ms: later(w.p50Ms, d.p50Ms), p90Ms: later(w.p90Ms, d.p90Ms) };
}
