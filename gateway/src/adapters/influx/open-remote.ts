/**
 * Opens the remote store a configuration names (InfluxDB 1.x, 2.x, VictoriaMetrics), without the spool: the gateway
 * puts it behind one (store-factory.ts); coldtrace-verify reads it directly to verify the spool's readings chain.
 */
import type { StoreConfig } from '../../config.js';
import { InfluxV1Client } from './v1.js';
import { InfluxV2Writer } from './v2-writer.js';
import { RemoteTelemetryStore, openInfluxV1Store, openVictoriaMetricsStore } from './remote-store.js';

export type RemoteStoreConfig = Exclude<StoreConfig, { kind: 'sqlite' }>;

/** `createDatabase`: InfluxDB 1.x only, `CREATE DATABASE` first (the gateway does; a reader must not). */
export async function openRemoteStore(s: RemoteStoreConfig, o: { readonly createDatabase: boolean }): Promise<RemoteTelemetryStore> {
  switch (s.kind) {
    case 'influx-v1':
      return openInfluxV1Store({
        url: s.url, database: s.db, createDatabase: o.createDatabase,
        ...(s.rp !== undefined ? { retentionPolicy: s.rp } : {}),
        ...(s.username !== undefined ? { username: s.username, password: s.password ?? '' } : {}),
      });
    case 'influx-v2':
      // Writes: the v2 API. Reads: InfluxQL through the v1-compatibility API, which 2.x and 3.x answer for a bucket
      // (a token is accepted as the basic-auth password there).
      return new RemoteTelemetryStore(
        new InfluxV2Writer({ url: s.url, org: s.org, bucket: s.bucket, token: s.token }),
        new InfluxV1Client({ url: s.url, database: s.bucket, username: 'coldtrace', password: s.token }),
      );
    case 'victoria-metrics':
      return openVictoriaMetricsStore({ url: s.url });
  }
}
