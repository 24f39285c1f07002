/**
 * Compares the flags a gateway shows with the flags a scenario expects: exactly the expected rule and subject, on
 * exactly the expected orders, met within the expectation's tolerance, none withdrawn, and no other flag. Pure.
 */
import type { ApiFlag } from './gateway-api.js';
import type { ExpectedFlag } from './types.js';

export interface FlagCheck {
  /** Expected flags the gateway does not show (their ids). */
  readonly missing: string[];
  /** Flags the gateway shows that the scenario does not expect (withdrawn ones marked so). */
  readonly unexpected: string[];
  /** Expected flags shown with a difference: each problem in words. */
  readonly mismatched: { readonly id: string; readonly problems: string[] }[];
}

export function expectedId(e: ExpectedFlag): string {
  return `${e.rule}@${e.subject.kind}:${e.subject.id}`;
}

const sorted = (xs: readonly string[]): string[] => [...xs].sort();

/** `scope`: only flags whose subject is one of these ids count (a gateway may hold other scenarios' flags). */
export function checkFlags(expected: readonly ExpectedFlag[], actual: readonly ApiFlag[], scope?: ReadonlySet<string>): FlagCheck {
  const shown = new Map(actual.filter((f) => scope === undefined || scope.has(`${f.subject.kind}:${f.subject.id}`)).map((f) => [f.id, f]));
  const check: FlagCheck = { missing: [], unexpected: [], mismatched: [] };
  for (const e of expected) {
    const id = expectedId(e);
    const f = shown.get(id);
    shown.delete(id);
    if (f === undefined) {
      check.missing.push(id);
      continue;
    }
    const problems: string[] = [];
    if (f.withdrawn) problems.push('withdrawn');
    if (JSON.stringify(sorted(f.related.orders)) !== JSON.stringify(sorted(e.orders))) problems.push(`orders ${JSON.stringify(sorted(f.related.orders))}, expected ${JSON.stringify(sorted(e.orders))}`);
    const off = f.metAtMs - e.metAtMs;
    if (Math.abs(off) > e.toleranceMs) problems.push(`met at ${new Date(f.metAtMs).toISOString()}, expected ${new Date(e.metAtMs).toISOString()} ± ${e.toleranceMs / 1000} s (off by ${off / 1000} s)`);
    if (problems.length > 0) check.mismatched.push({ id, problems });
  }
  for (const f of shown.values()) check.unexpected.push(f.withdrawn ? `${f.id} (withdrawn)` : f.id);
  check.unexpected.sort();
  return check;
}

export function passed(c: FlagCheck): boolean {
  return c.missing.length === 0 && c.unexpected.length === 0 && c.mismatched.length === 0;
}

/** The subjects a scenario's flags can be about: its batches, shipments, carriers, lanes and hubs. */
export function scenarioScope(registry: Readonly<Record<string, unknown>>): Set<string> {
  const ids = (kind: string): { id: string; carrier?: string; lane?: string; hubs?: string[] }[] => (registry[kind] as { id: string }[] | undefined) ?? [];
  const out = new Set<string>();
  for (const b of ids('batches')) out.add(`batch:${b.id}`);
  for (const s of ids('shipments')) {
    out.add(`shipment:${s.id}`);
    if (s.carrier !== undefined) out.add(`carrier:${s.carrier}`);
    if (s.lane !== undefined) out.add(`lane:${s.lane}`);
    for (const h of s.hubs ?? []) out.add(`hub:${h}`);
  }
  return out;
}
