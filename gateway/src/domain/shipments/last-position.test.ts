import { describe, expect, it } from 'vitest';
import type { Fix } from '../rules/gps.js';
import { lastKeptFix } from './last-position.js';

const MIN = 60_000;
/** A truck heading east on the 52nd parallel at about 60 km/h: 0.0146° of longitude a minute. */
const drive = (device: string, n: number, startMin = 0): Fix[] =>
  Array.from({ length: n }, (_, i) => ({ device, t: (startMin + i) * MIN, lat: 52, lon: 5 + (startMin + i) * 0.0146 }));

const cases: { name: string; fixes: Fix[]; nowMin: number; want: number | undefined }[] = [
  { name: 'is the latest fix of a plausible track', fixes: drive('gps', 10), nowMin: 60, want: 9 },
  { name: 'skips a last fix that jumps 100 km in a minute (dropped for speed)', fixes: [...drive('gps', 10), { device: 'gps', t: 10 * MIN, lat: 53, lon: 5 }], nowMin: 60, want: 9 },
  { name: 'skips a (0, 0) fix', fixes: [...drive('gps', 5), { device: 'gps', t: 5 * MIN, lat: 0, lon: 0 }], nowMin: 60, want: 4 },
  { name: 'skips an out-of-range fix', fixes: [...drive('gps', 5), { device: 'gps', t: 5 * MIN, lat: 91, lon: 5 }], nowMin: 60, want: 4 },
  { name: 'ignores fixes after the evaluation time', fixes: drive('gps', 10), nowMin: 6, want: 6 },
  { name: 'takes the latest over all trackers', fixes: [...drive('a', 5), ...drive('b', 3, 5)], nowMin: 60, want: 7 },
  { name: 'is nothing without fixes', fixes: [], nowMin: 60, want: undefined },
];

describe('lastKeptFix', () => {
  it.each(cases)('$name', ({ fixes, nowMin, want }) => expect(lastKeptFix('S', 'road', fixes, nowMin * MIN)?.t).toBe(want === undefined ? undefined : want * MIN));

  it('keeps judging a tracker from its kept fixes: after a jump, the fixes that follow the jump are dropped too', () => {
    // The jump at minute 10 is dropped, so minute 11 (back on the road) is measured from minute 9 and kept.
    const fixes = [...drive('gps', 10), { device: 'gps', t: 10 * MIN, lat: 53, lon: 5 }, ...drive('gps', 1, 11)];
    expect(lastKeptFix('S', 'road', fixes, 60 * MIN)?.t).toBe(11 * MIN);
    // A second jumped fix after the first: both dropped; the last kept is minute 9.
    const twice = [...drive('gps', 10), { device: 'gps', t: 10 * MIN, lat: 53, lon: 5 }, { device: 'gps', t: 11 * MIN, lat: 53, lon: 5.0146 }];
    expect(lastKeptFix('S', 'road', twice, 60 * MIN)?.t).toBe(9 * MIN);
  });

  it('is the same whatever the order of the fixes', () => {
    const fixes = [...drive('gps', 10), { device: 'gps', t: 10 * MIN, lat: 53, lon: 5 }];
    expect(lastKeptFix('S', 'road', [...fixes].reverse(), 60 * MIN)).toEqual(lastKeptFix('S', 'road', fixes, 60 * MIN));
  });
});
