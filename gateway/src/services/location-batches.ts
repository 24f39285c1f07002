/**
 * The batches placed at a location, as the rules' marking asks for them every round for every busy zone: the
 * placements of the last hour onwards are read once and kept a minute, and each round's question ("placed here over
 * these readings' times") is answered from them. Forgotten at every registry change of this gateway; a change made
 * elsewhere (another replica on a shared registry) is seen within the minute. Readings older than the hour are
 * answered by the registry itself.
 */
import type { Location } from '../domain/custody/spans.js';
import type { Clock } from '../ports/clock.js';
import type { RegistryStore } from '../ports/registry.js';
import { spanOfPlacement } from './custody.js';

/** How far back the kept placements reach, ms. */
export const RECENT_MS = 3_600_000;
/** How long they are kept, ms. */
export const KEPT_MS = 60_000;
/** Most locations kept; beyond, the memory starts again. */
const MAX_LOCATIONS = 50_000;

interface Kept {
  readonly at: number;
  readonly fromMs: number;
  readonly spans: readonly { readonly batch: string; readonly fromMs: number; readonly toMs: number }[];
}

export class LocationBatches {
  private readonly byLocation = new Map<string, Kept>();

  constructor(private readonly registry: RegistryStore, private readonly clock: Clock) {}

  /** Ids of the batches placed at `location` overlapping [fromMs, toMs), each once, in placement order. */
  async at(location: Location, fromMs: number, toMs: number): Promise<string[]> {
    const now = this.clock.now();
    if (fromMs < now - RECENT_MS) return unique((await this.registry.placementsAt(location, fromMs, toMs, 'batch')).flatMap((p) => (p.batch !== undefined ? [p.batch] : [])));
    const key = `${location.kind}:${location.id}`;
    let kept = this.byLocation.get(key);
    if (kept === undefined || kept.at + KEPT_MS <= now || fromMs < kept.fromMs) {
      const from = now - RECENT_MS;
      const placements = await this.registry.placementsAt(location, from, Number.MAX_SAFE_INTEGER, 'batch');
      kept = { at: now, fromMs: from, spans: placements.flatMap((p) => (p.batch !== undefined ? [{ batch: p.batch, ...spanOfPlacement(p) }] : [])) };
      if (this.byLocation.size >= MAX_LOCATIONS) this.byLocation.clear();
      this.byLocation.set(key, kept);
    }
    return unique(kept.spans.filter((s) => s.fromMs < toMs && s.toMs > fromMs).map((s) => s.batch));
  }

  clear(): void {
    this.byLocation.clear();
  }
}

function unique(xs: readonly string[]): string[] {
  return [...new Set(xs)];
}
