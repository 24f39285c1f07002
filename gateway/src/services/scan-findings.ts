/**
 * The rules' view of the scan log (docs/scans.md): a batch refused at a door, or scanned where custody says it
 * cannot be, is a finding of the batch's judgement (subject-judge.ts), read back from the log each time, so the flag
 * follows the stored scans like every other flag follows the stored readings.
 */
import type { Finding, Severity, Subject } from '../domain/flags/types.js';
import type { RegistryStore } from '../ports/registry.js';
import type { ScanEntry, ScanLog, ScanOutcome } from '../ports/scans.js';

export const REFUSED_RULE = 'scan/refused-at-door';
export const CONTRADICTION_RULE = 'scan/contradicts-custody';

/** Most log entries of one batch read per judgement (the newest). */
const MAX_ENTRIES = 1000;

const RULES: readonly { outcome: ScanOutcome; rule: string; severity: Severity; title: string }[] = [
  { outcome: 'refused', rule: REFUSED_RULE, severity: 'major', title: 'refused at the door' },
  { outcome: 'contradiction', rule: CONTRADICTION_RULE, severity: 'warning', title: 'a scan contradicts custody' },
];

export function scanFindings(log: Pick<ScanLog, 'list'>, registry: Pick<RegistryStore, 'ordersOf'>) {
  return async (s: Subject): Promise<Finding[]> => {
    if (s.kind !== 'batch') return [];
    const out: Finding[] = [];
    let orders: string[] | undefined;
    for (const r of RULES) {
      const entries = await log.list({ batch: s.id, outcome: r.outcome, limit: MAX_ENTRIES });
      if (entries.length === 0) continue;
      orders ??= await registry.ordersOf({ batches: [s.id], shipments: [] });
      out.push(finding(s, r, entries, orders));
    }
    return out;
  };
}

function finding(s: Subject, r: (typeof RULES)[number], entries: readonly ScanEntry[], orders: readonly string[]): Finding {
  const times = entries.map((e) => e.time);
  const first = Math.min(...times);
  const last = entries.reduce((a, b) => (b.time > a.time ? b : a));
  const devices = [...new Set(entries.map((e) => e.device))].sort();
  return {
    rule: r.rule, params: {}, subject: s, severity: r.severity, title: `${r.title}: ${last.reason ?? last.reasonCode ?? ''}`.slice(0, 300),
    startMs: first, endMs: last.time, metAtMs: first, active: true, episodes: [],
    figures: { scans: entries.length, lastScan: new Date(last.time).toISOString(), device: last.device, code: last.reasonCode ?? '' },
    related: { devices, zones: [], batches: [s.id], shipments: [], orders: [...orders].sort() },
  };
}
