/**
 * Bus scheduling policy on hand-driven time (issue #24): a failing slave never takes the bus ahead of a healthy
 * slave whose poll is due, also when its timeout is close to the healthy interval. The transport is a stand-in for
 * the port (a healthy slave answers in `answerMs`, a dead one never does), so every verdict is exact.
 */
import type { DeviceStatus } from '@coldtrace/contract';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { ManualTime } from '../../../test/helpers/manual-time.js';
import { int16Register, rtuSourceConfig } from '../../../test/helpers/rtu-config.js';
import type { SourceReading, SourceSink } from '../source.js';
import { ModbusSource } from './source.js';
import { ModbusError, type ModbusTransport } from './transport.js';

const T0 = 1_800_000_000_000;

class BusLog implements ModbusTransport {
  readonly requests: { unitId: number; at: number; timeoutMs: number }[] = [];
  private busyUntil = 0;
  overlaps = 0;
  constructor(
    private readonly time: ManualTime,
    private readonly dead: Set<number>,
    private readonly answerMs: number,
  ) {}
  async read(unitId: number, _fc: 3 | 4, _address: number, count: number, timeoutMs: number): Promise<number[]> {
    const at = this.time.now();
    if (at < this.busyUntil) this.overlaps += 1;
    this.requests.push({ unitId, at, timeoutMs });
    const dead = this.dead.has(unitId);
    this.busyUntil = at + (dead ? timeoutMs : this.answerMs);
    await this.time.sleep(dead ? timeoutMs : this.answerMs);
    if (dead) throw new ModbusError('E_MODBUS_TIMEOUT', `Timed out after ${timeoutMs} ms`);
    return new Array<number>(count).fill(215);
  }
  async close(): Promise<void> {}
  revive(unitId: number): void {
    this.dead.delete(unitId);
  }
}

class Sink implements SourceSink {
  readonly data: { device: string; time: number }[] = [];
  readonly statuses: { device: string; state: DeviceStatus['state'] }[] = [];
  readings(device: string, readings: readonly SourceReading[]): void {
    this.data.push({ device, time: readings[0]?.time ?? NaN });
  }
  status(device: string, status: Omit<DeviceStatus, 'v'>): void {
    this.statuses.push({ device, state: status.state });
  }
}

interface Slave {
  readonly unitId: number;
  readonly intervalMs: number;
  readonly timeoutMs: number;
}

async function run(slaves: readonly Slave[], dead: readonly number[], runMs: number, reviveAfterMs = Infinity) {
  const answerMs = 20;
  const time = new ManualTime(T0);
  const config = rtuSourceConfig(
    '/dev/null',
    slaves.map((s) => ({ id: `slave-${s.unitId}`, unitId: s.unitId, timeoutMs: s.timeoutMs, intervalMs: s.intervalMs, registers: [int16Register('temperature', 'Cel', 1)] })),
  );
  const transport = new BusLog(time, new Set(dead), answerMs);
  const source = new ModbusSource(config, { clock: time, scheduler: time, log: pino({ level: 'silent' }), transport, random: () => 0.5 });
  const sink = new Sink();
  if (reviveAfterMs < runMs) time.after(reviveAfterMs, () => dead.forEach((u) => transport.revive(u)));
  await source.start(sink);
  await time.advance(runMs);
  const stats = source.stats();
  const stopping = source.stop();
  await time.advance(10_000);
  await stopping;
  const intervals = (unitId: number) => {
    const at = transport.requests.filter((r) => r.unitId === unitId).map((r) => r.at);
    return at.slice(1).map((t, i) => t - (at[i] as number));
  };
  return { transport, sink, stats, intervals };
}

describe('bus scheduling with a dead slave', () => {
  const cases = [
    { name: "the issue's case: 2,000 ms healthy, dead slave with a 1,000 ms timeout", healthy: 2000, deadTimeout: 1000 },
    { name: 'a dead timeout close to the healthy interval (950 of 1,000 ms)', healthy: 1000, deadTimeout: 950 },
    { name: 'a dead timeout longer than the healthy interval (1,500 of 1,000 ms)', healthy: 1000, deadTimeout: 1500 },
    { name: 'equal intervals and grids (1,000 ms both, 1,000 ms timeout)', healthy: 1000, deadTimeout: 1000 },
  ];
  // Both orders: when two polls fall due in the same millisecond, the timer set first fires first.
  for (const [c, deadFirst] of cases.flatMap((c) => [[c, false], [c, true]] as const)) {
    it(`keeps the healthy slave exactly on its interval: ${c.name}${deadFirst ? ', dead slave configured first' : ''}`, async () => {
      const healthy = { unitId: 1, intervalMs: c.healthy, timeoutMs: 1000 };
      const dead = { unitId: 2, intervalMs: c.healthy, timeoutMs: c.deadTimeout };
      const { transport, sink, intervals } = await run(
        deadFirst ? [dead, healthy] : [healthy, dead],
        [2],
        120_000,
      );
      const gaps = intervals(1);
      const first = transport.requests.find((r) => r.unitId === 1)?.at ?? NaN;
      if (deadFirst) {
        // At start nothing says which slave is dead: the first in the configuration is polled first, once.
        // Its slot at T0 was taken; it is served when the bus frees, then keeps its grid.
        expect(first - T0).toBe(c.deadTimeout);
        expect(gaps.length).toBeGreaterThanOrEqual(120_000 / c.healthy - 1);
        expect(new Set(gaps.slice(1))).toEqual(new Set([c.healthy]));
      } else {
        expect(first).toBe(T0);
        expect(gaps.length).toBe(120_000 / c.healthy);
        expect(new Set(gaps)).toEqual(new Set([c.healthy]));
      }
      expect(transport.overlaps).toBe(0);
      // The dead slave is still tried (so a repaired one comes back), never ahead of a due healthy poll.
      const probes = transport.requests.filter((r) => r.unitId === 2);
      expect(probes.length).toBeGreaterThanOrEqual(3);
      for (const p of probes) {
        const end = p.at + p.timeoutMs;
        const nextHealthy = transport.requests.find((r) => r.unitId === 1 && r.at >= p.at);
        if (nextHealthy) expect(end, `probe at ${p.at - T0}`).toBeLessThanOrEqual(nextHealthy.at);
      }
      expect(sink.statuses.filter((s) => s.device === 'slave-1').map((s) => s.state)).toEqual(['ok']);
    });
  }

  it('shares the bus among healthy slaves without overlap, and serves a repaired slave again', async () => {
    const { transport, sink, intervals } = await run(
      [
        { unitId: 1, intervalMs: 500, timeoutMs: 300 },
        { unitId: 2, intervalMs: 700, timeoutMs: 300 },
        { unitId: 3, intervalMs: 1000, timeoutMs: 400 },
      ],
      [3],
      60_000,
      30_000,
    );
    expect(transport.overlaps).toBe(0);
    const back = sink.data.filter((d) => d.device === 'slave-3').map((d) => d.time - T0);
    expect(back.length).toBeGreaterThan(0);
    // Backoff is capped at 60 s, but from 30 s on it is already past 4 failures: it comes back within its backoff.
    expect(back[0]).toBeGreaterThan(30_000);
    expect(sink.statuses.filter((s) => s.device === 'slave-3').at(-1)?.state).toBe('ok');
    // Healthy slaves due in the same millisecond go one after the other: a poll waits at most one answer (20 ms)
    // per other healthy slave (one before slave 3 is repaired, two after), never a timeout.
    for (const [unit, interval] of [
      [1, 500],
      [2, 700],
    ] as const) {
      const gaps = intervals(unit);
      const repairedAt = transport.requests.filter((r) => r.unitId === unit).findIndex((r) => r.at - T0 > 30_000);
      for (const [i, gap] of gaps.entries()) expect(Math.abs(gap - interval), `slave ${unit}`).toBeLessThanOrEqual(i + 1 < repairedAt ? 20 : 40);
    }
  });

  it('gives a lone dead slave its whole timeout (no healthy poll to protect)', async () => {
    const { transport } = await run([{ unitId: 2, intervalMs: 1000, timeoutMs: 800 }], [2], 30_000);
    const probes = transport.requests.filter((r) => r.unitId === 2);
    expect(probes.length).toBeGreaterThanOrEqual(3);
    expect(new Set(probes.map((p) => p.timeoutMs))).toEqual(new Set([800]));
  });
});
