import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StoredReading } from '../../domain/reading.js';
import { ScriptedRemote, httpError } from '../../../test/support/scripted-remote.js';
import { SpooledTelemetryStore } from './spooled-store.js';

const reading = (i: number, over: Partial<StoredReading> = {}): StoredReading => ({
  site: 's', node: 'n', device: 'd', metric: 'temperature', time: 1_000_000 + i * 1000, value: i, unit: 'Cel', seq: i,
  receivedAt: 2_000_000, flags: 0, ...over,
});
const fast = { idlePollMs: 10, backoff: { initialMs: 5, factor: 2, maxMs: 20, jitter: 0 } };

describe('SpooledTelemetryStore', () => {
  let dir: string;
  let remote: ScriptedRemote;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ct-spool-unit-'));
    remote = new ScriptedRemote();
  });
  afterEach(async () => { await rm(dir, { recursive: true, force: true }); });

  it('retries 5xx and 429 with backoff until the remote store accepts', async () => {
    let failures = 3;
    remote.failWith = () => (failures-- > 0 ? httpError(failures % 2 === 0 ? 503 : 429, 'busy') : undefined);
    const spool = SpooledTelemetryStore.open(join(dir, 's.db'), remote, fast);
    await spool.write([reading(1), reading(2)]);
    expect(await spool.drain(5000)).toBe(true);
    expect(spool.stats()).toMatchObject({ forwarded: 2, retries: 3, deadLettered: 0, depth: 0, lastError: undefined });
    expect(await remote.inner.query({ device: 'd', from: 0, to: 1e13, limit: 10 })).toHaveLength(2);
    await spool.close();
  });

  it('refuses line-protocol points when the remote store takes none, and still takes readings', async () => {
    const spool = SpooledTelemetryStore.open(join(dir, 's.db'), remote, fast);
    await expect(spool.writeLines(['flag_event,flag=f state="open" 1000'])).rejects.toMatchObject({ code: 'E_SPOOL_NO_LINES' });
    await spool.write([reading(1)]);
    expect(await spool.query({ device: 'd', from: 0, to: 1e13, limit: 10 })).toEqual([reading(1)]);
    await spool.close();
  });

  it('dead-letters only the readings a 4xx refuses, with the server message', async () => {
    remote.failWith = (b) => (b.some((r) => r.value === 3) ? httpError(400, 'unable to parse: bad value') : undefined);
    const spool = SpooledTelemetryStore.open(join(dir, 's.db'), remote, { ...fast, batchSize: 10 });
    await spool.write([1, 2, 3, 4].map((i) => reading(i)));
    expect(await spool.drain(5000)).toBe(true);
    expect(spool.stats()).toMatchObject({ forwarded: 3, deadLettered: 1, retries: 0 });
    expect(spool.deadLetters()).toMatchObject([{ value: 3, status: 400, code: 'E_REMOTE_HTTP', error: 'unable to parse: bad value' }]);
    expect((await remote.inner.query({ device: 'd', from: 0, to: 1e13, limit: 10 })).map((r) => r.value)).toEqual([1, 2, 4]);
    await spool.close();
  });

  it('makes a write wait while the spool is full, and counts it', async () => {
    let down = true;
    remote.failWith = () => (down ? httpError(503, 'down') : undefined);
    const spool = SpooledTelemetryStore.open(join(dir, 's.db'), remote, { ...fast, maxPendingRows: 3 });
    await spool.write([reading(1), reading(2), reading(3)]);
    let done = false;
    const blocked = spool.write([reading(4)]).then((r) => { done = true; return r; });
    await new Promise((r) => setTimeout(r, 50));
    expect(done).toBe(false);
    expect(spool.stats()).toMatchObject({ depth: 3, backpressureWaits: 1 });
    down = false;
    expect(await blocked).toMatchObject({ inserted: 1, duplicates: 0 });
    expect(await spool.drain(5000)).toBe(true);
    expect(spool.stats().forwarded).toBe(4);
    await spool.close();
  });

  it('keeps unsent readings across close and reopen, then forwards them once', async () => {
    remote.failWith = () => httpError(503, 'down');
    const path = join(dir, 's.db');
    const first = SpooledTelemetryStore.open(path, remote, { ...fast, closeRemote: false });
    await first.write([reading(1), reading(2)]);
    await first.close();
    remote.failWith = () => undefined;
    const second = SpooledTelemetryStore.open(path, remote, fast);
    expect(second.stats().depth).toBe(2);
    expect(await second.write([reading(1)])).toMatchObject({ inserted: 0, duplicates: 1 });
    expect(await second.drain(5000)).toBe(true);
    expect(await second.query({ device: 'd', from: 0, to: 1e13, limit: 10 })).toEqual([reading(1), reading(2)]);
    await second.close();
  });

  it('reports the age of the oldest waiting reading from the injected clock', async () => {
    let now = 10_000;
    remote.failWith = () => httpError(503, 'down');
    const spool = SpooledTelemetryStore.open(join(dir, 's.db'), remote, { ...fast, clock: { now: () => now } });
    await spool.write([reading(1)]);
    now += 7000;
    expect(spool.stats()).toMatchObject({ depth: 1, oldestAgeMs: 7000 });
    await expect.poll(() => spool.stats().lastError?.code).toBe('E_REMOTE_HTTP');
    await spool.close();
  });
});
