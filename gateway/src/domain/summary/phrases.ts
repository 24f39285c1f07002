/** What each language must be able to say; en.ts and zh.ts fill it in (issue #16). */
import type { CarrierClaim, Concern, DeliveryFacts, HubStay } from './facts.js';
import type { Formats } from './format.js';

export interface Phrases {
  noReadings(): string;
  /** No temperature concern: reassure. `whole`: the trip is over (arrived). */
  keptAt(minC: string, maxC: string, whole: boolean): string;
  /** There was a temperature concern: the range plainly, the concern in a sentence of its own. */
  ranged(minC: string, maxC: string): string;
  concern(c: Concern, f: Formats): string;
  hubStay(s: HubStay, f: Formats): string;
  carrier(c: CarrierClaim, f: Formats): string;
  delivery(d: DeliveryFacts, f: Formats): string;
  zone(tz: string): string;
}
