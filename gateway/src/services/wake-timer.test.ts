import { describe, expect, it } from 'vitest';
import { ManualTime } from '../../test/support/manual-time.js';
import { WakeTimer } from './wake-timer.js';

describe('WakeTimer', () => {
  it.each([
    ['one ask runs once at its time', [500], [500]],
    ['the earliest of several asks wins, later ones are dropped', [500, 200, 900], [200]],
    ['a negative delay runs at once', [-10], [0]],
  ] as const)('%s', (_w, asks, runsAt) => {
    const time = new ManualTime(0);
    const runs: number[] = [];
    const w = new WakeTimer(time, time, () => runs.push(time.t));
    for (const ms of asks) w.at(ms);
    for (let t = 0; t <= 1000; t += 100) {
      time.t = t;
      time.runDue();
    }
    expect(runs).toEqual(runsAt.map((x) => Math.max(0, Math.ceil(x / 100) * 100)));
  });

  it('can be asked again after it ran, and not after it stopped', () => {
    const time = new ManualTime(0);
    let runs = 0;
    const w = new WakeTimer(time, time, () => { runs++; });
    w.at(0);
    time.runDue();
    w.at(0);
    time.runDue();
    w.stop();
    w.at(0);
    time.runDue();
    expect(runs).toBe(2);
    expect(time.tasks).toEqual([]);
  });
});
