/**
 * The LLRP source against the LLRP reader simulator (llrpjs' server) over real TCP sockets: the ROSpec set-up,
 * SGTIN-96 tags decoded to GTIN and serial and delivered per antenna's device, repeats folded, a bad EPC kept with
 * its reason, a reader that drops and one that refuses ADD_ROSPEC connected again with the ROSpec re-issued.
 * The source's timers run on a hand-driven clock: timeouts, the keepalive watchdog and the backoff fire only when
 * a test advances it, so no verdict depends on the machine's speed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer as createTcpServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import type { DeviceStatus, ScanRead } from '@coldtrace/contract';
import type { SourceReading, SourceSink } from '../../src/sources/source.js';
import { LlrpSource } from '../../src/sources/llrp/llrp-source.js';
import { validateLlrpSource } from '../../src/sources/llrp/config.js';
import { LlrpReaderSimulator } from '../../../simulators/src/devices/llrp-reader.js';
import { sgtin96, sscc96 } from '../../../simulators/src/devices/scan-codes.js';
import { makeCa } from '../../../gateway/test/support/pki.js';
import { ManualTime } from '../helpers/manual-time.js';
import { waitFor } from '../helpers/wait.js';

class ScanSink implements SourceSink {
  readonly messages: { device: string; reads: readonly ScanRead[] }[] = [];
  readonly statuses: { device: string; status: Omit<DeviceStatus, 'v'> }[] = [];
  readings(_d: string, _r: readonly SourceReading[]): void {}
  status(device: string, status: Omit<DeviceStatus, 'v'>): void {
    this.statuses.push({ device, status });
  }
  scans(device: string, reads: readonly ScanRead[]): void {
    this.messages.push({ device, reads });
  }
  get reads(): { device: string; read: ScanRead }[] {
    return this.messages.flatMap((m) => m.reads.map((read) => ({ device: m.device, read })));
  }
}

const T0 = Date.UTC(2026, 11, 7, 8);
const SETUP = ['SET_READER_CONFIG', 'DELETE_ROSPEC', 'ADD_ROSPEC', 'ENABLE_ROSPEC', 'START_ROSPEC'];
const GTIN = '00614141123452';
const tag = (serial: number): string => sgtin96(GTIN, serial, 7);

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A TLS front of the simulator (a reader with LLRP over TLS): its certificate for 127.0.0.1, issued by a test CA. */
async function tlsFront(simPort: number, dir: string): Promise<{ port: number; caFile: string }> {
  const ca = makeCa(dir);
  const server = ca.issue('reader', '127.0.0.1', { server: true });
  const front = createServer({ cert: server.cert, key: server.key }, (s) => {
    const back = connect(simPort, '127.0.0.1');
    s.pipe(back).pipe(s);
    s.on('error', () => back.destroy());
    back.on('error', () => s.destroy());
  });
  await new Promise<void>((r) => front.listen(0, '127.0.0.1', r));
  cleanups.push(() => new Promise((r) => front.close(r)));
  return { port: (front.address() as AddressInfo).port, caFile: ca.certFile };
}

async function rig(extra: Record<string, unknown> = {}, via?: 'tls'): Promise<{ sim: LlrpReaderSimulator; sink: ScanSink; source: LlrpSource; time: ManualTime }> {
  const sim = new LlrpReaderSimulator({ antennas: [1, 2] });
  let port = await sim.start();
  cleanups.push(() => sim.stop());
  if (via === 'tls') {
    const dir = mkdtempSync(join(tmpdir(), 'llrp-tls-'));
    cleanups.push(() => Promise.resolve(rmSync(dir, { recursive: true, force: true })));
    const front = await tlsFront(port, dir);
    port = front.port;
    extra = { tls: { caFile: front.caFile }, ...extra };
  }
  const problems: string[] = [];
  const config = validateLlrpSource({
    kind: 'llrp', host: '127.0.0.1', port, batchMs: 0, reconnectInitialMs: 100, reconnectMaxMs: 100,
    antennas: [{ id: 1, device: 'dock-3-in' }, { id: 2, device: 'dock-3-out' }], ...extra,
  }, 'sources[0]', problems);
  expect(problems).toEqual([]);
  const time = new ManualTime(T0);
  const source = new LlrpSource(config!, { clock: time, scheduler: time, random: () => 0 });
  const sink = new ScanSink();
  await source.start(sink);
  cleanups.push(() => source.stop());
  return { sim, sink, source, time };
}

describe('LLRP source', () => {
  it('sets up the ROSpec and delivers SGTIN-96 tags decoded to GTIN and serial, per antenna device, with the reader time', async () => {
    const { sim, sink, source } = await rig();
    await waitFor('the ROSpec started', () => sim.reporting);
    expect(sim.received).toEqual(SETUP);
    await sim.report([
      { epc: tag(1), antenna: 1, rssi: -48, seenAt: T0 - 1500 },
      { epc: tag(2), antenna: 2, rssi: -61, seenAt: T0 - 1200 },
      { epc: sscc96('106141411234567897', 7), antenna: 1, seenAt: T0 - 1000 },
    ]);
    await waitFor('three reads', () => sink.reads.length === 3);
    // One message per device and report: the portal's two ways are two doors of the registry.
    expect(sink.messages.map((m) => m.device)).toEqual(['dock-3-in', 'dock-3-out']);
    expect(sink.reads).toEqual([
      { device: 'dock-3-in', read: { time: T0 - 1500, via: 'rfid', raw: tag(1), code: { gtin: GTIN, serial: '1' }, antenna: 1, rssi: -48 } },
      { device: 'dock-3-in', read: expect.objectContaining({ code: { sscc: '106141411234567897' }, time: T0 - 1000 }) },
      { device: 'dock-3-out', read: { time: T0 - 1200, via: 'rfid', raw: tag(2), code: { gtin: GTIN, serial: '2' }, antenna: 2, rssi: -61 } },
    ]);
    expect(source.stats).toMatchObject({ sessions: 1, reports: 1, tags: 3, reads: 3, undecoded: 0 });
    expect(source.devices).toEqual(['dock-3-in', 'dock-3-out']);
  });

  it('folds a tag seen again on the same device within the hold time, and reads it again after', async () => {
    const { sim, sink, source, time } = await rig({ dedupeMs: 2000 });
    await waitFor('the ROSpec started', () => sim.reporting);
    await sim.report([{ epc: tag(7), antenna: 1 }, { epc: tag(7), antenna: 1 }, { epc: tag(7), antenna: 2 }]);
    await waitFor('the report', () => source.stats.reports === 1);
    await sim.report([{ epc: tag(7), antenna: 1 }]);
    await waitFor('the second report', () => source.stats.reports === 2);
    await time.advance(2000);
    await sim.report([{ epc: tag(7), antenna: 1 }]);
    await waitFor('the third report', () => source.stats.reports === 3);
    expect(sink.reads.map((r) => r.device)).toEqual(['dock-3-in', 'dock-3-out', 'dock-3-in']);
    expect(source.stats).toMatchObject({ tags: 5, reads: 3, repeats: 2 });
  });

  it('keeps a tag whose EPC is not SGTIN-96 or SSCC-96, and one from an antenna it was not told of, with the reason', async () => {
    const { sim, sink, source } = await rig();
    await waitFor('the ROSpec started', () => sim.reporting);
    const e2 = 'E2801160600002054E7B1234';
    await sim.report([{ epc: e2, antenna: 1 }, { epc: '300833B2DDD9014000000001AABB', antenna: 2 }, { epc: tag(3), antenna: 4 }]);
    await waitFor('three reads', () => sink.reads.length === 3);
    expect(sink.reads).toEqual([
      { device: 'dock-3-in', read: expect.objectContaining({ raw: e2, error: expect.objectContaining({ code: 'E_EPC_SCHEME' }), antenna: 1 }) },
      { device: 'dock-3-in', read: expect.objectContaining({ raw: tag(3), error: { code: 'E_LLRP_ANTENNA', reason: 'antenna 4 is not configured' }, antenna: 4 }) },
      { device: 'dock-3-out', read: expect.objectContaining({ raw: '300833B2DDD9014000000001AABB', error: expect.objectContaining({ code: 'E_EPC_HEX' }) }) },
    ]);
    expect(source.stats.undecoded).toBe(3);
  });

  it('connects again to a reader that dropped, re-issues the ROSpec and loses nothing reported after', async () => {
    const { sim, sink, source, time } = await rig();
    await waitFor('the ROSpec started', () => sim.reporting);
    await sim.report([{ epc: tag(10), antenna: 1 }]);
    await waitFor('the first read', () => sink.reads.length === 1);
    sim.drop();
    await waitFor('the drop counted', () => source.stats.failures.dropped === 1);
    expect(sink.statuses.map((s) => s.status.state)).toContain('error');
    await time.advance(100); // the backoff
    await waitFor('the ROSpec started again', () => sim.starts === 2 && sim.reporting);
    expect(sim.received).toEqual([...SETUP, ...SETUP]);
    const after = Array.from({ length: 50 }, (_, i) => ({ epc: tag(100 + i), antenna: 1 + (i % 2) }));
    await sim.report(after.slice(0, 25));
    await sim.report(after.slice(25));
    await waitFor('fifty reads after the reconnect', () => sink.reads.length === 51);
    expect(sink.reads.slice(1).map((r) => Number(r.read.code?.serial)).sort((a, b) => a - b)).toEqual(after.map((_, i) => 100 + i));
    expect(source.stats).toMatchObject({ sessions: 2, reports: 3 });
  });

  it('says why when the reader answers ADD_ROSPEC with an error, and tries again', async () => {
    const { sim, sink, source, time } = await rig();
    sim.failNext('ADD_ROSPEC', 'M_ParameterError');
    await waitFor('the refusal counted', () => source.stats.failures.status === 1);
    const errors = sink.statuses.filter((s) => s.status.state === 'error').map((s) => [s.device, s.status.error]);
    expect(errors).toEqual([
      ['dock-3-in', 'llrp status: ADD_ROSPEC: M_ParameterError: ADD_ROSPEC refused by the simulator'],
      ['dock-3-out', 'llrp status: ADD_ROSPEC: M_ParameterError: ADD_ROSPEC refused by the simulator'],
    ]);
    expect(sim.starts).toBe(0);
    await time.advance(100);
    await waitFor('the ROSpec started', () => source.stats.sessions === 1);
    expect(sim.received).toEqual([...SETUP.slice(0, 3), ...SETUP]);
  });

  it('asks the reader for keepalives and answers them', async () => {
    const { sim, source } = await rig({ keepaliveMs: 100 }); // the simulator's keepalives run on real timers
    await waitFor('two keepalives answered', () => sim.received.filter((t) => t === 'KEEPALIVE_ACK').length >= 2);
    expect(source.stats.keepalives).toBeGreaterThanOrEqual(2);
    expect(source.stats.failures.silent).toBe(0); // the watchdog runs on the hand clock, which has not moved
  });

  it('tries again when the reader refuses the connection, and drops a reader gone silent', async () => {
    const { sim, source, time } = await rig({ keepaliveMs: 60_000 });
    sim.refuseNext();
    await waitFor('the refusal counted', () => source.stats.failures.refused === 1);
    expect(sim.received).toEqual([]);
    await time.advance(100);
    await waitFor('the ROSpec started', () => source.stats.sessions === 1); // the watchdog is armed from here
    await time.advance(3 * 60_000 - 1);
    expect(source.stats.failures.silent).toBe(0);
    await time.advance(1);
    expect(source.stats.failures.silent).toBe(1); // three keepalive periods with nothing from the reader
    await time.advance(100);
    await waitFor('the ROSpec started again', () => source.stats.sessions === 2);
    expect(sim.starts).toBe(2);
  });

  it('speaks LLRP over TLS, the reader certificate verified against the configured CA', async () => {
    const { sim, sink } = await rig({}, 'tls');
    await waitFor('the ROSpec started', () => sim.reporting);
    await sim.report([{ epc: tag(5), antenna: 1 }]);
    await waitFor('the read', () => sink.reads.length === 1);
    expect(sink.reads[0]!.read.code).toEqual({ gtin: GTIN, serial: '5' });
  });

  it('refuses a reader whose certificate the configured CA did not sign', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'llrp-tls-'));
    cleanups.push(() => Promise.resolve(rmSync(dir, { recursive: true, force: true })));
    const other = makeCa(dir, 'other');
    const { sim, source } = await rig({ tls: { caFile: other.certFile } }, 'tls');
    await waitFor('the refusal counted', () => source.stats.failures.connect === 1);
    expect(sim.connections).toBe(0); // the handshake failed before the front connected through
    expect(sim.received).toEqual([]);
  });

  it('says which CA file it cannot read, and counts it as a connection failure', async () => {
    const { sim, sink, source } = await rig({ tls: { caFile: '/nonexistent/reader-ca.pem' } });
    await waitFor('the failure counted', () => source.stats.failures.connect === 1);
    expect(sink.statuses[0]?.status.error).toMatch(/^llrp connect: tls\.caFile \/nonexistent\/reader-ca\.pem: ENOENT/);
    expect(sim.connections).toBe(0);
  });

  it('gives up on a peer that accepts the connection but never says it is a reader, and tries again', async () => {
    const mute = createTcpServer(() => undefined);
    await new Promise<void>((r) => mute.listen(0, '127.0.0.1', r));
    let accepted = 0;
    mute.on('connection', (sock) => {
      accepted++;
      cleanups.push(() => Promise.resolve(sock.destroy()));
    });
    cleanups.push(() => new Promise((r) => mute.close(r)));
    const time = new ManualTime(T0);
    const problems: string[] = [];
    const config = validateLlrpSource({ kind: 'llrp', host: '127.0.0.1', port: (mute.address() as AddressInfo).port, timeoutMs: 5000, reconnectInitialMs: 100, reconnectMaxMs: 100, antennas: [{ id: 1, device: 'd' }] }, 's', problems);
    const source = new LlrpSource(config!, { clock: time, scheduler: time, random: () => 0 });
    await source.start(new ScanSink());
    cleanups.push(() => source.stop());
    await waitFor('the connection', () => accepted === 1 && source.phase === 'awaiting-event');
    await time.advance(4999);
    expect(source.stats.failures.timeout).toBe(0);
    await time.advance(1);
    expect(source.stats.failures.timeout).toBe(1);
    expect(source.phase).toBe('backoff');
    await time.advance(100);
    await waitFor('the second connection', () => accepted === 2);
  });
});
