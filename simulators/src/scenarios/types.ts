/**
 * A scenario (docs/scenarios.md): a pure, seeded, deterministic script of readings over a past window ending at
 * `nowMs`, the registry document that gives those readings their custody, and the flags the rules must raise on them,
 * derived from what the script injected and when. The runner (runner.ts) publishes the readings, waits until they are
 * stored, and only then writes the registry, so the rules judge the whole past in one go.
 */
import type { LatLon } from './geo.js';

/** One reading of the script: device time (ms), metric of the contract's catalogue, its unit, its value. */
export interface ScenarioReading {
  readonly device: string;
  readonly metric: string;
  readonly unit: string;
  readonly time: number;
  readonly value: number | boolean;
}

/** Where a device publishes from: `ct/v1/{site}/{node}/{device}/data` (one MQTT connection per node). */
export interface DeviceSource {
  readonly device: string;
  readonly site: string;
  readonly node: string;
}

/**
 * A flag the scenario expects, as the gateway keys it: rule, subject, the orders it lands on, and the moment its
 * condition is met (device time), give or take `toleranceMs` (one reading interval: which reading first shows a
 * condition is a matter of the sampling grid).
 */
export interface ExpectedFlag {
  readonly rule: string;
  readonly subject: { readonly kind: 'batch' | 'shipment' | 'carrier' | 'lane' | 'hub'; readonly id: string };
  readonly orders: readonly string[];
  readonly metAtMs: number;
  readonly toleranceMs: number;
  /** Why the script makes this flag: what it injected and when, in words. */
  readonly why: string;
}

/** A series that goes on after the past, at 1x (`--live`): a pure function of device time. */
export interface LiveSeries {
  readonly device: string;
  readonly metric: string;
  readonly unit: string;
  readonly intervalMs: number;
  readonly value: (timeMs: number) => number;
}

export interface Scenario {
  readonly name: string;
  readonly title: string;
  /** End of the scripted past, ms (minute-aligned): the scenario's "now". */
  readonly nowMs: number;
  /** Start of the scripted past, ms. */
  readonly startMs: number;
  /** The script, in time order. */
  readonly readings: readonly ScenarioReading[];
  readonly sources: readonly DeviceSource[];
  /** A `coldtrace-registry/1` document (docs/registry.md). */
  readonly registry: Readonly<Record<string, unknown>>;
  /** The id of one site of the registry: present on a gateway, the scenario was registered there before. */
  readonly marker: { readonly kind: 'sites'; readonly id: string };
  readonly expected: readonly ExpectedFlag[];
  /** Series that continue live after the past (custody open at `nowMs`); empty when nothing goes on. */
  readonly live: readonly LiveSeries[];
  /** Positions of interest, for the docs and the CLI's summary. */
  readonly landmarks?: Readonly<Record<string, LatLon>>;
}

export interface ScenarioOptions {
  /** End of the past, ms; rounded down to the minute. Default: the wall clock. */
  readonly nowMs?: number;
  /** Seed of the noise; the same seed and `nowMs` give the same script. Default 1. */
  readonly seed?: number;
}

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;

/** `nowMs` rounded down to the minute, and an ISO formatter (registry times are ISO 8601 with `Z`). */
export function minuteAligned(nowMs: number): number {
  return Math.floor(nowMs / MINUTE_MS) * MINUTE_MS;
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}
