/**
 * What the triage of committed readings (domain/rules/triage.ts) needs per batch, kept in memory: its product's
 * thresholds, and what its last judgement found; and the devices whose clock-skew flag is active. Each busy zone asks for its batches every round; the registry would
 * answer the same each time.
 *
 * Hints, not state: a batch never judged here is taken as having nothing found (its readings go to the live lane
 * and the judgement tells); thresholds are forgotten at every registry change of this gateway and after a minute (a
 * change made elsewhere, on a shared registry, is seen within a minute). A wrong hint costs the steady lane's
 * delay at worst, never a flag.
 */
import type { Finding, Subject } from '../domain/flags/types.js';
import { maxGapMs } from '../domain/rules/step-hold.js';
import { NOTHING_FOUND, thresholdsOf, type KnownFindings, type Threshold } from '../domain/rules/triage.js';
import type { Clock } from '../ports/clock.js';
import type { RegistryStore } from '../ports/registry.js';

/** How long thresholds and max gaps read from the registry are trusted, ms. */
export const THRESHOLDS_TTL_MS = 60_000;
/** Most batches remembered per map; beyond, the map starts again (bounded memory whatever the registry's size). */
const MAX_BATCHES = 100_000;

export class TriageState {
  private readonly thresholds = new Map<string, { readonly at: number; readonly thresholds: readonly Threshold[] }>();
  /** Batch id -> what its last judgement left for the triage. */
  private readonly known = new Map<string, KnownFindings>();
  private readonly maxGaps = new Map<string, { readonly at: number; readonly ms: number }>();
  private readonly skewingDevices = new Set<string>();

  constructor(private readonly registry: RegistryStore, private readonly clock: Clock) {}

  async of(batch: string): Promise<{ thresholds: readonly Threshold[]; known: KnownFindings }> {
    return { thresholds: await this.thresholdsOf(batch), known: this.known.get(batch) ?? NOTHING_FOUND };
  }

  /**
   * Notes what a judgement left: for a batch what the triage of its next readings needs (undefined: the batch or its
   * product is gone), for a device whether its clock-skew flag is active (its next reading on time may clear it).
   */
  judged(subject: Subject, findings: readonly Finding[], known: KnownFindings | undefined): void {
    if (subject.kind === 'device') {
      if (findings.some((f) => f.active)) this.skewingDevices.add(subject.id);
      else this.skewingDevices.delete(subject.id);
      return;
    }
    if (subject.kind !== 'batch') return;
    if (known === undefined) {
      this.known.delete(subject.id);
      return;
    }
    if (this.known.size >= MAX_BATCHES) this.known.clear();
    this.known.set(subject.id, known);
  }

  /** Whether the device's clock-skew flag was active at its last judgement (kept cheap: the commit hook asks). */
  skewing(device: string): boolean {
    return this.skewingDevices.size > 0 && this.skewingDevices.has(device);
  }

  /** The longest max gap of the devices (3 × the nominal interval, at most 1 h: docs/domain.md §1), ms. */
  async maxGapOf(devices: Iterable<string>): Promise<number> {
    const now = this.clock.now();
    let longest = 0;
    for (const d of devices) {
      let hit = this.maxGaps.get(d);
      if (hit === undefined || hit.at + THRESHOLDS_TTL_MS <= now) {
        hit = { at: now, ms: maxGapMs((await this.registry.get('devices', d))?.intervalS ?? 60) };
        if (this.maxGaps.size >= MAX_BATCHES) this.maxGaps.clear();
        this.maxGaps.set(d, hit);
      }
      longest = Math.max(longest, hit.ms);
    }
    return longest;
  }

  /** Forgets the thresholds and max gaps (a registry change may have changed a product, a batch, a device). */
  registryChanged(): void {
    this.thresholds.clear();
    this.maxGaps.clear();
  }

  private async thresholdsOf(batch: string): Promise<readonly Threshold[]> {
    const now = this.clock.now();
    const hit = this.thresholds.get(batch);
    if (hit !== undefined && hit.at + THRESHOLDS_TTL_MS > now) return hit.thresholds;
    const b = await this.registry.get('batches', batch);
    const product = b === undefined ? undefined : await this.registry.get('products', b.product);
    const thresholds = product === undefined ? [] : thresholdsOf(product);
    if (this.thresholds.size >= MAX_BATCHES) this.thresholds.clear();
    this.thresholds.set(batch, { at: now, thresholds });
    return thresholds;
  }
}
