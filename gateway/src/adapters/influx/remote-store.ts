/**
 * A remote time-series store (InfluxDB 1.x/2.x, VictoriaMetrics) as a TelemetryStore, without a spool.
 *
 * Not durable on its own terms: `write` resolves when the server answered 204, and a server outage is an error to
 * the caller. The gateway puts it behind SpooledTelemetryStore, which makes the ack safe and retries.
 * Duplicates cannot be counted: Influx overwrites a point with the same identity (device, metric, time) in place
 * and does not say whether it existed, so `duplicates` is always 0 here (they are still stored once).
 */
import type { ReadingQuery, SeriesBucket, SeriesQuery, TelemetryStore, WriteResult } from '../../ports/telemetry-store.js';
import { seriesByPaging } from '../paged-series.js';
import type { StoredReading } from '../../domain/reading.js';
import type { ReadingReader, ReadingWriter } from './remote.js';
import { InfluxV1Client, type InfluxV1Init } from './v1.js';
import { InfluxV2Writer, type InfluxV2WriterInit } from './v2-writer.js';
import { VictoriaMetricsReader, type VictoriaReaderOptions } from './victoria-reader.js';

export class RemoteTelemetryStore implements TelemetryStore {
  constructor(readonly writer: ReadingWriter, readonly reader: ReadingReader) {}

  async write(readings: readonly StoredReading[]): Promise<WriteResult> {
    await this.writer.write(readings);
    return { inserted: readings.length, duplicates: 0 };
  }

  /** Other points (flag events, issue #16), line protocol with ms timestamps. */
  writeLines(lines: readonly string[]): Promise<void> {
    return this.writer.writeLines(lines);
  }

  query(q: ReadingQuery): Promise<StoredReading[]> {
    return this.reader.query(q);
  }

  /** Folded from pages of readings (paged-series.ts). */
  series(q: SeriesQuery): Promise<SeriesBucket[]> {
    return seriesByPaging((r) => this.reader.query(r), q);
  }

  async close(): Promise<void> {
    await this.writer.close();
    if ((this.reader as unknown) !== this.writer) await this.reader.close();
  }
}

/** InfluxDB 1.x: native `/write` and InfluxQL `/query`. Creates the database first when `createDatabase` is set. */
export async function openInfluxV1Store(init: InfluxV1Init): Promise<RemoteTelemetryStore> {
  const client = new InfluxV1Client(init);
  await client.init();
  return new RemoteTelemetryStore(client, client);
}

/** VictoriaMetrics: written through the InfluxDB v2 write API, read back through its export API. */
export function openVictoriaMetricsStore(
  init: Omit<InfluxV2WriterInit, 'bucket'> & { bucket?: string; reader?: Partial<VictoriaReaderOptions> },
): RemoteTelemetryStore {
  const { reader, ...writer } = init;
  return new RemoteTelemetryStore(
    new InfluxV2Writer({ bucket: 'coldtrace', ...writer }),
    new VictoriaMetricsReader({ url: init.url, ...reader }),
  );
}
