/**
 * Test support: a real store (in-memory SQLite) behind a seam that fails or holds writes as a test scripts them.
 * What the spool forwards is under test, not this store: not a mock of the thing under test.
 */
import type { ReadingQuery, SeriesBucket, SeriesQuery, TelemetryStore, WriteResult } from '../../src/ports/telemetry-store.js';
import type { StoredReading } from '../../src/domain/reading.js';
import { SqliteTelemetryStore } from '../../src/adapters/sqlite/telemetry-store.js';

export class ScriptedRemote implements TelemetryStore {
  readonly inner = SqliteTelemetryStore.open(':memory:');
  /** Returns an error to throw for this batch, or undefined to store it. */
  failWith: (batch: readonly StoredReading[]) => Error | undefined = () => undefined;
  /** Resolves when the write may go on (default: at once). */
  gate: () => Promise<void> = () => Promise.resolve();
  /** Sizes of the requests made, in order. */
  readonly requests: number[] = [];
  /** The readings of each request, in the order the requests were made. */
  readonly sent: (readonly StoredReading[])[] = [];
  inFlight = 0;
  maxInFlight = 0;

  async write(readings: readonly StoredReading[]): Promise<WriteResult> {
    this.requests.push(readings.length);
    this.sent.push(readings);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      await this.gate();
      const e = this.failWith(readings);
      if (e !== undefined) throw e;
      return await this.inner.write(readings);
    } finally {
      this.inFlight--;
    }
  }

  /** Resolves when a query, already read from the store, may answer (default: at once). */
  queryGate: () => Promise<void> = () => Promise.resolve();

  async query(q: ReadingQuery): Promise<StoredReading[]> {
    const rows = await this.inner.query(q);
    await this.queryGate();
    return rows;
  }
  series(q: SeriesQuery): Promise<SeriesBucket[]> { return this.inner.series(q); }
  close(): Promise<void> { return this.inner.close(); }
}

export const httpError = (status: number, message: string): Error =>
  Object.assign(new Error(message), { code: 'E_REMOTE_HTTP', status, retryable: status === 429 || status >= 500 });
