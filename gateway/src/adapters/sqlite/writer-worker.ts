/**
 * Worker thread that owns the SQLite write connection. Commits (and with synchronous=FULL their fsync) run here, so
 * the event loop keeps parsing and validating the next group of messages while the previous group is committed.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { pino } from 'pino';
import { BatchWriter, type EncodedBatch } from './batch-writer.js';
import { openDatabase, type SqliteOptions } from './database.js';
import type { HeadsSnapshot } from './ingest-log.js';
import { DEFAULT_LOG_HEADS_OPTIONS, type LogLimits } from './log-heads.js';

/** A query's request for the logged readings of some series in [from, to): their heads are in this thread. */
export interface HeadsRequest { readonly series: readonly number[]; readonly from: number; readonly to: number }
export type WriterRequest =
  | { readonly id: number; readonly batch: EncodedBatch }
  | { readonly id: number; readonly heads: HeadsRequest }
  | { readonly id: number; readonly close: true };
export type WriterReply =
  | { readonly id: number; readonly inserted: number; readonly duplicates: number; readonly logged?: number }
  | { readonly id: number; readonly heads: HeadsSnapshot }
  | { readonly id: number; readonly error: { readonly message: string; readonly code?: string } };

const { path, options, limits, chain } = workerData as { path: string; options: Partial<SqliteOptions>; limits: Partial<LogLimits>; chain: boolean };
/**
 * The writer's page cache, KiB. It writes mostly at the ends of tables (log rows, new chunk rows), so a small cache
 * serves it; 16 MiB instead of the 64 MiB of readers cut ~10 MB of RSS with 10,000 devices at the same disk writes.
 * A cacheKiB passed in options wins.
 */
const WRITER_CACHE_KIB = 16_384;
const db = openDatabase(path, { cacheKiB: WRITER_CACHE_KIB, ...options });
const writer = new BatchWriter(db, { mode: 'log', log: limits, chain });
const port = parentPort!;
const log = pino({ name: 'sqlite-writer' });
// Heads are also written for their age when no commit comes to do it (commits check after each write): at the latest
// a quarter of the age limit late, checked at most once a minute.
const maxAgeMs = limits.maxAgeMs ?? DEFAULT_LOG_HEADS_OPTIONS.maxAgeMs;
const ageTimer = setInterval(() => {
  try {
    writer.flushAged();
  } catch (e) {
    // The readings stay live in the log (durable, queryable); the next commit or tick tries again.
    log.error({ err: e }, 'writing aged ingest-log heads as chunks failed');
  }
}, Math.min(60_000, Math.max(50, maxAgeMs / 4)));
port.on('message', (m: WriterRequest) => {
  if ('close' in m) {
    clearInterval(ageTimer);
    // A clean stop leaves the log empty: every logged reading is written as a chunk first.
    try {
      writer.flushLog();
    } finally {
      db.close();
    }
    port.postMessage({ id: m.id, inserted: 0, duplicates: 0 } satisfies WriterReply);
    port.close();
    return;
  }
  // A failed request gets an error reply; it must not end the thread that holds the heads.
  try {
    if ('heads' in m) {
      const heads = writer.headReadings(m.heads.series, m.heads.from, m.heads.to);
      port.postMessage({ id: m.id, heads } satisfies WriterReply, [heads.readings.buffer as ArrayBuffer]);
      return;
    }
    const r = writer.write(m.batch);
    port.postMessage({ id: m.id, inserted: r.inserted, duplicates: r.duplicates, logged: writer.logged } satisfies WriterReply);
  } catch (e) {
    const err = e as Error & { code?: string };
    port.postMessage({ id: m.id, error: { message: err.message, ...(err.code !== undefined ? { code: err.code } : {}) } } satisfies WriterReply);
  }
});
