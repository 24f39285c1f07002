/**
 * Flags: what the rules found, put on the orders it touches (docs/rules.md). A finding is a pure function of the
 * data (readings, custody, profiles) and the evaluation time; a flag is a finding with its lifecycle (open ->
 * acknowledged -> resolved, with who, when and why) and its history. One flag per rule and subject: a finding of the
 * same rule and subject updates it, never duplicates it.
 */
import type { Episode as ExcursionEpisode } from '../rules/excursions.js';

export type SubjectKind = 'batch' | 'shipment' | 'device' | 'zone' | 'carrier' | 'lane' | 'hub';

export interface Subject {
  readonly kind: SubjectKind;
  readonly id: string;
}

export type Severity = 'warning' | 'major' | 'critical';

/** Everything a flag touches, by kind (ids sorted, each once). */
export interface Related {
  readonly devices: readonly string[];
  readonly zones: readonly string[];
  readonly batches: readonly string[];
  readonly shipments: readonly string[];
  readonly orders: readonly string[];
}

/** An offending stretch with its evidence numbers (excursions.ts), and the sensor whose readings these are. */
export interface Episode extends ExcursionEpisode {
  readonly device?: string;
}

export interface Finding {
  /** The rule with its parameters, as a stable key: `excursion/temperature/upper/8/consecutive/30`. */
  readonly rule: string;
  /** The rule's parameters as they were when it was evaluated. */
  readonly params: Readonly<Record<string, unknown>>;
  readonly subject: Subject;
  readonly severity: Severity;
  /** One line a person reads: "temperature ≥ 8 °C for 30 min (consecutive)". */
  readonly title: string;
  /** Start of the first episode and end of the last, device time, ms. */
  readonly startMs: number;
  readonly endMs: number;
  /** When the condition was first met, device time, ms. */
  readonly metAtMs: number;
  /** The condition still holds at the end of the data (false: it ended, the flag is cleared). */
  readonly active: boolean;
  readonly episodes: readonly Episode[];
  /** Figures of the rule (e.g. consumed life, remaining days), for the reader. */
  readonly figures: Readonly<Record<string, number | string>>;
  readonly related: Related;
}

export type FlagState = 'open' | 'acknowledged' | 'resolved';

/** Lifecycle and evaluation events of a flag, oldest first. */
export interface FlagEvent {
  readonly kind: 'raised' | 'updated' | 'cleared' | 'reactivated' | 'withdrawn' | 'acknowledged' | 'resolved' | 'reopened';
  /** Gateway time, ms. */
  readonly at: number;
  readonly by: string;
  readonly comment?: string;
}

export interface Flag extends Finding {
  /** `${rule}@${subject.kind}:${subject.id}`: one flag per rule and subject. */
  readonly id: string;
  readonly state: FlagState;
  /** The data no longer shows it (a late reading or custody record changed the picture); kept as history. */
  readonly withdrawn: boolean;
  readonly raisedAt: number;
  readonly updatedAt: number;
  readonly events: readonly FlagEvent[];
}

export function flagId(rule: string, subject: Subject): string {
  return `${rule}@${subject.kind}:${subject.id}`;
}

/** Findings compare equal when nothing a reader sees differs (the flag is then left as it is). */
export function sameFinding(a: Finding, b: Finding): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
