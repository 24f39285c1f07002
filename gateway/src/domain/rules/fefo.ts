/**
 * First-expired-first-out by what the goods lived through, not by the label (docs/rules.md, FEFO): each batch stored
 * at a site is picked by the earlier of its dynamic expiry (kinetic shelf life over its whole custody) and its
 * labelled expiry. The label stays a hard limit: a batch kept colder than its storage temperature may have life
 * left after its label date, but it is never sold past it. Pure.
 */
import type { ShelfLifeLevel } from './shelf-life.js';

const DAY_MS = 86_400_000;

export interface FefoCandidate {
  readonly batch: string;
  readonly product: string;
  readonly zone: string;
  readonly quantity: number;
  readonly labelExpiryMs: number;
  /** Kinetic state, when the product has a shelf-life model and the batch has readings. */
  readonly shelfLife?: {
    readonly dynamicExpiryMs: number;
    readonly remainingDays: number;
    readonly consumed: number;
    readonly level: ShelfLifeLevel;
    /** Time of the last reading judged, ms: the dynamic expiry is stated as of then. */
    readonly asOfMs: number;
  };
}

export type FefoBasis = 'dynamic' | 'label';

export interface FefoEntry extends FefoCandidate {
  /** 1 = pick first. */
  readonly rank: number;
  /** The earlier of the dynamic and the labelled expiry, ms. */
  readonly pickByMs: number;
  /** Which of the two decided `pickByMs` (the label when there is no kinetic state, or when it comes first). */
  readonly basis: FefoBasis;
  /** How many days before its label the batch runs out (0 when the label decides). */
  readonly daysBeforeLabel: number;
  /** pickByMs is at or before the evaluation time: to be taken out of stock, not picked. */
  readonly expired: boolean;
}

export function fefoOrder(candidates: readonly FefoCandidate[], nowMs: number): FefoEntry[] {
  const entries = candidates.map((c) => {
    const dynamic = c.shelfLife?.dynamicExpiryMs;
    const byDynamic = dynamic !== undefined && dynamic < c.labelExpiryMs;
    const pickByMs = byDynamic ? dynamic : c.labelExpiryMs;
    return {
      ...c,
      pickByMs,
      basis: (byDynamic ? 'dynamic' : 'label') as FefoBasis,
      daysBeforeLabel: byDynamic ? Math.round(((c.labelExpiryMs - pickByMs) / DAY_MS) * 100) / 100 : 0,
      expired: pickByMs <= nowMs,
    };
  });
  entries.sort((a, b) => a.pickByMs - b.pickByMs || a.labelExpiryMs - b.labelExpiryMs || (a.batch < b.batch ? -1 : a.batch > b.batch ? 1 : 0));
  return entries.map((e, i) => ({ ...e, rank: i + 1 }));
}
