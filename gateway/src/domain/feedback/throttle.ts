/**
 * At most one feedback per key (device and code) per interval, so one device refused a thousand times a second makes
 * the gateway publish once an interval, not a thousand times (issue #24). Pure: time is passed in.
 *
 * What is held back is counted, not lost: the next feedback of the key carries the count (`suppressed`), either the
 * next refusal after the interval or, when the device went quiet, `flush` at the interval's end with the last held
 * item. So each feedback stands for itself plus `suppressed` refusals, and their sum is every refusal offered, except
 * those of keys refused as `untracked` (docs/engineering.md 6: bounded, with a policy and a count when full).
 */
export interface ThrottleOptions {
  /** At most one feedback per key per this, ms. Default 60 000. */
  readonly intervalMs: number;
  /** Most keys tracked at once; a new key beyond it is not sent (`untracked`) until idle keys expire. Default 10 000. */
  readonly maxKeys: number;
}

export const DEFAULT_THROTTLE_OPTIONS: ThrottleOptions = { intervalMs: 60_000, maxKeys: 10_000 };

export type Offer = { readonly kind: 'send'; readonly suppressed: number } | { readonly kind: 'suppressed' } | { readonly kind: 'untracked' };

interface Window<T> {
  /** When the key's last feedback went out, ms. */
  sentAt: number;
  /** Items held back since then. */
  pending: number;
  /** The latest of them: what a flush sends. */
  last: T | undefined;
}

export class FeedbackThrottle<T> {
  readonly options: ThrottleOptions;
  private readonly windows = new Map<string, Window<T>>();

  constructor(options: Partial<ThrottleOptions> = {}) {
    this.options = { ...DEFAULT_THROTTLE_OPTIONS, ...options };
  }

  /** Keys tracked now. */
  get size(): number {
    return this.windows.size;
  }

  /** One refusal of `key` at `now`: send it now (with the count held back before it), hold it back, or drop it. */
  offer(key: string, now: number, item: T): Offer {
    const w = this.windows.get(key);
    if (w === undefined) {
      if (this.windows.size >= this.options.maxKeys) this.prune(now);
      if (this.windows.size >= this.options.maxKeys) return { kind: 'untracked' };
      this.windows.set(key, { sentAt: now, pending: 0, last: undefined });
      return { kind: 'send', suppressed: 0 };
    }
    if (now - w.sentAt >= this.options.intervalMs) {
      const suppressed = w.pending;
      w.sentAt = now;
      w.pending = 0;
      w.last = undefined;
      return { kind: 'send', suppressed };
    }
    w.pending++;
    w.last = item;
    return { kind: 'suppressed' };
  }

  /**
   * Keys whose interval ended with items held back: the last held item of each, carrying the others as `suppressed`.
   * Each counts as a send (its key's next interval starts now). Idle keys are forgotten.
   */
  flush(now: number): Array<{ readonly key: string; readonly item: T; readonly suppressed: number }> {
    const out: Array<{ key: string; item: T; suppressed: number }> = [];
    for (const [key, w] of this.windows) {
      if (now - w.sentAt < this.options.intervalMs) continue;
      if (w.pending === 0 || w.last === undefined) {
        this.windows.delete(key);
        continue;
      }
      out.push({ key, item: w.last, suppressed: w.pending - 1 });
      w.sentAt = now;
      w.pending = 0;
      w.last = undefined;
    }
    return out;
  }

  /** When the earliest held-back item is due for a flush, ms; undefined when nothing is held back. */
  nextFlushAt(): number | undefined {
    let due: number | undefined;
    for (const w of this.windows.values()) {
      if (w.pending === 0) continue;
      const at = w.sentAt + this.options.intervalMs;
      if (due === undefined || at < due) due = at;
    }
    return due;
  }

  /** Forgets keys whose interval ended with nothing held back. */
  private prune(now: number): void {
    for (const [key, w] of this.windows) if (w.pending === 0 && now - w.sentAt >= this.options.intervalMs) this.windows.delete(key);
  }
}
