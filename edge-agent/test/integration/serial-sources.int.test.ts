/**
 * Serial sources against their simulators over real ptys (socat): simulator on one end, source on the other, and
 * the readings the sink receives compared with what the simulator emitted.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { DeviceStatus } from '@coldtrace/contract';
import type { Priority, SourceReading, SourceSink } from '../../src/sources/source.js';
import { NmeaGpsSource } from '../../src/sources/gps/gps-source.js';
import { LineSource } from '../../src/sources/line/line-source.js';
import { AccelSource } from '../../src/sources/accel/accel-source.js';
import { validateAccelSource } from '../../src/sources/accel/config.js';
import { validateLineSource } from '../../src/sources/line/config.js';
import { openPtyPair, PtyError, type PtyPair } from '../../../simulators/src/devices/pty.js';
import { ManualTicker } from '../../../simulators/src/devices/serial-writer.js';
import { GpsSimulator } from '../../../simulators/src/devices/gps.js';
import { LineSensorSimulator } from '../../../simulators/src/devices/line-sensor.js';
import { AccelSimulator } from '../../../simulators/src/devices/accel.js';

interface Batch { device: string; readings: readonly SourceReading[]; priority: Priority }

class RecordingSink implements SourceSink {
  readonly batches: Batch[] = [];
  readonly statuses: Omit<DeviceStatus, 'v'>[] = [];
  readings(device: string, readings: readonly SourceReading[], priority: Priority = 'live'): void {
    this.batches.push({ device, readings, priority });
  }
  status(_device: string, status: Omit<DeviceStatus, 'v'>): void {
    this.statuses.push(status);
  }
  withMetric(metric: string): Batch[] {
    return this.batches.filter((b) => b.readings.some((r) => r.metric === metric));
  }
}

function value(b: Batch | undefined, metric: string): number | boolean | undefined {
  return b?.readings.find((r) => r.metric === metric)?.value;
}

async function waitFor(what: string, cond: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Everything a test started, stopped in reverse order afterwards. */
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
async function pty(opts?: Parameters<typeof openPtyPair>[0]): Promise<PtyPair> {
  const pair = await openPtyPair(opts);
  cleanups.push(() => pair.close());
  return pair;
}

describe('pty pair', () => {
  it('creates both links and removes them on close', async () => {
    const pair = await openPtyPair();
    expect(existsSync(pair.a) && existsSync(pair.b)).toBe(true);
    await pair.close();
    expect(existsSync(pair.a) || existsSync(pair.b)).toBe(false);
  });

  it('fails loudly when socat is missing', async () => {
    await expect(openPtyPair({ socat: '/nonexistent/socat' })).rejects.toMatchObject({ code: 'E_SOCAT_MISSING' });
    expect(PtyError).toBeDefined();
  });
});

describe('NMEA GPS source', () => {
  it('publishes the fixes the simulator emitted, drops faulty epochs per reason, and reports clock offset', async () => {
    const pair = await pty();
    // One virtual clock for the simulator and the agent: clock.offset is then exactly the configured offset.
    const clock = { t: Date.UTC(2025, 5, 1, 8, 0, 0), now() { return this.t; } };
    const sink = new RecordingSink();
    const source = new NmeaGpsSource(
      { kind: 'nmea-gps', device: 'truck-1-gps', path: pair.b, baudRate: 9600, reopenDelayMs: 200, minIntervalMs: 0 },
      { clock },
    );
    await source.start(sink);
    cleanups.push(() => source.stop());
    const route = [{ lat: 48.1173, lon: 11.516667 }, { lat: 48.12, lon: 11.516667 }, { lat: 48.12, lon: -0.52 }];
    const sim = new GpsSimulator({ path: pair.a, route, speedKmh: 90, clockOffsetMs: 1500, ticker: new ManualTicker(), clock, seed: 42 });
    await sim.start();
    cleanups.push(() => sim.stop());
    await waitFor('first fix', () => sink.batches.length === 1);

    for (let i = 1; i < 25; i++) {
      clock.t += 1000;
      if (i === 5) sim.inject('bad-checksum');
      if (i === 9) sim.inject('no-fix');
      const fix = sim.epoch();
      if (fix.fault) await waitFor(`drop of ${fix.fault}`, () => source.stats.dropped.checksum + source.stats.dropped.no_fix === (i === 5 ? 2 : 3));
      else await waitFor(`fix ${i}`, () => sink.batches.length === sim.emitted.filter((f) => !f.fault).length);
    }

    const valid = sim.emitted.filter((f) => !f.fault);
    expect(valid).toHaveLength(23);
    expect(sink.batches).toHaveLength(23);
    valid.forEach((f, i) => {
      const b = sink.batches[i];
      expect(b?.device).toBe('truck-1-gps');
      expect(b?.readings.every((r) => r.time === f.time)).toBe(true);
      expect(Math.abs((value(b, 'gps.lat') as number) - f.lat)).toBeLessThan(1e-6);
      expect(Math.abs((value(b, 'gps.lon') as number) - f.lon)).toBeLessThan(1e-6);
      expect(value(b, 'gps.speed') as number).toBeCloseTo(f.speedKmh, 9);
      expect(value(b, 'gps.course')).toBe(f.courseDeg);
      expect(value(b, 'gps.sats')).toBe(f.satellites);
      expect(value(b, 'gps.hdop')).toBe(f.hdop);
      expect(value(b, 'gps.alt')).toBe(f.altitudeM);
      expect(value(b, 'clock.offset')).toBe(1500);
    });
    // The route moved: the last fix is on the second leg, ~600 m from the start.
    expect(value(sink.batches[22], 'gps.lat') as number).toBeCloseTo(48.12, 6);
    expect(source.stats.dropped).toMatchObject({ checksum: 2, no_fix: 1, void: 1, malformed: 0 });
    expect(sink.statuses.some((s) => s.state === 'error' && /checksum/.test(s.error ?? ''))).toBe(true);
  });
});

describe('line sensor source', () => {
  it('publishes every good line and counts malformed lines in the device status', async () => {
    const pair = await pty();
    const sink = new RecordingSink();
    const problems: string[] = [];
    const config = validateLineSource(
      { kind: 'line', device: 'room-1-th', path: pair.b, fields: { T: 'temperature', H: { metric: 'humidity' } } },
      'sources[0]',
      problems,
    );
    if (!config) throw new Error(problems.join('\n'));
    const source = new LineSource(config, { statusIntervalMs: 0 });
    await source.start(sink);
    cleanups.push(() => source.stop());
    const sim = new LineSensorSimulator({ path: pair.a, ticker: new ManualTicker(), seed: 5 });
    await sim.start();
    cleanups.push(() => sim.stop());

    for (let i = 0; i < 10; i++) {
      sim.emit();
      if (i === 3 || i === 7) sim.emitGarbage(i === 3 ? 'T=4.#;H' : '\u0000\u00ffT=;;');
    }
    await waitFor('10 readings and 2 malformed lines', () => sink.batches.length === 10 && source.stats.malformed === 2);

    sim.emitted.forEach((e, i) => {
      const b = sink.batches[i];
      expect(b?.readings.map((r) => [r.metric, r.value, r.unit])).toEqual([
        ['temperature', e.temperature, 'Cel'],
        ['humidity', e.humidity, '%RH'],
      ]);
    });
    const errors = sink.statuses.filter((s) => s.state === 'error');
    expect(errors.map((s) => s.errorCount)).toEqual([1, 2]);
    expect(errors[0]?.error).toMatch(/^E_MALFORMED_LINE/);
  });

  it('keeps retrying a port that does not exist yet and reads it once it appears', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'coldtrace-late-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const sink = new RecordingSink();
    const source = new LineSource(
      { kind: 'line', device: 'late', path: join(dir, 'b'), baudRate: 9600, reopenDelayMs: 100, delimiter: '\n', pairSeparator: ';', keyValueSeparator: '=', fields: { T: { metric: 'temperature', scale: 1, offset: 0 } } },
      { statusIntervalMs: 0 },
    );
    await source.start(sink);
    cleanups.push(() => source.stop());
    expect(sink.statuses[0]).toMatchObject({ state: 'error' });
    expect(sink.statuses[0]?.error).toMatch(/^E_SERIAL_OPEN/);

    const pair = await pty({ dir });
    // Give the source a retry period to open the new pty before anything is written.
    await new Promise((r) => setTimeout(r, 300));
    const sim = new LineSensorSimulator({ path: pair.a, ticker: new ManualTicker() });
    await sim.start();
    cleanups.push(() => sim.stop());
    sim.emit();
    await waitFor('a reading after the port appeared', () => sink.batches.length === 1);
    expect(value(sink.batches[0], 'temperature')).toBe(sim.emitted[0]?.temperature);
  });
});

describe('accelerometer source', () => {
  it('reduces raw samples to a 40 g shock, a 0.4 s free fall (0.785 m) and vibration Grms', async () => {
    const pair = await pty();
    const sink = new RecordingSink();
    const problems: string[] = [];
    // Chunks are written faster than real time: allow the device counter to run ahead of the agent clock.
    const config = validateAccelSource({ kind: 'accel', device: 'pallet-1-acc', path: pair.b, vibrationWindowMs: 1000, maxDriftMs: 600_000 }, 's', problems);
    if (!config) throw new Error(problems.join('\n'));
    const source = new AccelSource(config);
    await source.start(sink);
    cleanups.push(() => source.stop());
    const ticker = new ManualTicker();
    const sim = new AccelSimulator({ path: pair.a, ticker, seed: 9, noiseG: 0.02, startCounterMs: 123_000 });
    await sim.start();
    cleanups.push(() => sim.stop());

    ticker.tick(25);
    const drop = sim.injectDrop(400);
    const shock = sim.injectShock(40, 10);
    ticker.tick(25);
    await waitFor('shock and free fall', () => source.stats.shocks === 1 && source.stats.freefalls === 1 && source.stats.lines > 5000);

    const [fall] = sink.withMetric('freefall.duration');
    expect(fall?.priority).toBe('alarm');
    expect(value(fall, 'freefall.duration')).toBe(drop.durationMs);
    expect(value(fall, 'freefall.height') as number).toBeCloseTo(0.785, 3);
    const [hit] = sink.withMetric('shock.peak');
    expect(hit?.priority).toBe('alarm');
    expect(Math.abs((value(hit, 'shock.peak') as number) - 40)).toBeLessThan(0.1);
    const duration = value(hit, 'shock.duration') as number;
    expect(duration).toBeGreaterThan(9);
    expect(duration).toBeLessThanOrEqual(shock.durationMs);
    // Both events keep the spacing the simulator gave them on the device counter.
    const spacing = (hit?.readings[0]?.time ?? 0) - (fall?.readings[0]?.time ?? 0);
    expect(spacing - (shock.atMs - drop.atMs)).toBeGreaterThanOrEqual(0);
    expect(spacing - (shock.atMs - drop.atMs)).toBeLessThanOrEqual(1);

    const windows = sink.withMetric('vibration.grms');
    expect(windows.length).toBeGreaterThanOrEqual(3);
    expect(windows.every((w) => w.priority === 'live')).toBe(true);
    // A quiet window: uniform ±0.02 g noise on z gives Grms ≈ 0.02/√3 ≈ 0.0115 g.
    expect(value(windows[0], 'vibration.grms') as number).toBeCloseTo(0.0115, 2);
    expect(source.stats.malformed).toBe(0);
    expect(source.stats.anchors).toBe(1);
  });
});
