/**
 * Naming a broken readings link (docs/security.md "Verification"): the first reading of a commit whose 16-bit check
 * differs from the one kept with the link. Shared by the embedded store's verifier and the remote store's
 * (adapters/spool/chain-verifier.ts), so both name a break the same way.
 */
import { sameBytes, toHex } from '../../../domain/integrity/hash.js';
import { type CommitGroup, decodeChecks, encodeCommit, READING_WIDTH, type ReadingChecker, type SeriesName } from '../../../domain/integrity/readings.js';
import type { BrokenLink } from '../../../domain/integrity/report.js';
import { sha256 } from './sha.js';

/** The link whose re-derived digest differs: its index, stored checks and digest. */
export interface LinkRow { readonly id: number; readonly checks: Uint8Array; readonly digest: Uint8Array }

/**
 * What the readings found for a link say: `pruned` when retention deleted some (nothing to re-derive), `verified`
 * when they hash to the link's digest, else the first reading that differs.
 */
export function judgeCommit(row: LinkRow, groups: readonly CommitGroup[], pruned: boolean, nameOf: (seriesId: number) => SeriesName | undefined, checker: ReadingChecker): 'pruned' | 'verified' | BrokenLink {
  if (pruned) return 'pruned';
  const digest = sha256(encodeCommit(groups));
  return sameBytes(digest, row.digest) ? 'verified' : locateChange(row, groups, digest, nameOf, checker);
}

/** The first reading of the commit whose check differs from the one stored with the link. */
function locateChange(row: LinkRow, groups: readonly CommitGroup[], digest: Uint8Array, nameOf: (seriesId: number) => SeriesName | undefined, checker: ReadingChecker): BrokenLink {
  const checks = decodeChecks(row.checks);
  let k = 0;
  for (const g of groups) {
    const name = nameOf(g.seriesId);
    for (let o = 0; o < g.values.length; o += READING_WIDTH, k++) {
      const found = checker.check(g.values, o);
      if (found === checks[k]) continue;
      const t = g.values[o]!;
      return {
        chain: 'readings', reason: 'content', link: row.id, ...where(name, t), expected: toHex(row.digest), found: toHex(digest),
        detail: `the reading of ${label(name, g.seriesId)} at ${iso(t)} differs from the one commit ${row.id} stored ` +
          `(value ${g.values[o + 1]}, seq ${g.values[o + 2]}, flags ${g.values[o + 4]}; reading check ${hex8(checks[k] ?? 0)} expected, ${hex8(found)} found)`,
      };
    }
  }
  const first = groups[0];
  const name = first !== undefined ? nameOf(first.seriesId) : undefined;
  return {
    chain: 'readings', reason: 'content', link: row.id, ...where(name, undefined), expected: toHex(row.digest), found: toHex(digest),
    detail: `commit ${row.id}'s readings hash differently while every reading checks: a series' name (site, node, device, metric, unit) was edited`,
  };
}

/** Device, metric and time of a break. */
export function where(name: SeriesName | undefined, t: number | undefined): Pick<BrokenLink, 'device' | 'metric' | 'time' | 'timeIso'> {
  return {
    ...(name !== undefined ? { device: name.device, metric: name.metric } : {}),
    ...(t !== undefined ? { time: t, timeIso: iso(t) } : {}),
  };
}

export const label = (name: SeriesName | undefined, id: number): string => (name !== undefined ? `${name.device}/${name.metric}` : `series ${id} (gone from the series table)`);
export const iso = (t: number): string => (Number.isFinite(t) ? new Date(t).toISOString() : String(t));
const hex8 = (n: number): string => n.toString(16).padStart(8, '0');

