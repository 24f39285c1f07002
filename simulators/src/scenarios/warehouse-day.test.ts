import { describe, expect, it } from 'vitest';
import { runsBeyond } from './series.js';
import { warehouseDay, WAREHOUSE_RULE } from './warehouse-day.js';

const NOW = Date.parse('2026-12-01T12:00:30Z');
const s = warehouseDay({ nowMs: NOW });
const temps = (device: string) => s.readings.filter((r) => r.device === device && r.metric === 'temperature').map((r) => ({ time: r.time, value: r.value as number }));
const longestMin = (device: string, offends: (v: number) => boolean): number =>
  Math.max(0, ...runsBeyond(temps(device), offends, 180_000).map((r) => (r.endMs - r.startMs) / 60_000));

describe('warehouse-day script', () => {
  it('is the same for the same now and seed, and ends at the minute before now', () => {
    const { live: _live, ...again } = warehouseDay({ nowMs: NOW });
    const { live: _first, ...script } = s;
    expect(again).toEqual(script);
    expect(warehouseDay({ nowMs: NOW, seed: 2 }).readings).not.toEqual(s.readings);
    expect(s.nowMs).toBe(Date.parse('2026-12-01T12:00:00Z'));
    expect(Math.max(...s.readings.map((r) => r.time))).toBe(s.nowMs - 60_000);
  });

  it("lets room A's door openings pass 8 °C for minutes, always shorter than the 30 min delay", () => {
    const longest = longestMin('wd-cold-a-1', (v) => v >= 8);
    expect(longest).toBeGreaterThan(3);
    expect(longest).toBeLessThan(30);
  });

  it("keeps room B beyond 8 °C longer than the delay during the HVAC failure only, and every room above its lower bounds", () => {
    expect(longestMin('wd-cold-b-1', (v) => v >= 8)).toBeGreaterThan(60);
    for (const room of ['wd-cold-a-1', 'wd-cold-b-1']) expect(longestMin(room, (v) => v <= 2)).toBe(0);
    const ambient = temps('wd-ambient-1').map((r) => r.value);
    expect(Math.min(...ambient)).toBeGreaterThan(15);
    expect(Math.max(...ambient)).toBeLessThan(30);
  });

  it('expects the excursion on the two batches of room B, met 30 min after the first reading at 8 °C or more', () => {
    const first = temps('wd-cold-b-1').find((r) => r.time > s.startMs + 6 * 3_600_000 && r.value >= 8)!;
    expect(s.expected.map((e) => [e.rule, e.subject.id, e.orders, e.metAtMs])).toEqual([
      [WAREHOUSE_RULE, 'WD-VAX-B1', ['ORD-WD-102'], first.time + 30 * 60_000],
      [WAREHOUSE_RULE, 'WD-INS-B2', ['ORD-WD-103', 'ORD-WD-104'], first.time + 30 * 60_000],
    ]);
  });

  it('goes on live with the undisturbed curve of each zone sensor', () => {
    const t = s.startMs + 60_000;
    const past = s.readings.find((r) => r.device === 'wd-ambient-1' && r.metric === 'temperature' && r.time === t)!;
    expect(s.live.find((l) => l.device === 'wd-ambient-1' && l.metric === 'temperature')!.value(t)).toBe(past.value);
  });
});
