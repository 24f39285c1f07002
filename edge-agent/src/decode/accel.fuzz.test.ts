/**
 * Fuzzing the accelerometer line parser and reducer (issue #17): any line gives a finite sample, nothing or an error,
 * never an exception; any sample stream gives events with finite, consistent numbers, every sample counted once.
 * COLDTRACE_FUZZ=<factor> multiplies the runs (docs/engineering.md, "Fuzzing").
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { METRICS } from '@coldtrace/contract';
import { AccelReducer, MAX_SAMPLE_G, accelEventReadings, dropHeightM, magnitude, parseAccelLine, type AccelSample } from './accel.js';

const runs = (n: number): number => Math.max(1, Math.round(n * Number(process.env['COLDTRACE_FUZZ'] ?? 1)));

describe('accelerometer decoding under fuzzing', () => {
  it('answers any line with a finite sample, nothing, or an error', () => {
    const num = fc.oneof(fc.double().map(String), fc.integer().map(String), fc.constantFrom('1e999', '-1e999', '1e-999', '1e200', '-1.5e154', '.5', '5.', '+1', '', 'NaN', '0x1'));
    const line = fc.oneof(
      fc.string(),
      fc.tuple(fc.constantFrom('A', 'a', 'B', '#'), fc.oneof(fc.nat().map(String), num), num, num, num).map((fs) => fs.join(',')),
      fc.array(fc.constantFrom('A', ',', '1', '.', 'e', '9', '-', ' ', '#'), { maxLength: 30 }).map((cs) => cs.join('')),
    );
    fc.assert(fc.property(line, (l) => {
      const r = parseAccelLine(l);
      if (!r.ok) {
        expect(r.error.trim()).not.toBe('');
        return;
      }
      if (r.sample === undefined) return;
      const { t, ax, ay, az } = r.sample;
      for (const x of [t, ax, ay, az]) expect(Number.isFinite(x), `${l} -> ${x}`).toBe(true);
      expect(magnitude(r.sample)).toBeLessThanOrEqual(MAX_SAMPLE_G);
      expect(t).toBeGreaterThanOrEqual(0);
    }), { numRuns: runs(3000) });
  });

  it('reduces any sample stream to events with finite, consistent numbers, counting every sample once', () => {
    const axis = fc.oneof(fc.double({ min: -1, max: 1, noNaN: true }), fc.double({ min: -60, max: 60, noNaN: true }), fc.double({ min: -577, max: 577, noNaN: true }), fc.constant(0));
    const step = fc.record({ dt: fc.oneof({ weight: 6, arbitrary: fc.constant(1) }, fc.integer({ min: -2, max: 80 }), fc.constantFrom(0.5, 60_000)), ax: axis, ay: axis, az: axis });
    // Samples as the parser passes them: |a| at most MAX_SAMPLE_G (577 g on each axis is just under).
    const stream = fc.array(step, { maxLength: 400 });
    fc.assert(fc.property(stream, fc.integer({ min: 0, max: 2 ** 40 }), (steps, t0) => {
      const reducer = new AccelReducer({ vibrationWindowMs: 100, freefallMinMs: 20 });
      const o = reducer.options;
      let t = t0;
      let last = -Infinity;
      for (const { dt, ax, ay, az } of steps) {
        t += dt;
        const s: AccelSample = { t, ax, ay, az };
        for (const e of reducer.push(s)) {
          for (const r of accelEventReadings(e).readings) expect(Number.isFinite(r.value), `${r.metric} ${String(r.value)}`).toBe(true);
          if (e.kind === 'shock') expect(e.peakG).toBeLessThanOrEqual(METRICS['shock.peak'].max);
          expect(Number.isFinite(e.time)).toBe(true);
          expect(e.time).toBeLessThanOrEqual(t);
          if (e.kind === 'shock') {
            expect(e.peakG).toBeGreaterThanOrEqual(o.shockThresholdG);
            expect(e.durationMs).toBeGreaterThanOrEqual(0);
            expect(e.time + e.durationMs).toBeLessThanOrEqual(t + 0.5); // time is rounded to the ms
          } else if (e.kind === 'freefall') {
            expect(e.durationMs).toBeGreaterThanOrEqual(o.freefallMinMs);
            expect(e.heightM).toBe(dropHeightM(e.durationMs));
          } else {
            expect(e.grms).toBeGreaterThanOrEqual(0);
            expect(e.samples).toBeGreaterThan(0);
            // Windows are reported in order, each once.
            expect(e.time).toBeGreaterThan(last);
            last = e.time;
          }
        }
      }
      expect(reducer.stats.samples + reducer.stats.outOfOrder).toBe(steps.length);
    }), { numRuns: runs(500) });
  });
});
