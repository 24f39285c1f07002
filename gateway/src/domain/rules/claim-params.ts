/**
 * The parameters of the corroboration rules (docs/claims.md, "Per carrier and lane"): defaults, and overrides per
 * carrier and per lane from the claims profile file (COLDTRACE_CLAIMS_CONFIG). A lane's value wins over its carrier's,
 * a carrier's over the defaults. Carriers are matched as carrier events match them (case folded, trimmed); lanes as
 * the registry spells them. Pure.
 */
import { DEFAULT_CLAIM_WINDOW_MIN } from './delivery-claims.js';
import { DEFAULT_HUB_FAR_KM } from './hub-claims.js';
import { DEFAULT_SHIPPED_WITHIN_MIN } from './shipped-claims.js';
import { DEFAULT_ARRIVAL_CONFIRMATION_MIN } from './arrival-claims.js';
import { DEFAULT_NO_UPDATE_HOURS } from './silence-claims.js';

export interface ClaimParams {
  /** A carrier's `delivered` is confirmed by a tracker (or custody) at the destination within this, min. */
  readonly deliveredWindowMin: number;
  /** A carrier's event at a hub is contradicted when no tracker visited within this, min ... */
  readonly hubWindowMin: number;
  /** ... and the tracker was farther than this from the hub's geofence, km. */
  readonly hubFarKm: number;
  /** An order set `shipped` must see its goods leave the origin within this, min. */
  readonly shippedWithinMin: number;
  /** An arrival at the destination must be confirmed (carrier or order hub) within this, min. */
  readonly arrivalWithinMin: number;
  /** A shipment on its way with neither a reading nor a carrier event for this long, h, is silent. */
  readonly noUpdateHours: number;
}

export const DEFAULT_CLAIM_PARAMS: ClaimParams = {
  deliveredWindowMin: DEFAULT_CLAIM_WINDOW_MIN, hubWindowMin: DEFAULT_CLAIM_WINDOW_MIN, hubFarKm: DEFAULT_HUB_FAR_KM,
  shippedWithinMin: DEFAULT_SHIPPED_WITHIN_MIN, arrivalWithinMin: DEFAULT_ARRIVAL_CONFIRMATION_MIN, noUpdateHours: DEFAULT_NO_UPDATE_HOURS,
};

export interface ClaimProfiles {
  readonly defaults?: Partial<ClaimParams>;
  /** By carrier, folded (carrierKey). */
  readonly carriers?: Readonly<Record<string, Partial<ClaimParams>>>;
  readonly lanes?: Readonly<Record<string, Partial<ClaimParams>>>;
}

/** A carrier's name as it is matched: trimmed, case folded. */
export function carrierKey(carrier: string): string {
  return carrier.trim().toLowerCase();
}

export function claimParamsFor(profiles: ClaimProfiles, carrier: string, lane: string): ClaimParams {
  return { ...DEFAULT_CLAIM_PARAMS, ...profiles.defaults, ...profiles.carriers?.[carrierKey(carrier)], ...profiles.lanes?.[lane] };
}

/** Each parameter's allowed range: a window of 1 min to 7 days, a distance of 0.1 to 1,000 km, 1 h to 30 days of silence. */
const RANGES: Readonly<Record<keyof ClaimParams, readonly [number, number]>> = {
  deliveredWindowMin: [1, 10_080], hubWindowMin: [1, 10_080], hubFarKm: [0.1, 1000], shippedWithinMin: [1, 10_080], arrivalWithinMin: [1, 10_080], noUpdateHours: [1, 720],
};

/** A claims profile document read, every mistake named by its path. */
export function readClaimProfiles(raw: unknown): { profiles: ClaimProfiles; problems: string[] } {
  const problems: string[] = [];
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  const params = (v: unknown, path: string): Partial<ClaimParams> => {
    if (!isObject(v)) {
      problems.push(`${path}: expected an object of parameters`);
      return {};
    }
    const out: Partial<Record<keyof ClaimParams, number>> = {};
    for (const [k, x] of Object.entries(v)) {
      const range = (RANGES as Record<string, readonly [number, number] | undefined>)[k];
      if (range === undefined) problems.push(`${path}.${k}: unknown parameter (known: ${Object.keys(RANGES).join(', ')})`);
      else if (typeof x !== 'number' || !Number.isFinite(x) || x < range[0] || x > range[1]) problems.push(`${path}.${k}: expected a number ${range[0]}-${range[1]}, got ${JSON.stringify(x)}`);
      else out[k as keyof ClaimParams] = x;
    }
    return out;
  };
  const group = (v: unknown, path: string, key: (s: string) => string): Record<string, Partial<ClaimParams>> => {
    if (v === undefined) return {};
    if (!isObject(v)) {
      problems.push(`${path}: expected an object by name`);
      return {};
    }
    const out: Record<string, Partial<ClaimParams>> = {};
    for (const [name, p] of Object.entries(v)) {
      if (Object.hasOwn(out, key(name))) problems.push(`${path}.${name}: named twice`);
      out[key(name)] = params(p, `${path}.${name}`);
    }
    return out;
  };
  if (!isObject(raw)) return { profiles: {}, problems: ['the claims profile must be an object with defaults, carriers and lanes'] };
  for (const k of Object.keys(raw)) if (!['defaults', 'carriers', 'lanes'].includes(k)) problems.push(`${k}: unknown (known: defaults, carriers, lanes)`);
  const profiles: ClaimProfiles = {
    ...(raw['defaults'] !== undefined ? { defaults: params(raw['defaults'], 'defaults') } : {}),
    carriers: group(raw['carriers'], 'carriers', carrierKey), lanes: group(raw['lanes'], 'lanes', (s) => s),
  };
  return { profiles, problems };
}

/** Every claim window a profile may set, min: when a carrier event's shipment must be judged again. */
export function claimWindowsMin(profiles: ClaimProfiles): number[] {
  const all = [profiles.defaults, ...Object.values(profiles.carriers ?? {}), ...Object.values(profiles.lanes ?? {})];
  const windows = new Set<number>([DEFAULT_CLAIM_PARAMS.deliveredWindowMin, DEFAULT_CLAIM_PARAMS.hubWindowMin]);
  for (const p of all) for (const w of [p?.deliveredWindowMin, p?.hubWindowMin]) if (w !== undefined) windows.add(w);
  return [...windows].sort((a, b) => a - b);
}
