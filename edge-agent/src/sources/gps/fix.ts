/**
 * Combines the GGA and RMC sentences of one receiver epoch into one fix and its readings. Pure: the receive time
 * of each sentence is passed in, the assembler never reads a clock.
 *
 * A receiver sends one GGA and one RMC per epoch (same UTC time of day). The fix is emitted as soon as both have
 * arrived, or, for a receiver configured to send only one of them, when a sentence of the next epoch arrives (or on
 * `flush()`).
 */
import type { GgaSentence, NmeaSentence, RmcSentence } from '../../decode/nmea.js';
import type { SourceReading } from '../source.js';

const DAY_MS = 86_400_000;

export interface GpsFix {
  /** GPS time of the fix, ms since the epoch (device time of every reading of the fix). */
  readonly time: number;
  readonly lat: number;
  readonly lon: number;
  readonly speedKmh?: number;
  readonly courseDeg?: number;
  readonly hdop?: number;
  readonly satellites?: number;
  readonly altitudeM?: number;
  /**
   * Agent clock minus GPS time, ms, measured on the RMC sentence (the only one carrying a date). Includes the
   * receiver's output latency (typically 50-500 ms after the epoch), so it is an upper bound of the clock offset.
   */
  readonly clockOffsetMs?: number;
}

interface Pending {
  timeOfDayMs: number;
  gga?: GgaSentence;
  rmc?: RmcSentence;
  rmcReceivedAt?: number;
  /** Agent clock when the first sentence of the epoch arrived, for an epoch with no date yet. */
  receivedAt: number;
}

export class GpsFixAssembler {
  private pending: Pending | undefined;
  /** Last known UTC date (00:00, ms) and time of day, so a GGA-only epoch can still be dated. */
  private lastDateMs: number | undefined;
  private lastTimeOfDayMs = 0;

  /** Adds a valid sentence received at `receivedAt` (agent clock, ms); returns the fixes it completed. */
  push(sentence: NmeaSentence, receivedAt: number): GpsFix[] {
    const out: GpsFix[] = [];
    if (this.pending && this.pending.timeOfDayMs !== sentence.timeOfDayMs) {
      const fix = this.flush();
      if (fix) out.push(fix);
    }
    const p: Pending = this.pending ?? { timeOfDayMs: sentence.timeOfDayMs, receivedAt };
    this.pending = p;
    if (sentence.type === 'GGA') p.gga = sentence;
    else {
      p.rmc = sentence;
      p.rmcReceivedAt = receivedAt;
    }
    if (p.gga && p.rmc) {
      const fix = this.flush();
      if (fix) out.push(fix);
    }
    return out;
  }

  /** Emits the epoch in progress, if any (call on stop, or when a receiver sends only one sentence type). */
  flush(): GpsFix | undefined {
    const p = this.pending;
    this.pending = undefined;
    if (!p) return undefined;
    const { gga, rmc } = p;
    let time: number;
    if (rmc) {
      time = rmc.time;
      this.lastDateMs = rmc.time - rmc.timeOfDayMs;
    } else if (this.lastDateMs !== undefined) {
      // Past midnight since the last dated epoch: the time of day went backwards by more than half a day.
      if (p.timeOfDayMs < this.lastTimeOfDayMs - DAY_MS / 2) this.lastDateMs += DAY_MS;
      time = this.lastDateMs + p.timeOfDayMs;
    } else {
      // No date seen yet: the receive time is the best device time we have.
      time = p.receivedAt;
    }
    this.lastTimeOfDayMs = p.timeOfDayMs;
    // GGA carries more precision on receivers that shorten RMC; prefer it for the position.
    const pos = gga ?? rmc;
    if (!pos) return undefined;
    return {
      time,
      lat: pos.lat,
      lon: pos.lon,
      ...(rmc?.speedKmh === undefined ? {} : { speedKmh: rmc.speedKmh }),
      ...(rmc?.courseDeg === undefined ? {} : { courseDeg: rmc.courseDeg }),
      ...(gga?.hdop === undefined ? {} : { hdop: gga.hdop }),
      ...(gga?.satellites === undefined ? {} : { satellites: gga.satellites }),
      ...(gga?.altitudeM === undefined ? {} : { altitudeM: gga.altitudeM }),
      ...(rmc && p.rmcReceivedAt !== undefined ? { clockOffsetMs: p.rmcReceivedAt - rmc.time } : {}),
    };
  }
}

/** The readings of a fix, in catalogue units (contract/src/metrics.ts); all stamped with the fix's GPS time. */
export function fixReadings(fix: GpsFix): SourceReading[] {
  const time = fix.time;
  const r: SourceReading[] = [
    { metric: 'gps.lat', value: fix.lat, unit: 'deg', time },
    { metric: 'gps.lon', value: fix.lon, unit: 'deg', time },
  ];
  if (fix.speedKmh !== undefined) r.push({ metric: 'gps.speed', value: fix.speedKmh, unit: 'km/h', time });
  if (fix.courseDeg !== undefined) r.push({ metric: 'gps.course', value: fix.courseDeg, unit: 'deg', time });
  if (fix.hdop !== undefined) r.push({ metric: 'gps.hdop', value: fix.hdop, unit: '1', time });
  if (fix.satellites !== undefined) r.push({ metric: 'gps.sats', value: Math.round(fix.satellites), unit: '1', time });
  if (fix.altitudeM !== undefined) r.push({ metric: 'gps.alt', value: fix.altitudeM, unit: 'm', time });
  if (fix.clockOffsetMs !== undefined) r.push({ metric: 'clock.offset', value: fix.clockOffsetMs, unit: 'ms', time });
  return r;
}
