/** Test support: readings at known offsets from the start of a device-time hour, as the SQLite store tests use them. */
import type { StoredReading } from '../../src/domain/reading.js';

export const H = 3_600_000;
/** The start of an hour in 2026. */
export const H0 = 1_790_000_000_000 - (1_790_000_000_000 % H);

/** A reading `dt` ms after H0 (value dt unless given). */
export const r = (dt: number, value = dt, metric = 'temperature', device = 'd1'): StoredReading => ({
  site: 's', node: 'n', device, metric, time: H0 + dt, value, unit: metric === 'temperature' ? 'Cel' : '%RH', seq: 1, receivedAt: H0 + dt + 5, flags: 0,
});

/** The readings' times as offsets from H0. */
export const times = (rs: readonly StoredReading[]): number[] => rs.map((x) => x.time - H0);
