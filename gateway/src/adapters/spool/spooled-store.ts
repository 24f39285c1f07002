/**
 * A durable spool in front of a remote time-series store. `write` resolves once the readings are committed to a
 * local SQLite file (WAL, synchronous=FULL by default): that commit is what makes the gateway's ack safe while the
 * remote store is down, slow or restarting. A forwarder drains the spool in ack order (see forwarder.ts).
 *
 * Idempotency: the spool recognises a duplicate (device, metric, time) while the first copy is waiting or among
 * the last `retainForwardedRows` forwarded; beyond that window the copy is forwarded again and the remote store
 * overwrites the same point (stored once, not counted). The first copy wins inside the window, as in SQLite.
 *
 * Reads merge: `query` asks the remote store and adds what is still in the spool, so a reading is visible from
 * the moment it is acked. If the remote store cannot answer, `query` rejects (no silent partial answers).
 *
 * Bounded: beyond `maxPendingRows` / `maxPendingBytes` a write waits for the forwarder to make room
 * (backpressure, counted in `backpressureWaits`); nothing is dropped.
 */
import type { ReadingQuery, StoredReading, TelemetryStore, WriteResult } from '../../ports/telemetry-store.js';
import { openDatabase } from '../sqlite/database.js';
import { Forwarder, type FailureInfo } from './forwarder.js';
import { DEFAULT_SPOOL_OPTIONS, SpoolError, type SpoolOptions, type SpoolStats } from './options.js';
import { SpoolDb, readingBytes, type DeadLetter, type SpoolRow } from './spool-db.js';

export class SpooledTelemetryStore implements TelemetryStore {
  readonly options: SpoolOptions;
  private readonly forwarder: Forwarder;
  private pendingRows: number;
  private pendingBytes: number;
  private closed = false;
  private admissions: Promise<unknown> = Promise.resolve();
  private spaceWaiters: (() => void)[] = [];
  private counters = { forwarded: 0, retries: 0, backpressureWaits: 0, duplicates: 0 };
  private lastError: SpoolStats['lastError'];

  private constructor(private readonly db: SpoolDb, private readonly remote: TelemetryStore, options: Partial<SpoolOptions>) {
    this.options = { ...DEFAULT_SPOOL_OPTIONS, ...options };
    const depth = db.depth();
    this.pendingRows = depth.rows;
    this.pendingBytes = depth.bytes;
    this.forwarder = new Forwarder(db, remote, this.options, {
      forwarded: (rows) => this.onForwarded(rows),
      deadLettered: (rows, f) => this.onDeadLettered(rows, f),
      retrying: (f, delayMs) => this.onRetrying(f, delayMs),
    });
    this.forwarder.start();
  }

  /** Opens (or reopens, resuming the queue) the spool file at `path` and starts forwarding to `remote`. */
  static open(path: string, remote: TelemetryStore, options: Partial<SpoolOptions> = {}): SpooledTelemetryStore {
    const durability = options.durability ?? DEFAULT_SPOOL_OPTIONS.durability;
    return new SpooledTelemetryStore(new SpoolDb(openDatabase(path, { durability })), remote, options);
  }

  /** Resolves after the readings are committed to the spool file. Waits while the spool is full; never drops. */
  write(readings: readonly StoredReading[]): Promise<WriteResult> {
    // Admissions run one after another, so writes are spooled (and forwarded) in call order even under backpressure.
    const run = this.admissions.then(() => this.admit(readings));
    this.admissions = run.catch(() => undefined);
    return run;
  }

  async query(q: ReadingQuery): Promise<StoredReading[]> {
    if (this.closed) throw new SpoolError('E_SPOOL_CLOSED', 'spool is closed');
    const remote = await this.remote.query(q);
    const byKey = new Map<string, StoredReading>();
    for (const r of remote) byKey.set(`${r.metric}\u0000${r.time}`, r);
    for (const r of this.db.query(q)) byKey.set(`${r.metric}\u0000${r.time}`, plain(r));
    return [...byKey.values()]
      .sort((a, b) => a.time - b.time || (a.metric < b.metric ? -1 : a.metric > b.metric ? 1 : 0))
      .slice(0, q.limit);
  }

  stats(): SpoolStats {
    const oldest = this.db.oldestPendingAt();
    return {
      depth: this.pendingRows,
      depthBytes: this.pendingBytes,
      oldestAgeMs: oldest === undefined ? 0 : Math.max(0, this.options.clock.now() - oldest),
      ...this.counters,
      deadLettered: this.db.deadLetterCount(),
      lastError: this.lastError,
    };
  }

  /** The oldest dead letters (readings the remote store refused), with the server's message. */
  deadLetters(limit = 100): DeadLetter[] {
    return this.db.deadLetters(limit);
  }

  /** Waits until the spool is empty; resolves false if `timeoutMs` passes first. For shutdown and tests. */
  async drain(timeoutMs: number): Promise<boolean> {
    const deadline = this.options.clock.now() + timeoutMs;
    while (this.pendingRows > 0) {
      if (this.closed || this.options.clock.now() >= deadline) return false;
      await new Promise<void>((resolve) => { setTimeout(resolve, 20); });
    }
    return true;
  }

  /** Stops forwarding after the request in flight; unsent readings stay in the file for the next open. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.releaseWaiters();
    await this.forwarder.stop();
    await this.admissions;
    this.db.close();
    if (this.options.closeRemote) await this.remote.close();
  }

  private async admit(readings: readonly StoredReading[]): Promise<WriteResult> {
    const rows = readings.length;
    const bytes = readings.reduce((sum, r) => sum + readingBytes(r), 0);
    let waited = false;
    while (!this.closed && this.pendingRows > 0 && !this.fits(rows, bytes)) {
      if (!waited) this.counters.backpressureWaits++;
      waited = true;
      await new Promise<void>((resolve) => this.spaceWaiters.push(resolve));
    }
    if (this.closed) throw new SpoolError('E_SPOOL_CLOSED', 'spool is closed');
    const result = this.db.append(readings, this.options.clock.now());
    this.pendingRows += result.inserted;
    this.pendingBytes += result.bytes;
    this.counters.duplicates += result.duplicates;
    if (result.inserted > 0) this.forwarder.nudge();
    return { inserted: result.inserted, duplicates: result.duplicates };
  }

  private fits(rows: number, bytes: number): boolean {
    return this.pendingRows + rows <= this.options.maxPendingRows && this.pendingBytes + bytes <= this.options.maxPendingBytes;
  }

  private leave(rows: readonly SpoolRow[]): void {
    this.pendingRows -= rows.length;
    this.pendingBytes -= rows.reduce((sum, r) => sum + r.bytes, 0);
    this.releaseWaiters();
  }

  private releaseWaiters(): void {
    const waiters = this.spaceWaiters;
    this.spaceWaiters = [];
    for (const w of waiters) w();
  }

  private onForwarded(rows: readonly SpoolRow[]): void {
    this.counters.forwarded += rows.length;
    this.lastError = undefined;
    this.leave(rows);
  }

  private onDeadLettered(rows: readonly SpoolRow[], f: FailureInfo): void {
    this.options.logger?.error({ rows: rows.length, code: f.code, status: f.status, err: f.message }, 'remote store refused readings: dead-lettered');
    this.leave(rows);
  }

  private onRetrying(f: FailureInfo, delayMs: number): void {
    this.counters.retries++;
    this.lastError = { code: f.code, message: f.message, at: this.options.clock.now() };
    this.options.logger?.warn({ code: f.code, status: f.status, err: f.message, delayMs, depth: this.pendingRows }, 'remote store write failed: retrying');
  }
}

function plain(r: SpoolRow): StoredReading {
  return {
    site: r.site, node: r.node, device: r.device, metric: r.metric, time: r.time, value: r.value, unit: r.unit,
    seq: r.seq, receivedAt: r.receivedAt, flags: r.flags,
  };
}
