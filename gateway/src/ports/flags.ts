/**
 * The flag store port (docs/rules.md): flags keyed by rule and subject, upserted from each evaluation, never
 * counted in memory, so several gateways sharing one store (the roadmap: PostgreSQL) agree on them.
 */
import type { Finding, Flag, FlagEvent, FlagState, Subject } from '../domain/flags/types.js';

export interface FlagQuery {
  readonly order?: string;
  readonly subject?: Subject;
  readonly state?: FlagState;
  readonly active?: boolean;
  /** Withdrawn flags are left out unless asked for. */
  readonly withdrawn?: boolean;
  /** Rule key prefix: `excursion/`, `shelf-life/`. */
  readonly rule?: string;
  readonly limit: number;
}

/** A flag's change in one reconcile: what an order hub is told. */
export interface FlagChange {
  readonly flag: Flag;
  readonly events: readonly FlagEvent['kind'][];
}

export interface FlagStore {
  /**
   * The findings of one evaluation of `subjects`, each subject evaluated whole: flags of those subjects are
   * upserted from the findings (raised, updated, cleared, reactivated), and those with no finding any more are
   * withdrawn. One transaction. Returns what changed.
   */
  reconcile(subjects: readonly Subject[], findings: readonly Finding[], at: number): Promise<FlagChange[]>;
  get(id: string): Promise<Flag | undefined>;
  list(q: FlagQuery): Promise<Flag[]>;
  /** A person moves a flag along its lifecycle; undefined when there is no such flag. */
  transition(id: string, to: FlagState, by: string, comment: string | undefined, at: number): Promise<Flag | undefined>;
  /** Flags not withdrawn, by state and severity (for /metrics). */
  counts(): Promise<{ state: FlagState; severity: string; active: boolean; n: number }[]>;
}

/** A lifecycle move that is not allowed (resolved -> acknowledged ...): the caller's mistake, answered 409. */
export class FlagTransitionError extends Error {}
