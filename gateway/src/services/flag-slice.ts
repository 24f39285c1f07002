/**
 * The flags of one slice of a rules round, written together: the findings of the subjects judged in the slice are
 * reconciled in one transaction, so a round pays one commit (one fsync with full durability) per slice, not one per
 * subject. A busy zone's batches are judged together, and each commit would otherwise cost more than judging them.
 */
import type { Finding, Subject } from '../domain/flags/types.js';
import type { Clock } from '../ports/clock.js';
import type { FlagChange, FlagStore } from '../ports/flags.js';
import type { Logger } from 'pino';
import { touchesIncidents } from './escalation.js';

export interface JudgedSubject {
  readonly subject: Subject;
  readonly findings: readonly Finding[];
  /** Gateway time a commit first marked it (live subjects: their flag latency is observed). */
  readonly markedAt?: number;
}

export interface FlagSliceDeps {
  readonly flags: FlagStore;
  readonly clock: Clock;
  readonly log: Logger;
  readonly observeLatency?: (seconds: number) => void;
  /** Told the subjects whose flags could not be written (the store refused): they are to be judged again. */
  readonly unwritten?: (subjects: readonly Subject[]) => void;
}

export class FlagSlice {
  private pending: JudgedSubject[] = [];
  /** Whether a written change can move a tier-3 incident count. */
  incidentsMoved = false;

  constructor(private readonly deps: FlagSliceDeps, private readonly listeners: readonly ((changes: readonly FlagChange[]) => void)[]) {}

  add(judged: JudgedSubject): void {
    this.pending.push(judged);
  }

  /** Reconciles the pending subjects' flags in one transaction and tells the listeners what changed. */
  async write(): Promise<void> {
    if (this.pending.length === 0) return;
    const slice = this.pending;
    this.pending = [];
    let changes: FlagChange[];
    try {
      changes = await this.deps.flags.reconcile(slice.map((j) => j.subject), slice.flatMap((j) => j.findings), this.deps.clock.now());
    } catch (e) {
      const subjects = slice.map((j) => `${j.subject.kind}:${j.subject.id}`);
      this.deps.log.error({ err: e, subjects }, 'rules: could not write the flags of the subjects judged; they are judged again');
      this.deps.unwritten?.(slice.map((j) => j.subject));
      return;
    }
    const now = this.deps.clock.now();
    for (const j of slice) if (j.markedAt !== undefined) this.deps.observeLatency?.((now - j.markedAt) / 1000);
    if (changes.length > 0) for (const l of this.listeners) l(changes);
    if (touchesIncidents(changes)) this.incidentsMoved = true;
  }
}
