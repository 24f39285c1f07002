/**
 * Flags (docs/rules.md) -> concerns a customer reads: one per kind, whatever number of rules found it (the instant,
 * consecutive and cumulative excursion rules of one bound tell one story; a prolonged stop is also an unplanned stop).
 * Rules about our own instruments (clock skew) and reviews of carriers and hubs (tier 3) are not the customer's.
 */
import type { Concern, ConcernKind } from './facts.js';

/** The parts of a flag read here (domain/flags/types.ts Flag). */
export interface FlagLike {
  readonly rule: string;
  readonly startMs: number;
  readonly endMs: number;
  readonly active: boolean;
  readonly episodes: readonly { readonly startMs: number; readonly endMs: number }[];
}

/** The concern a rule key tells, with the limit for excursions; undefined: not the customer's. */
export function concernOf(rule: string): { kind: ConcernKind; limitC?: number } | undefined {
  const [family, metric, bound, value] = rule.split('/');
  switch (family) {
    case 'excursion': {
      if (metric !== 'temperature') return undefined;
      const limitC = Number(value);
      const kind = bound === 'upper' ? 'warm' : 'cold';
      return Number.isFinite(limitC) ? { kind, limitC } : { kind };
    }
    case 'shock': return { kind: 'shock' };
    case 'free-fall': return { kind: 'drop' };
    case 'vibration': return { kind: 'vibration' };
    case 'unplanned-stop': return { kind: 'stop' };
    case 'route-deviation': return { kind: 'deviation' };
    case 'data-gap': return { kind: 'silence' };
    case 'mkt':
    case 'shelf-life': return { kind: 'shelf-life' };
    default: return undefined;
  }
}

const ORDER: readonly ConcernKind[] = ['warm', 'cold', 'shelf-life', 'shock', 'drop', 'vibration', 'stop', 'deviation', 'silence'];

/** One concern per kind, in ORDER; a flag without episodes counts as its own start to end. */
export function concernsOf(flags: readonly FlagLike[]): Concern[] {
  const groups = new Map<ConcernKind, { spans: { startMs: number; endMs: number }[]; active: boolean; limits: number[] }>();
  for (const f of flags) {
    const c = concernOf(f.rule);
    if (c === undefined) continue;
    const g = groups.get(c.kind) ?? { spans: [], active: false, limits: [] };
    g.spans.push(...(f.episodes.length > 0 ? f.episodes : [f]).map((e) => ({ startMs: e.startMs, endMs: e.endMs })));
    g.active ||= f.active;
    if (c.limitC !== undefined) g.limits.push(c.limitC);
    groups.set(c.kind, g);
  }
  const out: Concern[] = [];
  for (const kind of ORDER) {
    const g = groups.get(kind);
    if (g === undefined) continue;
    const merged = merge(g.spans);
    const limitC = g.limits.length === 0 ? undefined : kind === 'warm' ? Math.min(...g.limits) : Math.max(...g.limits);
    out.push({
      kind, startMs: merged[0]!.startMs, latestStartMs: merged.at(-1)!.startMs, endMs: Math.max(...merged.map((s) => s.endMs)), active: g.active, count: merged.length,
      totalMs: merged.reduce((a, s) => a + s.endMs - s.startMs, 0), longestMs: Math.max(...merged.map((s) => s.endMs - s.startMs)),
      ...(limitC !== undefined ? { limitC } : {}),
    });
  }
  return out;
}

/** Overlapping or touching spans as one, in time order. */
function merge(spans: readonly { startMs: number; endMs: number }[]): { startMs: number; endMs: number }[] {
  const out: { startMs: number; endMs: number }[] = [];
  for (const s of [...spans].sort((a, b) => a.startMs - b.startMs)) {
    const last = out.at(-1);
    if (last !== undefined && s.startMs <= last.endMs) last.endMs = Math.max(last.endMs, s.endMs);
    else out.push({ ...s });
  }
  return out;
}
