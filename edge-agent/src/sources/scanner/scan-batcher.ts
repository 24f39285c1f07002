/**
 * Between a reader and the sink: folds a code read again on the same device within the hold time into one read (an
 * RFID portal reads a tag many times a second), and gathers reads per device for `batchMs` (or `maxBatch` reads)
 * into one scan message. Time comes from the caller (the agent's clock at receipt), timers from a Scheduler.
 */
import type { ScanRead } from '@coldtrace/contract';
import type { Scheduler } from '../../clock.js';

/** Codes remembered per device for de-duplication; past it, those older than the hold time go first (rule 6). */
const MAX_REMEMBERED = 100_000;

export interface ScanBatcherOptions {
  /** The same key on the same device within this many ms is one read; 0: no folding. */
  readonly dedupeMs: number;
  /** Reads are gathered this long, ms; 0: each `add` call's reads go at once. */
  readonly batchMs: number;
  /** Most reads in one message. */
  readonly maxBatch: number;
}

class DeviceQueue {
  readonly lastSeen = new Map<string, number>();
  pending: ScanRead[] = [];
  timer: { cancel(): void } | undefined;
}

export class ScanBatcher {
  private readonly queues = new Map<string, DeviceQueue>();

  constructor(
    private readonly options: ScanBatcherOptions,
    private readonly scheduler: Scheduler,
    private readonly send: (device: string, reads: ScanRead[]) => void,
  ) {}

  /** Whether `key` was seen on `device` within the hold time before `now`; if not, it is remembered as seen now. */
  repeated(device: string, key: string, now: number): boolean {
    const window = this.options.dedupeMs;
    if (window === 0) return false;
    const seen = this.queue(device).lastSeen;
    const last = seen.get(key);
    if (last !== undefined && now - last < window) return true;
    if (seen.size >= MAX_REMEMBERED) {
      for (const [k, t] of seen) if (now - t >= window) seen.delete(k);
      if (seen.size >= MAX_REMEMBERED) seen.clear();
    }
    seen.set(key, now);
    return false;
  }

  /** Queues a read (already past `repeated`); sends when the batch is full, or at once when `batchMs` is 0. */
  add(device: string, read: ScanRead): void {
    const q = this.queue(device);
    q.pending.push(read);
    if (q.pending.length >= this.options.maxBatch) this.flush(device);
    else if (this.options.batchMs > 0) q.timer ??= this.scheduler.after(this.options.batchMs, () => this.flush(device));
  }

  /** Sends what is queued: of one device, or of all (after a report when `batchMs` is 0, and at stop). */
  flush(device?: string): void {
    for (const [d, q] of this.queues) {
      if (device !== undefined && d !== device) continue;
      q.timer?.cancel();
      q.timer = undefined;
      if (q.pending.length === 0) continue;
      const reads = q.pending;
      q.pending = [];
      this.send(d, reads);
    }
  }

  get immediate(): boolean {
    return this.options.batchMs === 0;
  }

  private queue(device: string): DeviceQueue {
    let q = this.queues.get(device);
    if (q === undefined) this.queues.set(device, (q = new DeviceQueue()));
    return q;
  }
}
