/**
 * The identities (device, metric, device time) of the most recent readings, to recognise a duplicate that arrives
 * while its first copy is waiting in the spool or was forwarded not long ago. Two generations of `capacity / 2`
 * readings: when the young one is full it becomes the old one and the oldest identities are forgotten, so memory is
 * bounded and a lookup stays O(1). A duplicate older than the window is forwarded again; the remote store overwrites
 * the same point (stored once, not counted).
 *
 * Kept as device -> metric -> set of times: no key string is built per reading (at 150,000 readings/s, building and
 * hashing `device|metric|time` strings was a tenth of the gateway's CPU, and their garbage more). Times are kept
 * relative to the first one seen, so those within ~12 days of it are small integers, which V8 hashes without a
 * heap number (epoch milliseconds are not).
 */
type Generation = Map<string, Map<string, Set<number>>>;

export class RecentKeys {
  private young: Generation = new Map();
  private old: Generation = new Map();
  private youngSize = 0;
  private oldSize = 0;
  private base: number | undefined;

  constructor(private readonly capacity: number) {}

  /** Adds the identity; false when it was already known (a duplicate). */
  add(device: string, metric: string, deviceTime: number): boolean {
    const time = deviceTime - (this.base ??= deviceTime);
    if (has(this.young, device, metric, time) || has(this.old, device, metric, time)) return false;
    if (this.youngSize >= Math.max(1, this.capacity / 2)) {
      this.old = this.young;
      this.oldSize = this.youngSize;
      this.young = new Map();
      this.youngSize = 0;
    }
    let metrics = this.young.get(device);
    if (metrics === undefined) this.young.set(device, (metrics = new Map()));
    let times = metrics.get(metric);
    if (times === undefined) metrics.set(metric, (times = new Set()));
    times.add(time);
    this.youngSize++;
    return true;
  }

  /** Forgets an identity added by mistake (its reading was not stored after all). */
  delete(device: string, metric: string, deviceTime: number): void {
    const time = deviceTime - (this.base ??= deviceTime);
    if (this.young.get(device)?.get(metric)?.delete(time) === true) this.youngSize--;
    if (this.old.get(device)?.get(metric)?.delete(time) === true) this.oldSize--;
  }

  /** Identities remembered. */
  get size(): number {
    return this.youngSize + this.oldSize;
  }
}

function has(g: Generation, device: string, metric: string, time: number): boolean {
  return g.get(device)?.get(metric)?.has(time) === true;
}
