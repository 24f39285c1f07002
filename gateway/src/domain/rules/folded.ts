/**
 * Excursions about readings retention has folded into held hours (held-hours.ts) cannot be judged again: the order
 * of the readings within each hour is gone. Their flags are evidence, so they stay as they were judged while the
 * readings were raw (docs/rules.md, "After retention"): a batch judged again after retention keeps each excursion
 * episode that ended before the folded time, and adds what the raw readings after it show. Pure.
 */
import type { Episode, Finding } from '../flags/types.js';

/** Only excursions are judged on raw readings alone; MKT, shelf life and coverage are judged on the held hours too. */
const judgedOnRawOnly = (rule: string): boolean => rule.startsWith('excursion/');

/**
 * `found` (judged now, the raw readings from `foldedBeforeMs` on) completed with `previous` (the subject's flags as
 * last judged): an excursion's episodes that ended by `foldedBeforeMs` are kept, a finding found no more is kept as
 * it was when all of its episodes ended by then. Its figures are those of the raw part when there is one.
 */
export function keepFolded(previous: readonly Finding[], found: readonly Finding[], foldedBeforeMs: number): Finding[] {
  const out = [...found];
  for (const prev of previous) {
    if (!judgedOnRawOnly(prev.rule)) continue;
    const kept = prev.episodes.filter((e) => e.endMs <= foldedBeforeMs);
    if (kept.length === 0) continue;
    const i = out.findIndex((f) => f.rule === prev.rule);
    const now = out[i];
    if (now === undefined) {
      // Found no more: kept as it was, if everything it says lies in the folded time (else the raw part decides).
      if (prev.endMs <= foldedBeforeMs) out.push(asFinding(prev));
      continue;
    }
    const episodes: Episode[] = [...kept, ...now.episodes.filter((e) => e.startMs >= foldedBeforeMs)];
    out[i] = {
      ...now, episodes,
      startMs: Math.min(now.startMs, kept[0]!.startMs), metAtMs: Math.min(now.metAtMs, prev.metAtMs),
      related: mergeRelated(prev.related, now.related),
    };
  }
  return out;
}

/** A flag's finding fields (a stored flag carries its lifecycle beside them). */
function asFinding(f: Finding): Finding {
  const { rule, params, subject, severity, title, startMs, endMs, metAtMs, active, episodes, figures, related } = f;
  return { rule, params, subject, severity, title, startMs, endMs, metAtMs, active, episodes, figures, related };
}

function mergeRelated(a: Finding['related'], b: Finding['related']): Finding['related'] {
  const u = (x: readonly string[], y: readonly string[]): string[] => [...new Set([...x, ...y])].sort();
  return { devices: u(a.devices, b.devices), zones: u(a.zones, b.zones), batches: u(a.batches, b.batches), shipments: u(a.shipments, b.shipments), orders: u(a.orders, b.orders) };
}
