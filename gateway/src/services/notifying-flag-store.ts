/** A FlagStore that tells a listener of people's moves (acknowledge, resolve, reopen) like the rules' changes. */
import type { Finding, Flag, FlagState, Subject } from '../domain/flags/types.js';
import type { FlagChange, FlagQuery, FlagStore } from '../ports/flags.js';

export class NotifyingFlagStore implements FlagStore {
  constructor(private readonly inner: FlagStore, private readonly listener: (changes: readonly FlagChange[]) => Promise<void> | void) {}

  reconcile(subjects: readonly Subject[], findings: readonly Finding[], at: number): Promise<FlagChange[]> {
    return this.inner.reconcile(subjects, findings, at);
  }

  get(id: string): Promise<Flag | undefined> {
    return this.inner.get(id);
  }

  list(q: FlagQuery): Promise<Flag[]> {
    return this.inner.list(q);
  }

  async transition(id: string, to: FlagState, by: string, comment: string | undefined, at: number): Promise<Flag | undefined> {
    const f = await this.inner.transition(id, to, by, comment, at);
    const last = f?.events.at(-1);
    if (f !== undefined && last !== undefined) await this.listener([{ flag: f, events: [last.kind] }]);
    return f;
  }

  counts(): ReturnType<FlagStore['counts']> {
    return this.inner.counts();
  }
}
