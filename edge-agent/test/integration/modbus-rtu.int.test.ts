/**
 * Modbus RTU over a real tty (socat pty pair), three XY-MD02 slaves on one "bus", one of them dead.
 * docs/domain.md §5 / issue #3: a slave that times out must not stall the bus for the others. Measured: the healthy
 * slaves keep their poll interval while the dead one is retried with backoff and reported, never read as 0.
 */
import type { DeviceStatus } from '@coldtrace/contract';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPtyPair, type PtyPair } from '../../../simulators/src/devices/pty.js';
import { Xymd02, startModbusRtuServer, type ModbusSimServer } from '../../../simulators/src/devices/index.js';
import { ModbusSource, systemClock, type SourceReading, type SourceSink } from '../../src/index.js';
import { int16Register, rtuSourceConfig } from '../helpers/rtu-config.js';

class CollectingSink implements SourceSink {
  readonly data: { device: string; readings: readonly SourceReading[]; at: number }[] = [];
  readonly statuses: { device: string; status: Omit<DeviceStatus, 'v'> }[] = [];
  readings(device: string, readings: readonly SourceReading[]): void {
    this.data.push({ device, readings, at: Date.now() });
  }
  status(device: string, status: Omit<DeviceStatus, 'v'>): void {
    this.statuses.push({ device, status });
  }
}

const INTERVAL_MS = 250;
const TIMEOUT_MS = 200;

describe('modbus rtu over a pty with a dead slave', () => {
  let pty: PtyPair;
  let server: ModbusSimServer;
  let source: ModbusSource;
  const sink = new CollectingSink();
  const sensors = [1, 2, 3].map((unitId) => new Xymd02({ unitId, seed: unitId, stepMs: 3_600_000 }));
  const RUN_MS = 4000;

  beforeAll(async () => {
    pty = await openPtyPair();
    sensors[1]?.setAnswering(false);
    server = await startModbusRtuServer(sensors, { path: pty.a, baudRate: 115200 });
    const config = rtuSourceConfig(
      pty.b,
      [1, 2, 3].map((unitId) => ({
        id: `sensor-${unitId}`,
        unitId,
        timeoutMs: TIMEOUT_MS,
        intervalMs: INTERVAL_MS,
        registers: [int16Register('temperature', 'Cel', 1), int16Register('humidity', '%RH', 2)],
      })),
      115200,
    );
    source = new ModbusSource(config, { clock: systemClock, log: pino({ level: 'silent' }) });
    await source.start(sink);
    await new Promise((r) => setTimeout(r, RUN_MS));
    await source.stop();
  }, 30_000);

  afterAll(async () => {
    await server?.close();
    await pty?.close();
  });

  it('reads the healthy slaves at their interval despite the dead one', () => {
    for (const device of ['sensor-1', 'sensor-3']) {
      const times = sink.data.filter((d) => d.device === device).map((d) => d.at);
      // At least 80 % of the polls the interval allows.
      expect(times.length, device).toBeGreaterThanOrEqual(Math.floor((RUN_MS / INTERVAL_MS) * 0.8));
      const gaps = times.slice(1).map((t, i) => t - (times[i] as number));
      const sorted = [...gaps].sort((a, b) => a - b);
      const median = sorted[Math.floor(sorted.length / 2)] as number;
      expect(median, `${device} median gap`).toBeGreaterThan(INTERVAL_MS * 0.8);
      expect(median, `${device} median gap`).toBeLessThan(INTERVAL_MS * 1.2);
      // A dead-slave timeout may delay one poll by at most that timeout (plus scheduling slack).
      expect(Math.max(...gaps), `${device} worst gap`).toBeLessThan(INTERVAL_MS + TIMEOUT_MS + 150);
    }
  });

  it('publishes what each slave serves', () => {
    for (const d of sink.data) {
      const unit = Number(d.device.split('-')[1]);
      const served = sensors[unit - 1]?.valueAt(d.readings[0]?.time);
      expect(d.readings.map((r) => r.value)).toEqual([served?.temperature, served?.humidity]);
    }
  });

  it('reports the dead slave with error statuses, backs off, and never produces a reading for it', () => {
    expect(sink.data.some((d) => d.device === 'sensor-2')).toBe(false);
    const errors = sink.statuses.filter((s) => s.device === 'sensor-2');
    expect(errors.length).toBeGreaterThanOrEqual(2);
    for (const e of errors) {
      expect(e.status.state).toBe('error');
      expect(e.status.error).toMatch(/E_MODBUS_TIMEOUT/);
    }
    expect(errors.map((e) => e.status.errorCount)).toEqual(errors.map((_, i) => i + 1));
    // Without backoff it would be tried every interval (~16 times); with it, far fewer.
    expect(errors.length).toBeLessThanOrEqual(8);
    expect(source.stats().backoffSkips).toBeGreaterThan(0);
  });

  it('reports the healthy slaves ok once', () => {
    for (const device of ['sensor-1', 'sensor-3']) {
      expect(sink.statuses.filter((s) => s.device === device).map((s) => s.status.state)).toEqual(['ok']);
    }
  });
});
