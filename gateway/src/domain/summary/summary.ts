/**
 * An order's facts -> short sentences a customer reads, in English or Simplified Chinese, times in the customer's
 * zone (issue #16, docs/dashboard.md "Customer summary"). Pure: the evaluation time is passed in.
 */
import { EN } from './en.js';
import type { DeliveryFacts, OrderFacts } from './facts.js';
import { formats, type Lang } from './format.js';
import type { Phrases } from './phrases.js';
import { ZH } from './zh.js';

export type SentenceKind = 'temperature' | 'concern' | 'hub' | 'carrier' | 'delivery' | 'zone';

export interface Sentence {
  readonly kind: SentenceKind;
  readonly text: string;
}

const PHRASES: Record<Lang, Phrases> = { en: EN, zh: ZH };
/** The window's ends are widened to this grid (early end down, late end up): still at least 80 %, easier to read. */
const WINDOW_GRID_MS = 15 * 60_000;

export function orderSummary(facts: OrderFacts, opts: { lang: Lang; tz: string; nowMs: number }): Sentence[] {
  const p = PHRASES[opts.lang];
  const f = formats(opts.lang, opts.tz, opts.nowMs);
  const out: Sentence[] = [];
  const t = facts.temperature;
  const tempConcern = facts.concerns.some((c) => c.kind === 'warm' || c.kind === 'cold');
  if (t === undefined) out.push({ kind: 'temperature', text: p.noReadings() });
  else if (tempConcern) out.push({ kind: 'temperature', text: p.ranged(f.celsius(t.minC), f.celsius(t.maxC)) });
  else out.push({ kind: 'temperature', text: p.keptAt(f.celsius(t.minC), f.celsius(t.maxC), facts.delivery?.kind === 'arrived') });
  for (const c of facts.concerns) out.push({ kind: 'concern', text: p.concern(c, f) });
  for (const s of [...facts.hubStays].sort((a, b) => a.arrivedMs - b.arrivedMs)) out.push({ kind: 'hub', text: p.hubStay(s, f) });
  if (facts.carrier !== undefined) out.push({ kind: 'carrier', text: p.carrier(facts.carrier, f) });
  if (facts.delivery !== undefined) out.push({ kind: 'delivery', text: p.delivery(widened(facts.delivery), f) });
  out.push({ kind: 'zone', text: p.zone(opts.tz) });
  return out;
}

/** Time-zone offsets are whole quarter hours, so the grid is the same in every zone. */
function widened(d: DeliveryFacts): DeliveryFacts {
  if (d.kind !== 'window') return d;
  return { ...d, p10Ms: Math.floor(d.p10Ms / WINDOW_GRID_MS) * WINDOW_GRID_MS, p90Ms: Math.ceil(d.p90Ms / WINDOW_GRID_MS) * WINDOW_GRID_MS };
}
