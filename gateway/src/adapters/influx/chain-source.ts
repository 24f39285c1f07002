/**
 * A remote store as the source a readings chain is verified against (ports/integrity.ts RemoteReadingsSource,
 * docs/security.md "Readings in a remote store"): its own range query, and its retention as the store itself says it
 * (InfluxDB: `SHOW RETENTION POLICIES`; VictoriaMetrics: `-retentionPeriod` on `/flags`), so a reading its retention
 * deleted is reported as pruned, not as tampering.
 */
import type { StoreConfig } from '../../config.js';
import type { RemoteReadingsSource } from '../../ports/integrity.js';
import type { TelemetryStore } from '../../ports/telemetry-store.js';
import { RemoteStoreError } from './errors.js';

type RemoteConfig = Exclude<StoreConfig, { kind: 'sqlite' }>;

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** VictoriaMetrics' month (`-retentionPeriod=1` is 31 days), and its default retention. */
const VM_MONTH = 31 * DAY;

/** `remote`: the store itself, not the spool in front of it (the spool's copy would hide an edit). */
export function remoteChainSource(config: RemoteConfig, remote: Pick<TelemetryStore, 'query'>, timeoutMs = 10_000): RemoteReadingsSource {
  return {
    describe: `${config.kind} ${config.url}`,
    query: (q) => remote.query(q),
    retainedFrom: async (now) => {
      const ms = config.kind === 'victoria-metrics' ? await victoriaRetentionMs(config.url, timeoutMs) : await influxRetentionMs(config, timeoutMs);
      return ms === undefined ? undefined : now - ms;
    },
  };
}

/** The duration of the retention policy written to (the database's default one unless configured), ms; undefined: forever. */
async function influxRetentionMs(config: Extract<RemoteConfig, { kind: 'influx-v1' | 'influx-v2' }>, timeoutMs: number): Promise<number | undefined> {
  const db = config.kind === 'influx-v1' ? config.db : config.bucket;
  const url = new URL('/query', config.url);
  url.search = new URLSearchParams({ q: `SHOW RETENTION POLICIES ON "${db.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"` }).toString();
  const headers: Record<string, string> = {};
  const user = config.kind === 'influx-v1' ? config.username : 'coldtrace';
  const password = config.kind === 'influx-v1' ? config.password : config.token;
  if (user !== undefined) headers.authorization = `Basic ${Buffer.from(`${user}:${password ?? ''}`).toString('base64')}`;
  const body = await getJson(url, headers, timeoutMs) as { results?: { error?: string; series?: { columns: string[]; values?: unknown[][] }[] }[] };
  const series = body.results?.[0]?.series?.[0];
  // A store that does not answer the statement (InfluxDB 2 may not) does not say: nothing is taken for pruned.
  if (series === undefined) return undefined;
  const col = (name: string): number => series.columns.indexOf(name);
  const wanted = (config.kind === 'influx-v1' ? config.rp : undefined);
  const row = (series.values ?? []).find((v) => (wanted !== undefined ? v[col('name')] === wanted : v[col('default')] === true));
  if (row === undefined) return undefined;
  const ms = goDurationMs(String(row[col('duration')]));
  return ms === 0 ? undefined : ms;
}

/** VictoriaMetrics' `-retentionPeriod` (a bare number is months; h, d, w, y suffixes), ms. */
async function victoriaRetentionMs(base: string, timeoutMs: number): Promise<number> {
  const text = await getText(new URL('/flags', base), {}, timeoutMs);
  const m = /^-retentionPeriod="?([^"\n]*)"?$/m.exec(text);
  return m === null ? VM_MONTH : victoriaPeriodMs(m[1]!);
}

/** A VictoriaMetrics retention period in ms: `3` months, `30d`, `2w`, `1y`, `48h`. */
export function victoriaPeriodMs(s: string): number {
  const m = /^(\d+(?:\.\d+)?)([hdwy]?)$/.exec(s.trim());
  if (m === null) throw new RemoteStoreError('E_REMOTE_RESPONSE', `VictoriaMetrics -retentionPeriod=${s}: not understood`, false);
  const unit = { '': VM_MONTH, h: HOUR, d: DAY, w: 7 * DAY, y: 365 * DAY }[m[2] as '' | 'h' | 'd' | 'w' | 'y'];
  return Number(m[1]) * unit;
}

/** A Go duration as InfluxDB prints it (`168h0m0s`, `0s`), ms. */
export function goDurationMs(s: string): number {
  let ms = 0;
  let rest = s;
  const units: Record<string, number> = { h: HOUR, m: 60_000, s: 1000, ms: 1, us: 1e-3, 'µs': 1e-3, ns: 1e-6 };
  while (rest.length > 0) {
    const m = /^(\d+(?:\.\d+)?)(ms|us|µs|ns|h|m|s)/.exec(rest);
    if (m === null) throw new RemoteStoreError('E_REMOTE_RESPONSE', `InfluxDB retention duration ${s}: not understood`, false);
    ms += Number(m[1]) * units[m[2]!]!;
    rest = rest.slice(m[0].length);
  }
  return ms;
}

async function getText(url: URL, headers: Record<string, string>, timeoutMs: number): Promise<string> {
  const res = await fetch(url, { headers, signal: AbortSignal.timeout(timeoutMs) });
  const text = await res.text();
  if (!res.ok) throw new RemoteStoreError('E_REMOTE_HTTP', `${url.pathname}: HTTP ${res.status} ${text.slice(0, 200)}`, res.status >= 500 || res.status === 429, res.status);
  return text;
}

async function getJson(url: URL, headers: Record<string, string>, timeoutMs: number): Promise<unknown> {
  return JSON.parse(await getText(url, headers, timeoutMs)) as unknown;
}
