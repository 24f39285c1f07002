/**
 * Accelerometer samples reduced to summaries (docs/domain.md §2): shock events, free falls and vibration Grms per window.
 * Pure: sample times come from the caller, nothing reads a clock.
 *
 * Wire format of the raw sample stream (one line per sample, ASCII):
 *
 *     A,<t_ms>,<ax>,<ay>,<az>
 *
 * `t_ms` is the device's millisecond counter (monotonic, any origin, e.g. ms since boot; decimals allowed for rates
 * above 1 kHz), `ax ay az` are in g
 * (standard gravity). Lines starting with `#` are comments (device banners) and are ignored.
 */
import { METRICS } from '@coldtrace/contract';
import type { SourceReading } from '../sources/source.js';

/** Standard gravity, m/s² (CGPM 1901; ISO 80000-3). */
export const STANDARD_GRAVITY = 9.80665;

export interface AccelSample {
  /** Sample time, ms (device counter or epoch; the reducer only uses differences and window alignment). */
  readonly t: number;
  readonly ax: number;
  readonly ay: number;
  readonly az: number;
}

export type AccelLineResult =
  | { readonly ok: true; readonly sample: AccelSample }
  | { readonly ok: true; readonly sample?: undefined }
  | { readonly ok: false; readonly error: string };

/** Largest |a| of a sample, g: the catalogue's largest shock peak. */
export const MAX_SAMPLE_G = METRICS['shock.peak'].max;

const NUM = '[+-]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][+-]?\\d+)?';
const SAMPLE_RE = new RegExp(`^A,(\\d{1,15}(?:\\.\\d{1,6})?),(${NUM}),(${NUM}),(${NUM})$`);

/** Parses one line of the sample stream; a comment or empty line is `ok` without a sample. */
export function parseAccelLine(line: string): AccelLineResult {
  const text = line.trim();
  if (text === '' || text.startsWith('#')) return { ok: true };
  const m = SAMPLE_RE.exec(text);
  if (!m) return { ok: false, error: `not an A,<t_ms>,<ax>,<ay>,<az> line: "${text.slice(0, 80)}"` };
  const sample = { t: Number(m[1]), ax: Number(m[2]), ay: Number(m[3]), az: Number(m[4]) };
  // `1e999` matches the number grammar but is Infinity, and `1e200` squared is: a shock of infinite peak or an
  // infinite Grms would be published and refused whole (found by fuzzing, issue #17). Past the catalogue's largest
  // shock peak a sample is a garbled line, not a measurement.
  if (!(magnitude(sample) <= MAX_SAMPLE_G)) {
    return { ok: false, error: `an acceleration beyond ${MAX_SAMPLE_G} g: "${text.slice(0, 80)}"` };
  }
  return { ok: true, sample };
}

/** |a| = √(ax² + ay² + az²), g. */
export function magnitude(s: Pick<AccelSample, 'ax' | 'ay' | 'az'>): number {
  return Math.sqrt(s.ax * s.ax + s.ay * s.ay + s.az * s.az);
}

/** Drop height implied by a free fall of `durationMs`: h = ½·g·t², metres (docs/domain.md §2). */
export function dropHeightM(durationMs: number): number {
  const t = durationMs / 1000;
  return 0.5 * STANDARD_GRAVITY * t * t;
}

export interface AccelReducerOptions {
  /** Nominal sample rate, Hz. Gives the duration one sample stands for. Default 1000. */
  readonly sampleRateHz: number;
  /** |a| at or above which a shock pulse starts and below which it ends, g. Pulse duration is measured at this level. Default 3. */
  readonly shockTriggerG: number;
  /** A pulse is reported as a shock when its peak |a| reaches this, g. Default 25 (ordinary handling, docs/domain.md §2). */
  readonly shockThresholdG: number;
  /** |a| below this is free fall, g (docs/domain.md §2: 0.35-0.6 g). Default 0.5. */
  readonly freefallThresholdG: number;
  /** Shortest free fall reported, ms. Default 100 (≈ 5 cm drop). */
  readonly freefallMinMs: number;
  /** Vibration Grms window, ms; windows are aligned to multiples of this in sample time. Default 60 000. */
  readonly vibrationWindowMs: number;
  /** A window with fewer than this fraction of its nominal samples is not reported. Default 0.5. */
  readonly vibrationMinCoverage: number;
  /** A gap between samples longer than this abandons the shock or free fall in progress, ms. Default 50. */
  readonly maxGapMs: number;
}

export const DEFAULT_ACCEL_REDUCER_OPTIONS: AccelReducerOptions = {
  sampleRateHz: 1000,
  shockTriggerG: 3,
  shockThresholdG: 25,
  freefallThresholdG: 0.5,
  freefallMinMs: 100,
  vibrationWindowMs: 60_000,
  vibrationMinCoverage: 0.5,
  maxGapMs: 50,
};

export type AccelEvent =
  /** `time`: start of the pulse; `durationMs`: time |a| stayed at or above the trigger (crossings interpolated). */
  | { readonly kind: 'shock'; readonly time: number; readonly peakG: number; readonly durationMs: number }
  /** `time`: first sample of the fall; `durationMs`: samples below the threshold × sample period. */
  | { readonly kind: 'freefall'; readonly time: number; readonly durationMs: number; readonly heightM: number }
  /** `time`: end of the window. */
  | { readonly kind: 'vibration'; readonly time: number; readonly grms: number; readonly samples: number };

export interface AccelReducerStats {
  samples: number;
  /** Samples whose time did not advance (duplicates, device counter reset before re-anchoring). */
  outOfOrder: number;
  /** Gaps longer than maxGapMs. */
  gaps: number;
  /** Pulses above the trigger whose peak stayed below the shock threshold. */
  subThresholdPulses: number;
  /** Falls shorter than freefallMinMs. */
  shortFalls: number;
  /** Vibration windows dropped for low coverage. */
  sparseWindows: number;
}

interface Prev { t: number; m: number }

export class AccelReducer {
  readonly options: AccelReducerOptions;
  readonly stats: AccelReducerStats = { samples: 0, outOfOrder: 0, gaps: 0, subThresholdPulses: 0, shortFalls: 0, sparseWindows: 0 };
  private readonly periodMs: number;
  private prev: Prev | undefined;
  private shock: { start: number; peak: number } | undefined;
  private fall: { start: number; last: number } | undefined;
  private window: { start: number; sumSq: number; n: number } | undefined;

  constructor(options: Partial<AccelReducerOptions> = {}) {
    this.options = { ...DEFAULT_ACCEL_REDUCER_OPTIONS, ...options };
    this.periodMs = 1000 / this.options.sampleRateHz;
  }

  /** Feeds one sample; returns the events it completed, in time order. */
  push(s: AccelSample): AccelEvent[] {
    const o = this.options;
    const out: AccelEvent[] = [];
    const prev = this.prev;
    if (prev && s.t <= prev.t) {
      this.stats.outOfOrder++;
      return out;
    }
    this.stats.samples++;
    if (prev && s.t - prev.t > o.maxGapMs) {
      // Neither a pulse nor a fall can be measured across lost samples.
      this.stats.gaps++;
      this.shock = undefined;
      this.fall = undefined;
    }
    const m = magnitude(s);

    this.vibration(s.t, m, out);

    // Shock pulse: crossings of the trigger level are interpolated linearly between samples.
    if (this.shock) {
      if (m >= o.shockTriggerG) this.shock.peak = Math.max(this.shock.peak, m);
      else {
        const end = prev ? cross(prev, { t: s.t, m }, o.shockTriggerG) : s.t;
        const { start, peak } = this.shock;
        this.shock = undefined;
        if (peak >= o.shockThresholdG) out.push({ kind: 'shock', time: Math.round(start), peakG: peak, durationMs: end - start });
        else this.stats.subThresholdPulses++;
      }
    } else if (m >= o.shockTriggerG) {
      const cur = { t: s.t, m };
      const start = prev && prev.m < o.shockTriggerG && s.t - prev.t <= o.maxGapMs ? cross(prev, cur, o.shockTriggerG) : s.t;
      this.shock = { start, peak: m };
    }

    // Free fall: counted in whole samples, each standing for one sample period.
    if (m < o.freefallThresholdG) {
      if (this.fall) this.fall.last = s.t;
      else this.fall = { start: s.t, last: s.t };
    } else if (this.fall) {
      const durationMs = this.fall.last - this.fall.start + this.periodMs;
      const start = this.fall.start;
      this.fall = undefined;
      if (durationMs >= o.freefallMinMs) out.push({ kind: 'freefall', time: start, durationMs, heightM: dropHeightM(durationMs) });
      else this.stats.shortFalls++;
    }

    this.prev = { t: s.t, m };
    // A free fall ends with an impact: report the fall before the shock it ends in.
    return out.sort((a, b) => order(a) - order(b));
  }

  private vibration(t: number, m: number, out: AccelEvent[]): void {
    const o = this.options;
    const w = this.window;
    if (w && t >= w.start + o.vibrationWindowMs) {
      const expected = o.vibrationWindowMs / this.periodMs;
      if (w.n >= expected * o.vibrationMinCoverage) {
        out.push({ kind: 'vibration', time: w.start + o.vibrationWindowMs, grms: Math.sqrt(w.sumSq / w.n), samples: w.n });
      } else this.stats.sparseWindows++;
      this.window = undefined;
    }
    if (!this.window) this.window = { start: Math.floor(t / o.vibrationWindowMs) * o.vibrationWindowMs, sumSq: 0, n: 0 };
    const dev = m - 1;
    this.window.sumSq += dev * dev;
    this.window.n++;
  }

  /** Forgets everything in progress (e.g. when the sample clock was re-anchored). */
  reset(): void {
    this.prev = undefined;
    this.shock = undefined;
    this.fall = undefined;
    this.window = undefined;
  }
}

function order(e: AccelEvent): number {
  return e.kind === 'freefall' ? 0 : e.kind === 'shock' ? 1 : 2;
}

/** Time at which the line between two samples crosses `level`. */
function cross(a: Prev, b: Prev, level: number): number {
  if (a.m === b.m) return b.t;
  return a.t + ((level - a.m) / (b.m - a.m)) * (b.t - a.t);
}

/** The readings of an event, in catalogue units, and the priority to publish them with. */
export function accelEventReadings(e: AccelEvent): { readings: SourceReading[]; priority: 'live' | 'alarm' } {
  const time = Math.round(e.time);
  switch (e.kind) {
    case 'shock':
      return {
        priority: 'alarm',
        readings: [
          { metric: 'shock.peak', value: e.peakG, unit: '[g]', time },
          { metric: 'shock.duration', value: e.durationMs, unit: 'ms', time },
        ],
      };
    case 'freefall':
      return {
        priority: 'alarm',
        readings: [
          { metric: 'freefall.duration', value: e.durationMs, unit: 'ms', time },
          { metric: 'freefall.height', value: e.heightM, unit: 'm', time },
        ],
      };
    case 'vibration':
      return { priority: 'live', readings: [{ metric: 'vibration.grms', value: e.grms, unit: '[g]', time }] };
  }
}
