/**
 * Tier 3 escalation (docs/rules.md, "Escalation"): the same carrier, lane or hub with three or more incidents
 * within seven days is flagged for commercial review. A function of the flags: judged again whenever a round
 * changed a flag of a shipment, or of a batch on one.
 */
import { incidentsOf, tier3Findings, type ShipmentInfo } from '../domain/rules/escalation.js';
import type { Subject } from '../domain/flags/types.js';
import type { FlagChange, FlagStore } from '../ports/flags.js';
import type { RegistryStore } from '../ports/registry.js';

/** Most flags read to count incidents. */
export const MAX_FLAGS = 100_000;

/** Whether a change can move an incident count (a shipment's flag, or a batch's with shipments related). */
export function touchesIncidents(changes: readonly FlagChange[]): boolean {
  return changes.some((c) => c.flag.subject.kind === 'shipment' || (c.flag.subject.kind === 'batch' && c.flag.related.shipments.length > 0));
}

/** The carrier, lane and hubs of each shipment named (once each); unknown ones are left out. */
export async function shipmentInfos(registry: Pick<RegistryStore, 'get'>, ids: Iterable<string>): Promise<ShipmentInfo[]> {
  const shipments: ShipmentInfo[] = [];
  for (const id of new Set(ids)) {
    const s = await registry.get('shipments', id);
    if (s !== undefined) shipments.push({ id, carrier: s.carrier, lane: s.lane, hubs: s.hubs });
  }
  return shipments;
}

export async function evaluateTier3(flags: FlagStore, registry: RegistryStore, at: number): Promise<FlagChange[]> {
  const all = await flags.list({ limit: MAX_FLAGS });
  const incidents = incidentsOf(all.filter((f) => !f.subject.kind.match(/^(carrier|lane|hub)$/)));
  const shipments = await shipmentInfos(registry, incidents.map((i) => i.shipment));
  const findings = tier3Findings(incidents, shipments);
  // Every carrier, lane and hub that has or had a tier 3 flag is judged: one that no longer qualifies is withdrawn.
  const subjects = new Map<string, Subject>();
  const add = (s: Subject): void => {
    if (s.id !== '') subjects.set(`${s.kind}:${s.id}`, s);
  };
  for (const s of shipments) {
    add({ kind: 'carrier', id: s.carrier });
    add({ kind: 'lane', id: s.lane });
    for (const h of s.hubs) add({ kind: 'hub', id: h });
  }
  for (const f of all) if (/^(carrier|lane|hub)$/.test(f.subject.kind)) add(f.subject);
  return flags.reconcile([...subjects.values()], findings, at);
}

