/**
 * Main-thread handle on the writer worker: one request per group commit, answered when the commit is durable.
 * If the worker dies, pending writes are rejected (nothing acknowledged) and the next write starts a new worker.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { WriteResult } from '../../ports/telemetry-store.js';
import type { StoredReading } from '../../domain/reading.js';
import { SeriesEncoder } from './batch-writer.js';
import type { SqliteOptions } from './database.js';
import type { HeadsSnapshot } from './ingest-log.js';
import type { LogLimits } from './log-heads.js';
import type { WriterReply, WriterRequest } from './writer-worker.js';

interface Waiter { resolve(r: WriterReply): void; reject(e: Error): void }

export class WorkerWriter {
  private worker: Worker | undefined;
  private readonly encoder = new SeriesEncoder();
  private readonly waiting = new Map<number, Waiter>();
  private nextId = 1;

  constructor(private readonly path: string, private readonly options: Partial<SqliteOptions>, private readonly limits: Partial<LogLimits> = {}, private readonly chain = true) {}

  write(readings: readonly StoredReading[]): Promise<WriteResult> {
    const worker = this.worker ?? this.start();
    const batch = this.encoder.encode(readings);
    return this.request(worker, { id: this.nextId++, batch }, [batch.rows.buffer as ArrayBuffer]).then((r) => {
      if (!('inserted' in r)) throw new Error('writer thread answered a write with something else');
      return { inserted: r.inserted, duplicates: r.duplicates, ...(r.logged !== undefined ? { logged: r.logged } : {}) };
    }, (e: unknown) => {
      this.encoder.reset();
      throw e;
    });
  }

  /** True while a writer thread runs (it owns the ingest log's heads). */
  get running(): boolean {
    return this.worker !== undefined;
  }

  /**
   * The logged readings of `series` with device time in [from, to), from the heads of the running writer thread
   * (log layout, ingest-log.ts), and the last log row they cover. Answered after the writes sent before it: whatever
   * was acknowledged is in the answer or already in chunks; what is logged after it is in rows after `logRow`.
   */
  async heads(series: readonly number[], from: number, to: number): Promise<HeadsSnapshot> {
    if (this.worker === undefined) throw new Error('no writer thread runs: read the log rows instead');
    const r = await this.request(this.worker, { id: this.nextId++, heads: { series, from, to } }, []);
    if (!('heads' in r)) throw new Error('writer thread answered a heads request with something else');
    return r.heads;
  }

  async close(): Promise<void> {
    const w = this.worker;
    if (w === undefined) return;
    const exited = new Promise<void>((resolve) => w.once('exit', () => resolve()));
    await this.request(w, { id: this.nextId++, close: true }, []);
    await exited;
  }

  /**
   * Ends the writer thread at once, as a crash would: pending writes are rejected (nothing is acknowledged) and the
   * next write starts a new thread. For tests of that guarantee.
   */
  async terminate(): Promise<void> {
    await this.worker?.terminate();
  }

  private request(worker: Worker, m: WriterRequest, transfer: ArrayBuffer[]): Promise<WriterReply> {
    return new Promise<WriterReply>((resolve, reject) => {
      this.waiting.set(m.id, { resolve, reject });
      worker.postMessage(m, transfer);
    });
  }

  private start(): Worker {
    const w = new Worker(workerScript(), { workerData: { path: this.path, options: this.options, limits: this.limits, chain: this.chain } });
    this.worker = w;
    this.encoder.reset();
    w.on('message', (r: WriterReply) => {
      const waiter = this.waiting.get(r.id);
      if (waiter === undefined) return;
      this.waiting.delete(r.id);
      if ('error' in r) waiter.reject(Object.assign(new Error(r.error.message), r.error.code !== undefined ? { code: r.error.code } : {}));
      else waiter.resolve(r);
    });
    const fail = (e: Error): void => {
      if (this.worker === w) this.worker = undefined;
      for (const waiter of this.waiting.values()) waiter.reject(e);
      this.waiting.clear();
    };
    w.on('error', fail);
    w.on('exit', (code) => fail(new Error(`SQLite writer thread exited (${code})`)));
    return w;
  }
}

/**
 * The worker runs compiled JavaScript. Under the test runner this module is TypeScript from src/, where no .js
 * sibling exists, so the build output of the same file is used (the tests that start gateways need a build anyway).
 */
function workerScript(): URL {
  const here = new URL('./writer-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(here))) return here;
  const built = new URL(here.href.replace('/gateway/src/', '/gateway/dist/'));
  if (!existsSync(fileURLToPath(built))) throw new Error(`${fileURLToPath(built)} is missing: run 'npx tsc -b gateway' first`);
  return built;
}
