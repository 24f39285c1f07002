/**
 * Kinetic shelf life (docs/domain.md §7): life at a temperature under a product's model, life consumed by a
 * step-held series (time-temperature integration), and what is left of it. Pure: the evaluation time is passed in.
 */
import type { ShelfLifeModel } from '../registry/types.js';
import type { HeldSample } from './step-hold.js';

const DAY_MS = 86_400_000;
const KELVIN = 273.15;
/** Gas constant, J/(mol·K) (docs/domain.md §7). */
const R = 8.3144;
/**
 * Slack of the level thresholds, as a fraction of life (1e-9 of a year's life is 0.03 s): sums of dt / SL round,
 * and a loss meant to be exactly 10 % may come out as 0.09999999999999998; the thresholds are inclusive.
 */
const EPSILON = 1e-9;

/**
 * Life in days at a constant `tempC` (docs/domain.md §7). Q10: divides by Q10 for every 10 °C warmer. Arrhenius:
 * Ea in kJ/mol, kelvin = °C + 273.15. Square root (Ratkowsky): Infinity at or below T_min, where the model predicts
 * no spoilage at all.
 */
export function shelfLifeDays(model: ShelfLifeModel, tempC: number): number {
  switch (model.model) {
    case 'q10':
      return model.refLifeDays / model.q10 ** ((tempC - model.refTempC) / 10);
    case 'arrhenius':
      return model.refLifeDays * Math.exp(((model.eaKJPerMol * 1000) / R) * (1 / (tempC + KELVIN) - 1 / (model.refTempC + KELVIN)));
    case 'sqrt':
      if (tempC <= model.tMinC) return Infinity;
      return model.refLifeDays * ((model.refTempC - model.tMinC) / (tempC - model.tMinC)) ** 2;
  }
}

/**
 * Fraction of life consumed by the held samples: F = Σ dt / SL(T), dt in days (docs/domain.md §7, additive
 * time-temperature integration). Data gaps are not in `held` and consume nothing: they are reported, not filled in.
 */
export function consumedFraction(model: ShelfLifeModel, held: readonly HeldSample[]): number {
  let f = 0;
  for (const s of held) if (s.dt > 0) f += s.dt / DAY_MS / shelfLifeDays(model, s.v);
  return f;
}

export type ShelfLifeLevel = 'ok' | 'warning' | 'major' | 'critical';

export interface ShelfLifeInput {
  readonly model: ShelfLifeModel;
  /** The product's storage temperature, °C: remaining life is stated at it. */
  readonly storageTempC: number;
  /** The batch's readings over its whole custody, step-held (one sensor's series). */
  readonly held: readonly HeldSample[];
  /** Evaluation time, ms. */
  readonly nowMs: number;
  /** The order's promised delivery, ms; without it, no critical level for a late expiry. */
  readonly promisedDeliveryMs?: number;
  /** Life the customer requires left on delivery, days. Default 0. */
  readonly minRemainingShelfLifeDays?: number;
  /** Loss beyond nominal ageing, fraction of total life, from which the level is warning. Default 0.10. */
  readonly warningLoss?: number;
  /** Loss beyond nominal ageing, fraction of total life, from which the level is major. Default 0.25. */
  readonly majorLoss?: number;
}

/** The defaults of the optional fields of `ShelfLifeInput` (docs/domain.md §7). */
export const DEFAULT_SHELF_LIFE_INPUT = { minRemainingShelfLifeDays: 0, warningLoss: 0.1, majorLoss: 0.25 } as const;

export interface ShelfLifeState {
  /** F, the fraction of life consumed (1 = all of it). */
  readonly consumed: number;
  /** Time covered by the readings (Σ dt), ms. */
  readonly coveredMs: number;
  /** Life left at the storage temperature, days, never below 0 (Infinity if the model predicts no spoilage there). */
  readonly remainingDays: number;
  /** nowMs + remaining life, ms: what first-expired-first-out picking sorts by. */
  readonly dynamicExpiryMs: number;
  /** F minus the nominal ageing of the covered time at the reference temperature, fraction of total life. */
  readonly loss: number;
  readonly level: ShelfLifeLevel;
  /** Why the level is not ok, one line per rule that fired; empty when ok. */
  readonly reasons: string[];
}

/**
 * The batch's shelf-life state (docs/domain.md §7): remaining life at the storage temperature (1 - F)·SL(T_s),
 * dynamic expiry, loss = F - elapsed / SL(T_ref) with elapsed the time covered by the readings, and the level:
 * warning at a loss ≥ warningLoss, major ≥ majorLoss, critical when F ≥ 1 or when the dynamic expiry falls before
 * the promised delivery plus the minimum remaining shelf life. Thresholds are inclusive.
 */
export function shelfLifeState(input: ShelfLifeInput): ShelfLifeState {
  const { model, storageTempC, held, nowMs, promisedDeliveryMs } = input;
  const minRemainingDays = input.minRemainingShelfLifeDays ?? DEFAULT_SHELF_LIFE_INPUT.minRemainingShelfLifeDays;
  const warningLoss = input.warningLoss ?? DEFAULT_SHELF_LIFE_INPUT.warningLoss;
  const majorLoss = input.majorLoss ?? DEFAULT_SHELF_LIFE_INPUT.majorLoss;

  const consumed = consumedFraction(model, held);
  let coveredMs = 0;
  for (const s of held) if (s.dt > 0) coveredMs += s.dt;
  const spent = consumed >= 1 - EPSILON;
  // (1 - F)·SL(T_s), never below 0; tested before multiplying so that 0 · Infinity (sqrt at T_min) is not NaN.
  const remainingDays = spent ? 0 : (1 - consumed) * shelfLifeDays(model, storageTempC);
  const dynamicExpiryMs = nowMs + remainingDays * DAY_MS;
  // SL(T_ref) is refLifeDays in every model.
  const loss = consumed - coveredMs / DAY_MS / model.refLifeDays;

  const reasons: string[] = [];
  let level: ShelfLifeLevel = 'ok';
  if (loss >= majorLoss - EPSILON) level = 'major';
  else if (loss >= warningLoss - EPSILON) level = 'warning';
  if (level !== 'ok') {
    const at = level === 'major' ? majorLoss : warningLoss;
    reasons.push(`lost ${percent(loss)} % of its life beyond nominal ageing (${level} from ${percent(at)} %)`);
  }
  if (spent) {
    level = 'critical';
    reasons.unshift(`consumed ${percent(consumed)} % of its life`);
  }
  if (promisedDeliveryMs !== undefined) {
    const neededMs = promisedDeliveryMs + minRemainingDays * DAY_MS;
    if (dynamicExpiryMs < neededMs) {
      level = 'critical';
      const plus = minRemainingDays > 0 ? ` + ${minRemainingDays} d` : '';
      reasons.push(`dynamic expiry ${isoDate(dynamicExpiryMs)} before promised delivery ${isoDate(promisedDeliveryMs)}${plus}`);
    }
  }
  return { consumed, coveredMs, remainingDays, dynamicExpiryMs, loss, level, reasons };
}

/** A fraction in whole percent. */
function percent(fraction: number): number {
  return Math.round(fraction * 100);
}

/** YYYY-MM-DD (UTC) of an instant, ms. */
function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
