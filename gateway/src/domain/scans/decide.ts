/**
 * What one scan does to a batch's custody (issue #21, docs/scans.md "Scans become custody"). Pure: the batch's
 * placements, the scanner's door and the sites of the locations involved are passed in.
 *
 * A scan `in` at time t closes the placement holding t at t and opens one at the scanner's zone or shipment from
 * t, until that placement's old end or the batch's next recorded move, so a scan that arrives late fits between
 * the moves already known and re-links the readings of its stretch. A scan that custody already agrees with changes
 * nothing (repeats are idempotent). A scan that custody contradicts (the batch is in another site, or on a truck
 * that neither left from nor goes to here) changes nothing and says why: it is kept and flagged by the caller.
 */
import { distanceToGeofenceM } from '../registry/geofence.js';
import type { Geofence, LatLon, Placement } from '../registry/types.js';
import type { ScannerRegistration } from './registration.js';

/** A shipment tracker's last fix at or before a read (device time), with the tracker. */
export interface TruckFix extends LatLon {
  readonly device: string;
  readonly atMs: number;
}

/**
 * Where the locations named in a decision are: a zone's site, a shipment's origin and destination sites; and, when
 * known, a site's geofence and where the shipment's tracker last was (the truck 300 km away of issue #21).
 */
export interface Whereabouts {
  zoneSite(zone: string): string | undefined;
  shipmentEnds(shipment: string): { readonly origin: string; readonly destination: string } | undefined;
  siteGeofence?(site: string): Geofence | undefined;
  truckFix?(shipment: string): TruckFix | undefined;
}

/** A goods move between a truck and a site is not believed when the truck's tracker was farther than this from it, metres. */
export const TRUCK_FAR_M = 25_000;


export type CustodyDecision =
  /** `put`: the placements to write (the one closed at t, the one opened). */
  | { readonly kind: 'move'; readonly put: readonly Placement[]; readonly opened?: Placement }
  | { readonly kind: 'repeat'; readonly reason: string }
  | { readonly kind: 'contradiction'; readonly code: 'E_SCAN_CONTRADICTS_CUSTODY'; readonly reason: string };

/** `placements`: all of the batch's, in any order; `newId`: the id of a placement this scan opens. */
export function decideCustody(batch: string, placements: readonly Placement[], t: number, door: ScannerRegistration, where: Whereabouts, newId: string): CustodyDecision {
  const spans = placements.map((p) => ({ p, from: Date.parse(p.from), to: p.to === undefined ? Infinity : Date.parse(p.to) })).sort((a, b) => a.from - b.from);
  const holding = spans.find((s) => s.from <= t && t < s.to);
  const next = spans.find((s) => s.from > t);
  const target = door.zone !== undefined ? { zone: door.zone } : { shipment: door.shipment ?? '' };
  const at = (p: Placement): string => (p.zone !== undefined ? `zone ${p.zone}` : `shipment ${p.shipment ?? ''}`);
  const here = door.zone !== undefined ? `zone ${door.zone}` : `shipment ${door.shipment ?? ''}`;
  const iso = new Date(t).toISOString();
  if (door.direction === 'out') {
    if (holding === undefined) return { kind: 'repeat', reason: `no placement holds ${batch} at ${iso}: nothing to end` };
    if (holding.p.zone !== door.zone) return contradiction(`scanned out of ${here} at ${iso}, but custody has ${batch} in ${at(holding.p)}`);
    if (holding.from === t) return { kind: 'repeat', reason: `${batch} entered ${here} at this very time` };
    return { kind: 'move', put: [{ ...holding.p, to: iso }] };
  }
  if (holding !== undefined && holding.p.zone === target.zone && holding.p.shipment === target.shipment) {
    return { kind: 'repeat', reason: `custody already has ${batch} in ${here} at ${iso} (placement ${holding.p.id})` };
  }
  if (holding !== undefined) {
    const why = implausible(holding.p, door, where);
    if (why !== undefined) return contradiction(`${batch} is in ${at(holding.p)} at ${iso}: ${why}`);
  }
  const end = holding !== undefined ? holding.p.to : next !== undefined ? next.p.from : undefined;
  const opened: Placement = { id: newId, batch, ...target, from: iso, ...(end !== undefined ? { to: end } : {}) };
  if (holding === undefined) return { kind: 'move', put: [opened], opened };
  // Two moves at the same millisecond: the later scan wins the whole placement.
  if (holding.from === t) return { kind: 'move', put: [{ ...opened, id: holding.p.id }], opened: { ...opened, id: holding.p.id } };
  return { kind: 'move', put: [{ ...holding.p, to: iso }, opened], opened };
}

/** Why a move from `from` to the scanner's door cannot have happened, or undefined when it can. */
function implausible(from: Placement, door: ScannerRegistration, where: Whereabouts): string | undefined {
  const siteOfDoor = door.zone !== undefined ? where.zoneSite(door.zone) : undefined;
  if (from.zone !== undefined) {
    const site = where.zoneSite(from.zone);
    if (door.zone !== undefined) return site === siteOfDoor ? undefined : `zone ${door.zone} is at site ${siteOfDoor ?? '?'}, ${from.zone} at ${site ?? '?'}, and no shipment carried it between them`;
    const ends = where.shipmentEnds(door.shipment ?? '');
    if (ends === undefined || site !== ends.origin) return `shipment ${door.shipment ?? ''} leaves from ${ends?.origin ?? '?'}, not from site ${site ?? '?'} where the batch is`;
    return truckAway(door.shipment ?? '', site, where);
  }
  const ends = where.shipmentEnds(from.shipment ?? '');
  if (ends === undefined) return `shipment ${from.shipment ?? ''} is not known`;
  if (door.zone !== undefined) {
    if (siteOfDoor !== ends.destination && siteOfDoor !== ends.origin) return `shipment ${from.shipment ?? ''} runs from ${ends.origin} to ${ends.destination}, not to site ${siteOfDoor ?? '?'}`;
    return truckAway(from.shipment ?? '', siteOfDoor, where);
  }
  const onward = where.shipmentEnds(door.shipment ?? '');
  return onward !== undefined && onward.origin === ends.destination ? undefined
    : `shipment ${from.shipment ?? ''} ends at ${ends.destination}; shipment ${door.shipment ?? ''} does not leave from there`;
}

/** Why the shipment's truck cannot be at `site` now (its tracker's last fix is far from it), or undefined. */
function truckAway(shipment: string, site: string | undefined, where: Whereabouts): string | undefined {
  const fix = where.truckFix?.(shipment);
  const fence = site !== undefined ? where.siteGeofence?.(site) : undefined;
  if (fix === undefined || fence === undefined) return undefined;
  const m = distanceToGeofenceM(fence, fix);
  return m <= TRUCK_FAR_M ? undefined
    : `shipment ${shipment}'s tracker ${fix.device} was ${Math.round(m / 1000)} km from site ${site ?? '?'} at ${new Date(fix.atMs).toISOString()}`;
}

function contradiction(reason: string): CustodyDecision {
  return { kind: 'contradiction', code: 'E_SCAN_CONTRADICTS_CUSTODY', reason };
}
