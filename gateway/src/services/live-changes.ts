/**
 * Live updates of the Shipments view and an order's timeline (issue #16): subscribers of a topic (`shipments`, or
 * `order:{id}`) are told that something they show changed, and what kind of thing, so the view reads it again.
 * The notices carry no data: the views read through the same routes as on a reload.
 *
 * Bounded (docs/engineering.md 6): at most `maxSubscribers` at once (a new one past the cap is refused, counted);
 * a topic is told at most once per `minIntervalMs`, what happened meanwhile merged into one notice (a tracker
 * sending every second costs a shipments view one read a second, not one per fix); and nothing is kept for a topic
 * no one follows (`follows` lets the sources skip the work).
 */
import type { Clock, Scheduler } from '../ports/clock.js';

/**
 * What changed: a flag, a milestone, custody (placements), the order's own status, a new GPS fix or shock, or (for
 * the live environment page) a committed reading of any device.
 */
export type LiveChangeKind = 'flag' | 'milestone' | 'custody' | 'status' | 'position' | 'reading';

export interface LiveNotice {
  readonly kinds: readonly LiveChangeKind[];
  /** Shipments concerned, when known, sorted. */
  readonly shipments: readonly string[];
  /** Gateway time of the notice, ms. */
  readonly at: number;
}

export type LiveListener = (notice: LiveNotice) => void;

export interface LiveChangesOptions {
  /** Least time between two notices of one topic, ms. Default 1000. */
  readonly minIntervalMs: number;
  /** Most subscriptions at once, over all topics. Default 256. */
  readonly maxSubscribers: number;
}

export const DEFAULT_LIVE_CHANGES_OPTIONS: LiveChangesOptions = { minIntervalMs: 1000, maxSubscribers: 256 };

export const SHIPMENTS_TOPIC = 'shipments';
/** The live environment page: any device's readings committed (its table reads GET /api/v1/devices again). */
export const DEVICES_TOPIC = 'devices';
export const orderTopic = (id: string): string => `order:${id}`;

interface Topic {
  readonly listeners: Set<LiveListener>;
  kinds: Set<LiveChangeKind>;
  shipments: Set<string>;
  lastSentAt: number;
  timer: { cancel(): void } | undefined;
}

export class LiveChanges {
  private readonly o: LiveChangesOptions;
  private readonly topics = new Map<string, Topic>();
  private subscribers = 0;
  private counters = { notices: 0, refused: 0 };

  constructor(private readonly clock: Clock, private readonly scheduler: Scheduler, options: Partial<LiveChangesOptions> = {}) {
    this.o = { ...DEFAULT_LIVE_CHANGES_OPTIONS, ...options };
  }

  /** Follows `topic`; returns the function that stops it, or undefined when `maxSubscribers` are following already. */
  subscribe(topic: string, listener: LiveListener): (() => void) | undefined {
    if (this.subscribers >= this.o.maxSubscribers) {
      this.counters.refused++;
      return undefined;
    }
    let t = this.topics.get(topic);
    if (t === undefined) this.topics.set(topic, t = { listeners: new Set(), kinds: new Set(), shipments: new Set(), lastSentAt: -Infinity, timer: undefined });
    const entry = t;
    // A listener object of its own, so the same function subscribed twice is two subscriptions.
    const own: LiveListener = (n) => listener(n);
    entry.listeners.add(own);
    this.subscribers++;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      entry.listeners.delete(own);
      this.subscribers--;
      if (entry.listeners.size === 0) {
        entry.timer?.cancel();
        this.topics.delete(topic);
      }
    };
  }

  /** Whether anyone follows `topic` (sources skip their work when no one does). */
  follows(topic: string): boolean {
    return this.topics.has(topic);
  }

  /** Topics followed now whose name starts with `prefix`. */
  followed(prefix: string): string[] {
    return [...this.topics.keys()].filter((k) => k.startsWith(prefix));
  }

  /** Something of `kind` changed for `topic`; its followers are told now, or once `minIntervalMs` has passed. */
  publish(topic: string, kind: LiveChangeKind, shipments: readonly string[] = []): void {
    const t = this.topics.get(topic);
    if (t === undefined) return;
    t.kinds.add(kind);
    for (const s of shipments) t.shipments.add(s);
    if (t.timer !== undefined) return;
    const wait = Math.max(0, t.lastSentAt + this.o.minIntervalMs - this.clock.now());
    t.timer = this.scheduler.after(wait, () => this.flush(topic));
  }

  stats(): { subscribers: number; topics: number; notices: number; refused: number } {
    return { subscribers: this.subscribers, topics: this.topics.size, ...this.counters };
  }

  private flush(topic: string): void {
    const t = this.topics.get(topic);
    if (t === undefined) return;
    t.timer = undefined;
    if (t.kinds.size === 0) return;
    const notice: LiveNotice = { kinds: [...t.kinds].sort(), shipments: [...t.shipments].sort(), at: this.clock.now() };
    t.kinds = new Set();
    t.shipments = new Set();
    t.lastSentAt = notice.at;
    this.counters.notices++;
    for (const l of [...t.listeners]) l(notice);
  }
}
