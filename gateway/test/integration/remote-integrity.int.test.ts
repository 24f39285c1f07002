/**
 * The readings chain of a remote store (docs/security.md "Readings in a remote store") against a real InfluxDB 1.6.7
 * and a real VictoriaMetrics: the spool chains each commit it takes; verification (the gateway's ledger, as
 * GET /api/v1/integrity/verify runs it) reads the readings back from the store and re-derives every link. An
 * untouched store verifies; a point rewritten or deleted through the store's own API is named by device, metric and
 * time; a spool closed with commits not yet forwarded (a gateway restart during an outage of the store) verifies
 * after it reopens and drains; readings the store's retention deleted are pruned, not tampering.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoreConfig } from '../../src/config.js';
import { remoteChainSource } from '../../src/adapters/influx/chain-source.js';
import { openInfluxV1Store, openVictoriaMetricsStore, type RemoteTelemetryStore } from '../../src/adapters/influx/index.js';
import { SqliteIntegrityLedger } from '../../src/adapters/sqlite/integrity/ledger.js';
import { openDatabase } from '../../src/adapters/sqlite/database.js';
import { SpooledTelemetryStore } from '../../src/adapters/spool/index.js';
import { decodeReadings, encodeReadings } from '../../src/adapters/spool/spool-codec.js';
import type { ValuePrecision } from '../../src/domain/integrity/remote-readings.js';
import type { StoredReading } from '../../src/domain/reading.js';
import type { VerifyReport } from '../../src/ports/integrity.js';
import { forceFlushVictoria, startInfluxd, startVictoriaMetrics, type TestServer } from '../support/influx-servers.js';

const H = 3_600_000;
/** Device times two hours back (VictoriaMetrics refuses samples older than its retention). */
const T0 = Math.floor(Date.now() / H) * H - 2 * H;
const fast = { idlePollMs: 20, lingerMs: 0, retainForwardedMs: 0, backoff: { initialMs: 50, factor: 2, maxMs: 400, jitter: 0.5 } };
const { publicKey } = generateKeyPairSync('ed25519');
const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();

const reading = (dt: number, value: number, device = 'd1', metric = 'temperature'): StoredReading => ({
  site: 'wh1', node: 'edge-1', device, metric, unit: metric === 'temperature' ? 'Cel' : '%RH', time: T0 + dt, value, seq: dt / 1000, receivedAt: T0 + dt + 7, flags: 0,
});

/** Three commits over two devices and two metrics, with values a float64 keeps and a decimal store does not. */
const commits: StoredReading[][] = [
  [reading(0, 4.5), reading(1000, 0.1 + 0.2), reading(2000, -18.25), reading(0, 55, 'd1', 'humidity')],
  [reading(0, 3.75, 'd2'), reading(1000, -123.45678901234568, 'd2'), reading(3000, 5)],
  [reading(4000, 5.125), reading(1000, 56.5, 'd1', 'humidity')],
];

interface World {
  readonly server: TestServer;
  readonly kind: string;
  readonly precision: ValuePrecision;
  /** A fresh database (InfluxDB) or device prefix (VictoriaMetrics) per test. */
  readonly config: (id: string) => Exclude<StoreConfig, { kind: 'sqlite' }>;
  /** `create`: make the database first (InfluxDB; the server must be up). */
  readonly open: (config: Exclude<StoreConfig, { kind: 'sqlite' }>, create?: boolean) => Promise<RemoteTelemetryStore>;
  /** Makes what was written searchable now. */
  readonly settle: () => Promise<void>;
  /** Writes one line of line protocol through the store's own write API. */
  readonly writeLine: (config: Exclude<StoreConfig, { kind: 'sqlite' }>, line: string) => Promise<void>;
  /**
   * Takes the store down and brings it back. InfluxDB is killed (SIGKILL) and restarted; VictoriaMetrics is stopped
   * (SIGSTOP) and continued: killed, it loses what it took in its last seconds (seen with Debian's build: a sample
   * written and flushed a second before SIGKILL was gone after the restart), which the chain would rightly name.
   */
  readonly down: () => Promise<void>;
  readonly up: () => Promise<void>;
  /** Deletes the device's metric at one time (or all times) through the store's own API. */
  readonly remove: (config: Exclude<StoreConfig, { kind: 'sqlite' }>, device: string, metric: string, time?: number) => Promise<void>;
}

let dir: string;
/** Tests so far: each names its spool file, database and devices after its number. */
let tests = 0;
beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'ct-remote-chain-')); });
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

async function ok(res: Response): Promise<void> {
  if (!res.ok) throw new Error(`HTTP ${res.status}: ${await res.text()}`);
}

const influx = async (): Promise<World> => {
  const server = await startInfluxd();
  const query = async (db: string, q: string): Promise<void> => {
    const res = await fetch(`${server.url}/query?${new URLSearchParams({ db, q })}`, { method: 'POST' });
    await ok(res);
    const body = await res.json() as { results: { error?: string }[] };
    if (body.results[0]?.error !== undefined) throw new Error(body.results[0].error);
  };
  return {
    server, kind: 'InfluxDB 1.6.7', precision: 'exact',
    config: (id) => ({ kind: 'influx-v1', url: server.url, db: `chain_${id}` }),
    open: (c, create = true) => openInfluxV1Store({ url: server.url, database: (c as { db: string }).db, createDatabase: create }),
    settle: () => Promise.resolve(),
    down: () => server.kill(),
    up: () => server.restart(),
    writeLine: async (c, line) => ok(await fetch(`${server.url}/write?db=${(c as { db: string }).db}&precision=ms`, { method: 'POST', body: line })),
    remove: (c, device, metric, time) => query((c as { db: string }).db, time === undefined
      ? `DROP SERIES FROM "${metric}" WHERE "device" = '${device}'`
      : `DELETE FROM "${metric}" WHERE "device" = '${device}' AND time = ${time}ms`),
  };
};

const victoria = async (): Promise<World> => {
  const server = await startVictoriaMetrics();
  return {
    server, kind: 'VictoriaMetrics', precision: 'decimal',
    config: () => ({ kind: 'victoria-metrics', url: server.url }),
    // A short request timeout: a request to the stopped server ends soon, so the spool closes soon.
    open: (c) => Promise.resolve(openVictoriaMetricsStore({ url: c.url, timeoutMs: 500 })),
    settle: () => forceFlushVictoria(server.url),
    down: () => { server.pause(); return Promise.resolve(); },
    up: () => { server.resume(); return Promise.resolve(); },
    writeLine: async (_c, line) => ok(await fetch(`${server.url}/api/v2/write?precision=ms&bucket=x`, { method: 'POST', body: line })),
    // VictoriaMetrics deletes whole series, not points: the device's metric goes, every time of it.
    remove: async (_c, device, metric) => ok(await fetch(`${server.url}/api/v1/admin/tsdb/delete_series?${new URLSearchParams({ 'match[]': `{__name__=~"${metric}_.+",device="${device}"}` })}`, { method: 'POST' })),
  };
};

/** The gateway's ledger over a spool file, verifying against the store as GET /api/v1/integrity/verify does. */
async function ledgerVerify(world: World, config: Exclude<StoreConfig, { kind: 'sqlite' }>, spoolPath: string, id: string): Promise<VerifyReport> {
  const [telemetry, registry, meta] = [openDatabase(spoolPath), openDatabase(join(dir, `registry-${id}.db`)), openDatabase(join(dir, `meta-${id}.db`))];
  const remote = await world.open(config, false);
  try {
    return await new SqliteIntegrityLedger({ telemetry, registry, meta, publicKeyPem, remote: remoteChainSource(config, remote, 500) }).verify(Date.now());
  } finally {
    for (const db of [telemetry, registry, meta]) db.close();
    await remote.close();
  }
}

describe.each([['InfluxDB 1.6.7', influx], ['VictoriaMetrics', victoria]] as const)('readings chain in %s', (_name, start) => {
  let world: World;
  beforeAll(async () => { world = await start(); });
  afterAll(async () => { await world?.server.stop(); });

  /** A test's own spool file and database; devices are renamed per test so VictoriaMetrics' series never meet. */
  async function setup(): Promise<{ config: Exclude<StoreConfig, { kind: 'sqlite' }>; spoolPath: string; open: (create?: boolean) => Promise<SpooledTelemetryStore>; dev: (d: string) => string; verify: (settle?: boolean) => Promise<VerifyReport> }> {
    const id = `${process.pid}_${++tests}`;
    const config = world.config(id);
    const spoolPath = join(dir, `spool-${id}.db`);
    const open = async (create = true): Promise<SpooledTelemetryStore> => SpooledTelemetryStore.open(spoolPath, await world.open(config, create), { ...fast, chain: world.precision });
    const verify = async (settle = true): Promise<VerifyReport> => {
      if (settle) await world.settle();
      return ledgerVerify(world, config, spoolPath, id);
    };
    return { config, spoolPath, open, dev: (d) => `${d}-${id}`, verify };
  }

  const renamed = (dev: (d: string) => string, rs: readonly StoredReading[]): StoredReading[] => rs.map((r) => ({ ...r, device: dev(r.device) }));

  async function writeAll(store: SpooledTelemetryStore, dev: (d: string) => string, batches: readonly StoredReading[][] = commits): Promise<void> {
    for (const c of batches) await store.write(renamed(dev, c));
  }

  it('verifies an untouched store: one link per commit, every link re-derived from what the store answers', async () => {
    const { open, dev, verify } = await setup();
    const store = await open();
    await writeAll(store, dev);
    await store.write(renamed(dev, [reading(0, 4.5)])); // a duplicate only: no commit, no link
    expect(await store.drain(10_000)).toBe(true);
    await store.close();
    const report = await verify();
    expect(report.readings).toMatchObject({ length: 3, verified: 3, pruned: 0 });
    expect(report.readings).not.toHaveProperty('broken');
    expect(report.ok).toBe(true);
  });

  it('names a point rewritten through the store\'s write API (same series and time, another value)', async () => {
    const { config, open, dev, verify } = await setup();
    const store = await open();
    await writeAll(store, dev);
    expect(await store.drain(10_000)).toBe(true);
    await store.close();
    await world.settle();
    await world.writeLine(config, `temperature,device=${dev('d2')},node=edge-1,site=wh1,unit=Cel value=3.5 ${T0 + 1000}`);
    const report = await verify();
    expect(report.ok).toBe(false);
    expect(report.readings).toMatchObject({ broken: { chain: 'readings', reason: 'content', link: 2, device: dev('d2'), metric: 'temperature', time: T0 + 1000 }, verified: 1 });
  });

  it('names a point deleted through the store\'s own API', async () => {
    const { config, open, dev, verify } = await setup();
    const store = await open();
    await writeAll(store, dev);
    expect(await store.drain(10_000)).toBe(true);
    await store.close();
    await world.settle(); // VictoriaMetrics deletes only what it has made searchable
    await world.remove(config, dev('d1'), 'humidity', T0 + 1000);
    // InfluxDB deletes the one point (the third commit's); VictoriaMetrics the whole series (the first commit's too).
    const report = await verify();
    expect(report.ok).toBe(false);
    const first = world.precision === 'exact' ? { link: 3, time: T0 + 1000 } : { link: 1, time: T0 };
    expect(report.readings).toMatchObject({ broken: { chain: 'readings', reason: 'missing', device: dev('d1'), metric: 'humidity', ...first } });
  });

  it('checks commits not yet forwarded against the spool\'s copy, and names an edit of that copy', async () => {
    const { spoolPath, config, dev, verify } = await setup();
    // Nothing is forwarded for a minute: every commit waits in the spool.
    const store = SpooledTelemetryStore.open(spoolPath, await world.open(config), { ...fast, lingerMs: 60_000, chain: world.precision });
    await writeAll(store, dev);
    const report = await verify();
    expect(report.readings).toMatchObject({ length: 3, verified: 3 });
    expect(report.notes.join(' ')).toContain('3 commits were still in the spool');
    // The second commit's body with one value changed (the codec's float64 column of values).
    const db = openDatabase(spoolPath);
    const { id, body } = db.prepare('SELECT id, body FROM spool_batch ORDER BY id LIMIT 1 OFFSET 1').get() as { id: number; body: Buffer };
    const edited = decodeReadings(body).map((r) => (r.device === dev('d2') && r.time === T0 ? { ...r, value: 9.5 } : r));
    db.prepare('UPDATE spool_batch SET body = ? WHERE id = ?').run(encodeReadings(edited), id);
    db.close();
    expect((await verify()).readings).toMatchObject({ broken: { reason: 'content', link: 2, device: dev('d2'), metric: 'temperature', time: T0 } });
    await store.close();
  });

  it('keeps commit ids above every link\'s after the spool was emptied and reopened', async () => {
    const { spoolPath, config, open, dev, verify } = await setup();
    let store = await open();
    await writeAll(store, dev, commits.slice(0, 2));
    expect(await store.drain(10_000)).toBe(true);
    await store.close(); // every forwarded commit is gone from the spool (retainForwardedMs 0): ids could start again at 1
    // Reopened, nothing forwarded for a minute: the new commit waits in the spool while its link is checked.
    store = SpooledTelemetryStore.open(spoolPath, await world.open(config, false), { ...fast, lingerMs: 60_000, chain: world.precision });
    await writeAll(store, dev, commits.slice(2));
    const report = await verify();
    expect(report.readings).toMatchObject({ length: 3, verified: 3 });
    await store.close();
  });

  it('verifies after a restart with commits still spooled while the store was down', async () => {
    const { open, dev, verify } = await setup();
    let store = await open();
    await writeAll(store, dev, commits.slice(0, 1));
    expect(await store.drain(10_000)).toBe(true);
    await world.down();
    await writeAll(store, dev, commits.slice(1, 2));
    // The store cannot be read: nothing verified, and the report does not say ok.
    const during = await verify(false);
    expect(during.ok).toBe(false);
    expect(during.readings).toHaveProperty('unavailable');
    await store.close();
    store = await open(false);
    await writeAll(store, dev, commits.slice(2));
    await world.up();
    expect(await store.drain(20_000)).toBe(true);
    await store.close();
    const report = await verify();
    expect(report.readings).toMatchObject({ length: 3, verified: 3 });
    expect(report.ok).toBe(true);
  });
});

describe('readings chain in InfluxDB 1.6.7: retention', () => {
  let world: World;
  beforeAll(async () => { world = await influx(); });
  afterAll(async () => { await world?.server.stop(); });

  it('counts links whose readings the store\'s retention passed as pruned, and still names a newer reading deleted', async () => {
    const config = world.config(`ret_${process.pid}`) as Extract<StoreConfig, { kind: 'influx-v1' }>;
    const spoolPath = join(dir, `spool-ret-${process.pid}.db`);
    const store = SpooledTelemetryStore.open(spoolPath, await world.open(config), { ...fast, chain: 'exact' });
    const old = T0 - 30 * H;
    await store.write([{ ...reading(0, 1), time: old }]);
    await store.write([reading(0, 2, 'd3')]);
    expect(await store.drain(10_000)).toBe(true);
    await store.close();
    const q = (s: string): Promise<Response> => fetch(`${world.server.url}/query?${new URLSearchParams({ db: config.db, q: s })}`, { method: 'POST' });
    // What retention does to a shard of a policy of one day: the old point goes.
    await ok(await q(`ALTER RETENTION POLICY "autogen" ON "${config.db}" DURATION 24h SHARD DURATION 1h DEFAULT`));
    await ok(await q(`DELETE FROM "temperature" WHERE "device" = 'd1' AND time = ${old}ms`));
    const verify = (): Promise<VerifyReport> => ledgerVerify(world, config, spoolPath, 'ret');
    const report = await verify();
    expect(report.readings).toMatchObject({ length: 2, verified: 1, pruned: 1 });
    expect(report.ok).toBe(true);
    expect(report.notes.join(' ')).toContain('older than the store\'s retention');
    await ok(await q(`DELETE FROM "temperature" WHERE "device" = 'd3'`));
    expect((await verify()).readings).toMatchObject({ broken: { reason: 'missing', link: 2, device: 'd3', time: T0 } });
  });
});
