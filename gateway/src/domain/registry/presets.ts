/**
 * Product profile presets ready to pick (docs/domain.md §8): a new product starts from one and adds its own id,
 * name and, where its stability data gives one, a shelf-life model (presets carry none: it is product-specific).
 *
 * Bounds are inclusive (docs/domain.md §8): an upper limit of 8 is crossed by 8.0. Presets start counting at
 * departure (ignoreStartMin 0): how long loading takes depends on the lane, so it is set per product when known.
 */
import type { Limit, MktWindow, Product } from './types.js';

export interface ProductPreset {
  /** Stable name to pick it by, e.g. `pharma-2-8`. */
  readonly preset: string;
  readonly description: string;
  readonly profile: Omit<Product, 'id' | 'name'>;
}

const upper = (value: number, alarm: Omit<Limit, 'metric' | 'bound' | 'value'>): Limit => ({ metric: 'temperature', bound: 'upper', value, ...alarm });
const lower = (value: number, alarm: Omit<Limit, 'metric' | 'bound' | 'value'>): Limit => ({ metric: 'temperature', bound: 'lower', value, ...alarm });
const instant = { alarm: 'instant' } as const;
const consecutive = (delayMin: number) => ({ alarm: 'consecutive', delayMin }) as const;
const cumulative = (budgetMin: number) => ({ alarm: 'cumulative', budgetMin }) as const;

/** USP <1079.2>: controlled cold temperature, MKT over a rolling 24 h at most 8 °C (docs/domain.md §6). */
const MKT_CCT: MktWindow = { windowH: 24, limitC: 8 };
/** USP <659>/<1079.2>: controlled room temperature, MKT over a rolling 30 days at most 25 °C (docs/domain.md §6). */
const MKT_CRT: MktWindow = { windowH: 30 * 24, limitC: 25 };

/** WHO PQS E006 type 1 shipping indicator thresholds (docs/domain.md §8). */
const WHO_TYPE_1: readonly Limit[] = [
  upper(45, consecutive(60)),
  upper(30, cumulative(10 * 60)),
  lower(-0.5, consecutive(60)),
];

export const PRODUCT_PRESETS: readonly ProductPreset[] = [
  {
    preset: 'pharma-2-8',
    description: 'Pharmaceutical, refrigerated 2-8 °C (MKT 24 h at most 8 °C)',
    profile: {
      // Midpoint of the range, where refrigerated stock is kept and labelled life is stated.
      storageTempC: 5,
      limits: [
        // 30 min: door openings and defrost cycles warm the air at the sensor for minutes, not the product;
        // repeated short warm spells are caught by the 24 h MKT window instead of a cumulative budget, which over
        // months of warehouse custody would fill from door openings alone.
        upper(8, consecutive(30)),
        // Shorter on the cold side: freezing damages many biologics and adsorbed vaccines irreversibly, while a
        // warm spell is usually covered by stability data. 15 min still ignores a single cold reading near the coil.
        lower(2, consecutive(15)),
      ],
      mkt: [MKT_CCT],
      ignoreStartMin: 0,
    },
  },
  {
    preset: 'crt',
    description: 'Controlled room temperature 20-25 °C, excursions 15-30 °C allowed (MKT 30 days at most 25 °C)',
    profile: {
      // ICH Q1A's long-term condition for climatic zones I/II is 25 °C: the labelled life is supported there, and
      // stating remaining life at the top of the range is the conservative choice.
      storageTempC: 25,
      // Between 15 and 30 °C is an allowed excursion, judged by MKT; beyond it, one reading is enough.
      limits: [upper(30, instant), lower(15, instant)],
      mkt: [MKT_CRT],
      ignoreStartMin: 0,
    },
  },
  {
    preset: 'frozen',
    description: 'Frozen food at -18 °C or colder; brief rises to -15 °C allowed in transport (EU 89/108/EEC)',
    profile: {
      storageTempC: -18,
      limits: [
        // The directive's tolerance is +3 °C: warmer than -15 °C is never allowed.
        upper(-15, instant),
        // Between -18 and -15 °C only briefly: a defrost cycle or a loading stop lasts well under an hour, so
        // an hour on end is no longer brief.
        upper(-18, consecutive(60)),
      ],
      // MKT limits are defined for controlled cold and room temperature only.
      mkt: [],
      ignoreStartMin: 0,
    },
  },
  {
    preset: 'usp-freezer',
    description: 'Pharmaceutical freezer, -25 to -10 °C (USP <659>)',
    profile: {
      // The usual set point of such freezers, inside the range with room on both sides.
      storageTempC: -20,
      // 30 min either side, as for pharma-2-8: door openings warm the air, not the product.
      limits: [upper(-10, consecutive(30)), lower(-25, consecutive(30))],
      mkt: [],
      ignoreStartMin: 0,
    },
  },
  {
    preset: 'who-pqs-type-1',
    description: 'WHO PQS E006 shipping indicator type 1: ≥45 °C for 1 h, ≥30 °C for 10 h in total, ≤-0.5 °C for 1 h',
    profile: {
      // Vaccines shipped with these indicators are stored at 2-8 °C.
      storageTempC: 5,
      limits: WHO_TYPE_1,
      // The indicator's thresholds are the whole rule; add MKT_CCT per product if its label asks for it.
      mkt: [],
      ignoreStartMin: 0,
    },
  },
  {
    preset: 'who-pqs-type-2',
    description: 'WHO PQS E006 shipping indicator type 2: type 1 and ≥10 °C for 20 h in total',
    profile: {
      storageTempC: 5,
      limits: [...WHO_TYPE_1, upper(10, cumulative(20 * 60))],
      mkt: [],
      ignoreStartMin: 0,
    },
  },
];

/** The preset of that name, or undefined. */
export function productPreset(name: string): ProductPreset | undefined {
  return PRODUCT_PRESETS.find((p) => p.preset === name);
}
