/**
 * The goods placed on a shipment as custody records them, for its milestones (domain/shipments/milestones.ts): each
 * batch placement on it, and whether the batch was next placed in a zone of the destination site (then the
 * placement's end is an arrival there).
 */
import type { Placement } from '../domain/registry/types.js';
import type { MilestoneInput } from '../domain/shipments/milestones.js';
import type { RegistryStore } from '../ports/registry.js';
import { spanOfPlacement } from './custody.js';

export async function goodsOn(registry: RegistryStore, onShipment: readonly Placement[], destination: string, nowMs: number): Promise<MilestoneInput['custody']> {
  const out: MilestoneInput['custody'][number][] = [];
  // Every batch's placements in one read, not one per batch.
  const ofBatch = new Map<string, ReturnType<typeof spanOfPlacement>[]>();
  for (const q of await registry.placementsOf(onShipment.flatMap((p) => (p.batch !== undefined ? [`batch:${p.batch}`] : [])))) {
    if (q.batch !== undefined) (ofBatch.get(q.batch) ?? ofBatch.set(q.batch, []).get(q.batch)!).push(spanOfPlacement(q));
  }
  for (const p of onShipment) {
    if (p.batch === undefined) continue;
    const span = spanOfPlacement(p);
    if (span.fromMs > nowMs) continue;
    const toMs = span.toMs <= nowMs ? span.toMs : Infinity;
    let thenAtDestination = false;
    if (Number.isFinite(toMs)) {
      const next = (ofBatch.get(p.batch) ?? []).filter((s) => s.fromMs >= toMs).sort((a, b) => a.fromMs - b.fromMs)[0];
      if (next?.location.kind === 'zone' && next.fromMs <= nowMs) thenAtDestination = (await registry.get('zones', next.location.id))?.site === destination;
    }
    out.push({ placement: p.id, fromMs: span.fromMs, toMs, thenAtDestination });
  }
  return out;
}
