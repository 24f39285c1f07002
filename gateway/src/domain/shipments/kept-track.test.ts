import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../../simulators/src/random.js';
import { gpsFindings, type Fix } from '../rules/gps.js';
import { keptTrack, lastKeptFix } from './kept-track.js';

const MIN = 60_000;
/** A truck heading east on the 52nd parallel at about 60 km/h: 0.0146° of longitude a minute. */
const drive = (device: string, n: number, startMin = 0): Fix[] =>
  Array.from({ length: n }, (_, i) => ({ device, t: (startMin + i) * MIN, lat: 52, lon: 5 + (startMin + i) * 0.0146 }));
const at = (device: string, min: number, lat: number, lon: number): Fix => ({ device, t: min * MIN, lat, lon });
const last = (fixes: Fix[], nowMin = 60) => lastKeptFix(keptTrack('road', fixes, nowMin * MIN))?.t;

const cases: { name: string; fixes: Fix[]; nowMin?: number; want: number | undefined }[] = [
  { name: 'is the latest fix of a plausible track', fixes: drive('gps', 10), want: 9 },
  { name: 'skips a last fix that jumps 100 km in a minute (dropped for speed)', fixes: [...drive('gps', 10), at('gps', 10, 53, 5)], want: 9 },
  { name: 'skips a (0, 0) fix', fixes: [...drive('gps', 5), at('gps', 5, 0, 0)], want: 4 },
  { name: 'skips an out-of-range fix', fixes: [...drive('gps', 5), at('gps', 5, 91, 5)], want: 4 },
  { name: 'ignores fixes after the evaluation time', fixes: drive('gps', 10), nowMin: 6, want: 6 },
  { name: 'takes the latest over all trackers', fixes: [...drive('a', 5), ...drive('b', 3, 5)], want: 7 },
  { name: 'measures a fix after a jump from the last kept fix: back on the road, kept', fixes: [...drive('gps', 10), at('gps', 10, 53, 5), ...drive('gps', 1, 11)], want: 11 },
  { name: 'drops the fixes that follow a jump near it: both off', fixes: [...drive('gps', 10), at('gps', 10, 53, 5), at('gps', 11, 53, 5.0146)], want: 9 },
  { name: 'is nothing without fixes', fixes: [], want: undefined },
];

describe('keptTrack and lastKeptFix', () => {
  it.each(cases)('$name', ({ fixes, nowMin, want }) => expect(last(fixes, nowMin)).toBe(want === undefined ? undefined : want * MIN));

  it('keeps the fixes per tracker in time order, whatever the order given', () => {
    const fixes = [...drive('b', 3), ...drive('a', 3), at('a', 3, 53, 5)];
    const kept = keptTrack('road', [...fixes].reverse(), 60 * MIN);
    expect(kept.map((f) => `${f.device}${f.t / MIN}`)).toEqual(['a0', 'a1', 'a2', 'b0', 'b1', 'b2']);
  });

  it('drops exactly as many fixes as the GPS rules count as dropped, on tracks with jumps, zeros and future fixes', () => {
    // A seeded walk: most fixes plausible, some jumps, some (0, 0), some after the evaluation time; two trackers.
    const rand = seededRandom(42);
    const fixes: Fix[] = [];
    for (const device of ['t1', 't2']) {
      let lon = 5;
      for (let i = 0; i < 400; i++) {
        lon += 0.01;
        const r = rand();
        fixes.push(r < 0.05 ? at(device, i, 52 + rand(), lon) : r < 0.07 ? at(device, i, 0, 0) : at(device, i, 52, lon));
      }
    }
    for (const nowMin of [399, 300]) {
      const rules = gpsFindings({ shipment: 'S', mode: 'road', fixes, route: [], corridorM: 0, known: [], nowMs: nowMin * MIN, related: { devices: [], zones: [], batches: [], shipments: [], orders: [] } });
      const dropped = rules.dropped.reduce((n, d) => n + d.count, 0);
      expect(dropped).toBeGreaterThan(20);
      expect(keptTrack('road', fixes, nowMin * MIN)).toHaveLength(fixes.length - dropped);
    }
  });
});
