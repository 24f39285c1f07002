/**
 * Where a scanner stands (issue #21, docs/scans.md): a device of the registry with a `scanner` field is a door, a
 * zone entrance or a loading bay. Its reads put what they name in `zone` or on `shipment` (direction `in`), or take
 * it out of `zone` (direction `out`). Read here and called from the registry's device reader (entities.ts). Pure.
 */
import { hasGs1CheckDigit } from '@coldtrace/contract';
import { Fields } from '../registry/fields.js';
import type { Problem } from '../registry/types.js';

export const SCAN_DIRECTIONS = ['in', 'out'] as const;
export type ScanDirection = (typeof SCAN_DIRECTIONS)[number];

/** Exactly one of zone and shipment. */
export interface ScannerRegistration {
  readonly zone?: string;
  readonly shipment?: string;
  readonly direction: ScanDirection;
}

/** The `scanner` field of a device, canonical (zone or shipment, then direction), with every problem by path. */
export function readScannerRegistration(v: unknown, path: string, problems: Problem[]): ScannerRegistration {
  const f = new Fields(v, path, problems, ['zone', 'shipment', 'direction']);
  if (f.has('zone') === f.has('shipment')) f.problem('', "must name exactly one of 'zone' and 'shipment'");
  const at = f.has('zone') ? { zone: f.id('zone') } : f.has('shipment') ? { shipment: f.id('shipment') } : {};
  return { ...at, direction: f.oneOf('direction', SCAN_DIRECTIONS) };
}

/** A product's GTINs (`gtins`): GTIN-14 with a valid check digit, each once. Problems by path. */
export function readGtins(v: unknown, path: string, problems: Problem[]): string[] {
  if (!Array.isArray(v)) {
    problems.push({ path, message: 'must be a list of GTIN-14' });
    return [];
  }
  const out: string[] = [];
  v.forEach((g, i) => {
    if (typeof g !== 'string' || !/^\d{14}$/.test(g)) problems.push({ path: `${path}[${i}]`, message: 'must be a GTIN-14 (14 digits; pad a GTIN-13 with a leading 0)' });
    else if (!hasGs1CheckDigit(g)) problems.push({ path: `${path}[${i}]`, message: `${g} has a wrong check digit` });
    else if (!out.includes(g)) out.push(g);
  });
  return out;
}
