/**
 * A durable spool in front of a remote time-series store. `write` resolves once the readings are committed to a
 * local SQLite file (WAL, synchronous=FULL by default) as one row per commit: that commit is what makes the gateway's
 * ack safe while the remote store is down, slow or restarting. A forwarder drains the spool in large requests,
 * several at once (see forwarder.ts).
 *
 * Idempotency: the spool recognises a duplicate (device, metric, time) among the last `dedupWindow` readings it
 * took (in memory, rebuilt from the waiting commits when the file is opened); beyond that window the copy is
 * forwarded again and the remote store overwrites the same point (stored once, not counted). Inside the window the
 * first copy wins, as in SQLite.
 *
 * Reads merge: `query` asks the remote store and adds what is still in the spool, so a reading is visible from
 * the moment it is acked. If the remote store cannot answer, `query` rejects (no silent partial answers).
 *
 * Bounded: beyond `maxPendingRows` / `maxPendingBytes` a write waits for the forwarder to make room
 * (backpressure, counted in `backpressureWaits`); nothing is dropped.
 *
 * Other points (flag events, issue #16) travel the same queue as line protocol (`writeLines`): held through an
 * outage of the remote store as readings are, dead-lettered with the server's message when refused.
 */
import type { ReadingQuery, SeriesBucket, SeriesQuery, TelemetryStore, WriteResult } from '../../ports/telemetry-store.js';
import { seriesByPaging } from '../paged-series.js';
import type { StoredReading } from '../../domain/reading.js';
import { openDatabase } from '../sqlite/database.js';
import { Forwarder, type FailureInfo } from './forwarder.js';
import { DEFAULT_SPOOL_OPTIONS, SpoolError, type LineWriter, type SpoolOptions, type SpoolStats } from './options.js';
import { RecentKeys } from './recent-keys.js';
import { SpoolDb, type DeadLetter, type SpoolBatch } from './spool-db.js';

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
  private readonly recent: RecentKeys;

  private constructor(private readonly db: SpoolDb, private readonly remote: TelemetryStore & Partial<LineWriter>, options: Partial<SpoolOptions>) {
    this.options = { ...DEFAULT_SPOOL_OPTIONS, ...options };
    const depth = db.depth();
    this.pendingRows = depth.rows;
    this.pendingBytes = depth.bytes;
    this.recent = new RecentKeys(this.options.dedupWindow);
    for (let after = 0, batches = db.batchesAfter(0, 256); batches.length > 0; batches = db.batchesAfter(after, 256)) {
      for (const b of batches) for (const r of b.decode()) this.recent.add(r.device, r.metric, r.time);
      after = batches[batches.length - 1]!.id;
    }
    this.forwarder = new Forwarder(db, remote, this.options, {
      forwarded: (batches, readings, dead, failure) => this.onForwarded(batches, readings, dead, failure),
      retrying: (f, delayMs) => this.onRetrying(f, delayMs),
    });
    this.forwarder.start();
  }

  /** Opens (or reopens, resuming the queue) the spool file at `path` and starts forwarding to `remote`. */
  static open(path: string, remote: TelemetryStore & Partial<LineWriter>, options: Partial<SpoolOptions> = {}): SpooledTelemetryStore {
    const durability = options.durability ?? DEFAULT_SPOOL_OPTIONS.durability;
    return new SpooledTelemetryStore(new SpoolDb(openDatabase(path, { durability }), options.chain), remote, options);
  }

  /** Resolves after the readings are committed to the spool file. Waits while the spool is full; never drops. */
  write(readings: readonly StoredReading[]): Promise<WriteResult> {
    // Admissions run one after another, so writes are spooled (and forwarded) in call order even under backpressure.
    const run = this.admissions.then(() => this.admit(readings));
    this.admissions = run.catch(() => undefined);
    return run;
  }

  /**
   * Commits line-protocol points (ms timestamps) to the spool; resolves once they are in the file. Waits while the
   * spool is full, never drops. No duplicate check: the store overwrites a point of the same identity.
   */
  writeLines(lines: readonly string[]): Promise<void> {
    const run = this.admissions.then(async () => {
      if (this.remote.writeLines === undefined) throw new SpoolError('E_SPOOL_NO_LINES', 'the remote store takes no line-protocol points');
      if (lines.length === 0) return;
      await this.waitForRoom(lines.length, lines.reduce((n, l) => n + l.length, 0));
      this.pendingBytes += this.db.appendLines(lines, this.options.clock.now());
      this.pendingRows += lines.length;
      this.forwarder.nudge();
    });
    this.admissions = run.catch(() => undefined);
    return run;
  }

  /** Folded from pages of `query` (spool and remote merged; paged-series.ts). */
  series(q: SeriesQuery): Promise<SeriesBucket[]> {
    return seriesByPaging((r) => this.query(r), q);
  }

  async query(q: ReadingQuery): Promise<StoredReading[]> {
    if (this.closed) throw new SpoolError('E_SPOOL_CLOSED', 'spool is closed');
    // The spool first: a reading forwarded while the remote store answers is then in one of the two (and forwarded
    // commits stay in the spool for a while, for a store that makes new points searchable only later).
    const spooled = this.db.query(q);
    const remote = await this.remote.query(q);
    const byKey = new Map<string, StoredReading>();
    for (const r of remote) byKey.set(`${r.metric}\u0000${r.time}`, r);
    for (const r of spooled) byKey.set(`${r.metric}\u0000${r.time}`, r);
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

  /** The oldest line-protocol points the remote store refused, with the server's message. */
  deadLines(limit = 100): ReturnType<SpoolDb['deadLines']> {
    return this.db.deadLines(limit);
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
    // Room is judged before encoding, at ~64 bytes a reading (56 in the body, plus a share of its string table).
    await this.waitForRoom(readings.length, readings.length * 64);
    const fresh: StoredReading[] = [];
    // With a readings chain, what the store will hold (the link covers it): the spool keeps and forwards the same.
    for (const r of this.db.chain?.canonical(readings) ?? readings) if (this.recent.add(r.device, r.metric, r.time)) fresh.push(r);
    const duplicates = readings.length - fresh.length;
    if (fresh.length > 0) {
      try {
        const now = this.options.clock.now();
        this.pendingBytes += this.db.chain === undefined ? this.db.append(fresh, now) : this.db.chain.commit(fresh, () => this.db.append(fresh, now));
      } catch (e) {
        // Not stored: a resent copy must not be taken for a duplicate.
        for (const r of fresh) this.recent.delete(r.device, r.metric, r.time);
        throw e;
      }
    }
    this.counters.duplicates += duplicates;
    if (fresh.length === 0) return { inserted: 0, duplicates };
    this.pendingRows += fresh.length;
    this.forwarder.nudge();
    return { inserted: fresh.length, duplicates };
  }

  /** Waits until `rows` and about `bytes` fit (or the spool is empty); throws when the spool closes. */
  private async waitForRoom(rows: number, bytes: number): Promise<void> {
    let waited = false;
    while (!this.closed && this.pendingRows > 0 && !this.fits(rows, bytes)) {
      if (!waited) this.counters.backpressureWaits++;
      waited = true;
      await new Promise<void>((resolve) => this.spaceWaiters.push(resolve));
    }
    if (this.closed) throw new SpoolError('E_SPOOL_CLOSED', 'spool is closed');
  }

  private fits(rows: number, bytes: number): boolean {
    return this.pendingRows + rows <= this.options.maxPendingRows && this.pendingBytes + bytes <= this.options.maxPendingBytes;
  }

  private leave(batches: readonly SpoolBatch[]): void {
    for (const b of batches) {
      this.pendingRows -= b.count;
      this.pendingBytes -= b.bytes;
    }
    this.releaseWaiters();
  }

  private releaseWaiters(): void {
    const waiters = this.spaceWaiters;
    this.spaceWaiters = [];
    for (const w of waiters) w();
  }

  private onForwarded(batches: readonly SpoolBatch[], readings: number, dead: number, failure: FailureInfo | undefined): void {
    this.counters.forwarded += readings;
    this.lastError = undefined;
    if (dead > 0) {
      this.options.logger?.error({ readings: dead, code: failure?.code, status: failure?.status, err: failure?.message }, 'remote store refused readings: dead-lettered');
    }
    this.leave(batches);
  }

  private onRetrying(f: FailureInfo, delayMs: number): void {
    this.counters.retries++;
    const now = this.options.clock.now();
    this.lastError = { code: f.code, message: f.message, at: now, since: this.lastError?.since ?? now };
    this.options.logger?.warn({ code: f.code, status: f.status, err: f.message, delayMs, depth: this.pendingRows }, 'remote store write failed: retrying');
  }
}
