/**
 * The scanner source against the barcode scanner and RFID reader simulators over real ptys (socat): labels printed
 * by the simulator (GS1-128 with FNC1, GS1 DataMatrix, Digital Link) and SGTIN-96 tags it encodes come out of the
 * source as the scan reads they stand for; repeats of a tag in the portal are one read; a bad code is kept.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { DeviceStatus, ScanRead } from '@coldtrace/contract';
import type { SourceReading, SourceSink } from '../../src/sources/source.js';
import { ScannerSource } from '../../src/sources/scanner/scanner-source.js';
import { validateScannerSource } from '../../src/sources/scanner/config.js';
import { openPtyPair, type PtyPair } from '../../../simulators/src/devices/pty.js';
import { ScannerSimulator } from '../../../simulators/src/devices/scanner.js';
import { sscc, sscc96 } from '../../../simulators/src/devices/scan-codes.js';

class ScanSink implements SourceSink {
  readonly messages: { device: string; reads: readonly ScanRead[] }[] = [];
  readings(_d: string, _r: readonly SourceReading[]): void {}
  status(_d: string, _s: Omit<DeviceStatus, 'v'>): void {}
  scans(device: string, reads: readonly ScanRead[]): void {
    this.messages.push({ device, reads });
  }
  get reads(): ScanRead[] {
    return this.messages.flatMap((m) => [...m.reads]);
  }
}

async function waitFor(what: string, cond: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function rig(mode: 'barcode' | 'rfid', extra: Record<string, unknown> = {}): Promise<{ sim: ScannerSimulator; sink: ScanSink; source: ScannerSource; clock: { t: number; now(): number } }> {
  const pair: PtyPair = await openPtyPair();
  cleanups.push(() => pair.close());
  const problems: string[] = [];
  const config = validateScannerSource({ kind: 'scanner', device: 'dock-door-1', mode, path: pair.b, reopenDelayMs: 50, ...extra }, 'sources[0]', problems);
  expect(problems).toEqual([]);
  const clock = { t: Date.UTC(2026, 11, 7, 8), now() { return this.t; } };
  const source = new ScannerSource(config!, { clock });
  const sink = new ScanSink();
  await source.start(sink);
  cleanups.push(() => source.stop());
  const sim = new ScannerSimulator({ path: pair.a });
  await sim.start();
  cleanups.push(() => sim.stop());
  return { sim, sink, source, clock };
}

describe('scanner source', () => {
  it('reads GS1-128, DataMatrix and Digital Link labels into what they say, and keeps a damaged one with its reason', async () => {
    const { sim, sink } = await rig('barcode');
    const pallet = { sscc: '106141411234567897', content: '09506000134352', count: 48, batch: 'LOT-7', expiresOn: '2027-03-31' };
    sim.scanLabel(pallet, 'gs1-128');
    sim.scanLabel({ gtin: '09506000134352', batch: 'A/B', producedOn: '2026-11-02', expiresOn: '2027-11-02' }, 'digital-link');
    sim.scanLabel({ gtin: '09506000134352', batch: 'LOT-8', serial: 'S1' }, 'datamatrix');
    sim.writeLine(']C10109506000134353'); // a label whose check digit is wrong
    await waitFor('four reads', () => sink.reads.length === 4);
    expect(sink.reads.map((r) => r.code ?? r.error)).toEqual([
      pallet,
      { gtin: '09506000134352', batch: 'A/B', producedOn: '2026-11-02', expiresOn: '2027-11-02' },
      { gtin: '09506000134352', batch: 'LOT-8', serial: 'S1' },
      expect.objectContaining({ code: 'E_GS1_CHECK_DIGIT' }),
    ]);
    expect(sink.reads.every((r) => r.time === Date.UTC(2026, 11, 7, 8) && r.via === 'barcode')).toBe(true);
    expect(sink.reads[0]!.raw).toContain('\u001d');
  });

  it('reads each tag of an RFID portal once per window, decoded to GTIN and serial, and gathers the reads in one message', async () => {
    const { sim, sink, source } = await rig('rfid', { batchMs: 100 });
    const tags = [1, 2, 3, 4, 5].map((serial) => ({ gtin: '00614141123452', serial }));
    sim.readTags(tags, 7, 3);
    await waitFor('five tags', () => sink.reads.length === 5);
    expect(sink.reads.map((r) => r.code)).toEqual(tags.map((t) => ({ gtin: t.gtin, serial: String(t.serial) })));
    expect(sink.messages).toHaveLength(1);
    expect(source.stats).toMatchObject({ lines: 15, reads: 5, repeats: 10 });
    expect(sink.reads[0]).toMatchObject({ antenna: 1, rssi: -50 });
  });

  it('reads a pallet\'s SSCC-96 tag to its SSCC', async () => {
    const { sim, sink } = await rig('rfid', { batchMs: 0 });
    const pallet = sscc(3, '9506000', 1_000_001);
    sim.writeLine(`${sscc96(pallet, 7)},ANT:1`);
    await waitFor('the read', () => sink.reads.length === 1);
    expect(sink.reads[0]).toMatchObject({ code: { sscc: pallet }, antenna: 1 });
  });

  it('reads a tag again once the window has passed', async () => {
    const { sim, sink, clock, source } = await rig('rfid', { batchMs: 0, dedupeMs: 1000 });
    sim.readTags([{ gtin: '00614141123452', serial: 9 }], 7, 2);
    await waitFor('both lines', () => source.stats.lines === 2);
    expect(sink.reads).toHaveLength(1);
    clock.t += 1000;
    sim.readTags([{ gtin: '00614141123452', serial: 9 }], 7, 1);
    await waitFor('the second read', () => sink.reads.length === 2);
  });
});
