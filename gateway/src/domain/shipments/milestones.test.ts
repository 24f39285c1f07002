import { describe, expect, it } from 'vitest';
import { milestones, type MilestoneInput } from './milestones.js';

const H = 3_600_000;
const T0 = Date.UTC(2026, 11, 7, 6);
const base: MilestoneInput = { origin: 'AMS', destination: 'RTM', visits: [], fixes: [], custody: [] };
const visit = (place: string, kind: 'origin' | 'hub' | 'destination', arrivedH: number, departedH?: number) =>
  ({ place, kind, device: 'T-1', arrivedMs: T0 + arrivedH * H, ...(departedH !== undefined ? { departedMs: T0 + departedH * H } : {}) });

describe('milestones from evidence', () => {
  it('from the tracker: left the origin, in and out of the hub, at the destination, each with its proving fix', () => {
    const m = milestones({
      ...base,
      visits: [visit('AMS', 'origin', 0, 0.5), visit('HUB-1', 'hub', 2, 3), visit('RTM', 'destination', 5)],
      fixes: [{ device: 'T-1', t: T0 + 0.5 * H, lat: 52.3, lon: 4.9 }, { device: 'T-1', t: T0 + 5 * H, lat: 51.9, lon: 4.5 }],
    });
    expect(m.map((x) => [x.kind, x.place, (x.atMs - T0) / H, x.source])).toEqual([
      ['departed_origin', 'AMS', 0.5, 'tracker'], ['arrived_hub', 'HUB-1', 2, 'tracker'], ['departed_hub', 'HUB-1', 3, 'tracker'], ['arrived_destination', 'RTM', 5, 'tracker'],
    ]);
    expect(m[0]).toMatchObject({ device: 'T-1', fix: { lat: 52.3, lon: 4.9 } });
    expect(m[1]!.fix).toBeUndefined();
  });

  it('no departure while the tracker is still at the origin, no hub departure while still at the hub', () => {
    expect(milestones({ ...base, visits: [visit('AMS', 'origin', 0)] })).toEqual([]);
    expect(milestones({ ...base, visits: [visit('HUB-1', 'hub', 2)] }).map((x) => x.kind)).toEqual(['arrived_hub']);
  });

  it('two trackers: the earliest moment of each, once', () => {
    const m = milestones({ ...base, visits: [visit('AMS', 'origin', 0, 0.6), { ...visit('AMS', 'origin', 0, 0.5), device: 'T-2' }] });
    expect(m).toEqual([expect.objectContaining({ kind: 'departed_origin', device: 'T-2', atMs: T0 + 0.5 * H })]);
  });

  it('from custody where no tracker saw it: the goods leaving, and arriving once placed at the destination', () => {
    const custody = [
      { placement: 'PL-B1', fromMs: T0 + H, toMs: T0 + 6 * H, thenAtDestination: true },
      { placement: 'PL-B2', fromMs: T0 + 1.5 * H, toMs: T0 + 7 * H, thenAtDestination: false },
    ];
    expect(milestones({ ...base, custody }).map((x) => [x.kind, x.place, (x.atMs - T0) / H, x.source, x.placement])).toEqual([
      ['departed_origin', 'AMS', 1, 'custody', 'PL-B1'], ['arrived_destination', 'RTM', 6, 'custody', 'PL-B1'],
    ]);
    // The tracker's word wins where it has one.
    const both = milestones({ ...base, custody, visits: [visit('AMS', 'origin', 0, 0.5)] });
    expect(both.map((x) => [x.kind, x.source])).toEqual([['departed_origin', 'tracker'], ['arrived_destination', 'custody']]);
  });

  it('the same visits in any order give the same milestones', () => {
    const visits = [visit('AMS', 'origin', 0, 0.5), visit('HUB-1', 'hub', 2, 3), visit('RTM', 'destination', 5)];
    expect(milestones({ ...base, visits: [...visits].reverse() })).toEqual(milestones({ ...base, visits }));
  });
});
