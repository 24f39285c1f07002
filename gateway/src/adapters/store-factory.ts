/**
 * Picks the TelemetryStore adapter the configuration names. Remote stores always sit behind the durable spool, so
 * the gateway's ack never depends on a remote server being up.
 */
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { GatewayConfig } from '../config.js';
import type { TelemetryStore } from '../ports/telemetry-store.js';
import type { FlagPointSink } from '../ports/flag-mirror.js';
import { flagLines } from './influx/flag-schema.js';
import { openRemoteStore } from './influx/open-remote.js';
import { SpooledTelemetryStore } from './spool/spooled-store.js';
import { remoteChainSource } from './influx/chain-source.js';
import type { RemoteReadingsSource } from '../ports/integrity.js';
import type { Retention } from '../ports/retention.js';
import { SqliteTelemetryStore } from './sqlite/telemetry-store.js';

export interface OpenedStore {
  readonly store: TelemetryStore;
  /** Health of the store for /health: spool depth and forwarding errors for remote stores. */
  health(): { ok: boolean; detail: string };
  /** Retention and hourly rollups: the embedded store only. */
  readonly retention?: Retention;
  /** The remote store the spool's readings chain is verified against; remote stores with chaining on only. */
  readonly remoteReadings?: RemoteReadingsSource;
  /** Flag events into the remote store, through the spool (issue #16); remote stores only. */
  readonly flagSink?: FlagPointSink;
}

/** Remote store writes failing this long make the gateway not ready, ms (the store answers no query either). */
export const REMOTE_FAILING_NOT_READY_MS = 10_000;

export async function createTelemetryStore(config: GatewayConfig, log: Logger): Promise<OpenedStore> {
  const s = config.store;
  if (s.kind === 'sqlite') {
    const store = SqliteTelemetryStore.open(join(config.dataDir, 'telemetry.db'), { durability: config.durability, chain: config.integrity.chain });
    return { store, retention: store.retention, health: () => ({ ok: true, detail: 'sqlite' }) };
  }
  const remote = await openRemoteStore(s, { createDatabase: true });
  const spool = SpooledTelemetryStore.open(join(config.dataDir, 'spool.db'), remote, {
    durability: config.durability, logger: log.child({ component: 'spool' }),
    batchSize: config.forward.batchReadings, concurrency: config.forward.concurrency,
    // VictoriaMetrics keeps values to about 12 digits: chained on a decimal grid it returns exactly (docs/security.md).
    chain: !config.integrity.chain ? undefined : s.kind === 'victoria-metrics' ? 'decimal' : 'exact',
  });
  return {
    store: spool,
    ...(config.integrity.chain ? { remoteReadings: remoteChainSource(s, remote) } : {}),
    flagSink: { write: (points) => spool.writeLines(flagLines(points)) },
    health: () => {
      const st = spool.stats();
      const failingMs = st.lastError === undefined ? 0 : spool.options.clock.now() - st.lastError.since;
      const detail = `${s.kind} ${s.url}: ${st.depth} readings spooled, oldest ${Math.round(st.oldestAgeMs / 1000)} s, ${st.deadLettered} dead-lettered` +
        `${st.lastError !== undefined ? `, writes failing for ${Math.round(failingMs / 1000)} s, last error: ${st.lastError.message}` : ''}`;
      // Not ready when the remote store has failed every write for a while (down, or stalled: a timeout) or the spool
      // lags so far that dashboards reading the store are stale; the spool keeps taking readings meanwhile.
      return { ok: st.oldestAgeMs < 60_000 && failingMs < REMOTE_FAILING_NOT_READY_MS, detail };
    },
  };
}
