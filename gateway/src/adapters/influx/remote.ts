/**
 * The two halves of a remote time-series store. Writing and reading are separate because the backends differ:
 * VictoriaMetrics accepts Influx line protocol but reads back through its own export API, not InfluxQL or Flux.
 */
import type { ReadingQuery } from '../../ports/telemetry-store.js';
import type { StoredReading } from '../../domain/reading.js';

export interface ReadingWriter {
  /**
   * Sends the readings in one request. Resolves once the server accepted them; rejects with a RemoteStoreError
   * whose `retryable` tells whether the same batch may be sent again. Idempotent by point identity (device, metric,
   * time): sending a batch twice stores it once.
   */
  write(readings: readonly StoredReading[]): Promise<void>;
  /** Sends other points (flag events) as line protocol with ms timestamps, in one request; rejects as `write` does. */
  writeLines(lines: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

export interface ReadingReader {
  /** Readings of one device in [from, to), oldest first, at most `limit`. */
  query(q: ReadingQuery): Promise<StoredReading[]>;
  close(): Promise<void>;
}
