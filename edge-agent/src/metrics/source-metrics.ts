/**
 * Counters the sources keep themselves, exported per source (`source` label = `Source.name`). Only kinds whose
 * counters are public are covered; a source built by another factory simply has none here.
 */
import type { Registry } from 'prom-client';
import { NMEA_DROP_REASONS } from '../decode/nmea.js';
import { AccelSource } from '../sources/accel/accel-source.js';
import { NmeaGpsSource } from '../sources/gps/gps-source.js';
import { LineSource } from '../sources/line/line-source.js';
import { LLRP_FAILURE_REASONS } from '../sources/llrp/connection.js';
import { LlrpSource } from '../sources/llrp/llrp-source.js';
import { ModbusSource } from '../sources/modbus/source.js';
import { ScannerSource } from '../sources/scanner/scanner-source.js';
import type { Source } from '../sources/source.js';
import { mirrorCounter, type Sample } from './collect.js';
import { METRIC_PREFIX as p } from './prefix.js';

function each<S, L extends string>(sources: readonly S[], sample: (s: S) => Sample<L>[]): () => Sample<L>[] {
  return () => sources.flatMap(sample);
}

function registerModbus(registry: Registry, sources: readonly ModbusSource[]): void {
  if (sources.length === 0) return;
  const counters = [
    ['modbus_polls_total', 'Modbus poll groups read (one or more requests each).', 'polls'],
    ['modbus_poll_failures_total', 'Modbus polls that failed (timeout, exception, transport error).', 'failures'],
    ['modbus_overruns_total', 'Polls skipped because the previous poll of the group was still queued (bus overloaded).', 'overruns'],
    ['modbus_backoff_skips_total', 'Polls skipped because the slave is in backoff after repeated failures.', 'backoffSkips'],
    ['modbus_probe_deferrals_total', 'Times a failing slave waited because no gap before a healthy poll was wide enough.', 'probeDeferrals'],
    ['modbus_probes_cut_total', 'Polls of a failing slave whose timeout was cut to the gap before a healthy poll.', 'probesCut'],
    ['modbus_bus_refused_total', 'Polls refused because the bus queue was full.', 'busRefused'],
  ] as const;
  for (const [name, help, key] of counters) {
    mirrorCounter(registry, { name: `${p}${name}`, help, labelNames: ['source'], read: each(sources, (s) => [[{ source: s.name }, s.stats()[key]]]) });
  }
}

function registerGps(registry: Registry, sources: readonly NmeaGpsSource[]): void {
  if (sources.length === 0) return;
  mirrorCounter(registry, { name: `${p}gps_fixes_total`, help: 'GPS fixes published.', labelNames: ['source'], read: each(sources, (s) => [[{ source: s.name }, s.stats.fixes]]) });
  mirrorCounter(registry, {
    name: `${p}gps_thinned_total`,
    help: 'GPS fixes skipped by minIntervalMs.',
    labelNames: ['source'],
    read: each(sources, (s) => [[{ source: s.name }, s.stats.thinned]]),
  });
  mirrorCounter(registry, {
    name: `${p}gps_dropped_total`,
    help: 'NMEA sentences dropped, by reason (checksum, invalid fix, ...; unsupported = sentence types not decoded).',
    labelNames: ['source', 'reason'],
    read: each(sources, (s) => NMEA_DROP_REASONS.map((reason): Sample<'source' | 'reason'> => [{ source: s.name, reason }, s.stats.dropped[reason]])),
  });
}

function registerAccel(registry: Registry, sources: readonly AccelSource[]): void {
  if (sources.length === 0) return;
  mirrorCounter(registry, {
    name: `${p}accel_events_total`,
    help: 'Accelerometer summaries published, by kind (shock, freefall, vibration window).',
    labelNames: ['source', 'kind'],
    read: each(sources, (s) => [
      [{ source: s.name, kind: 'shock' }, s.stats.shocks],
      [{ source: s.name, kind: 'freefall' }, s.stats.freefalls],
      [{ source: s.name, kind: 'vibration' }, s.stats.vibrationWindows],
    ]),
  });
}

/** Lines and malformed lines of every line-based serial source (GPS, line sensor, accelerometer). */
function registerSerial(registry: Registry, gps: readonly NmeaGpsSource[], line: readonly LineSource[], accel: readonly AccelSource[]): void {
  if (gps.length + line.length + accel.length === 0) return;
  mirrorCounter(registry, {
    name: `${p}serial_lines_total`,
    help: 'Text lines read from serial sources.',
    labelNames: ['source'],
    read: () => [...gps, ...line, ...accel].map((s): Sample<'source'> => [{ source: s.name }, s.stats.lines]),
  });
  if (line.length + accel.length === 0) return;
  mirrorCounter(registry, {
    name: `${p}serial_malformed_lines_total`,
    help: 'Lines rejected as malformed by line-sensor and accelerometer sources (never turned into readings).',
    labelNames: ['source'],
    read: () => [...line, ...accel].map((s): Sample<'source'> => [{ source: s.name }, s.stats.malformed]),
  });
}

/** Scanner and LLRP sources (docs/scans.md): reads sent, of them codes that did not decode, and repeats folded. */
function registerScanners(registry: Registry, sources: readonly (ScannerSource | LlrpSource)[]): void {
  if (sources.length === 0) return;
  mirrorCounter(registry, {
    name: `${p}scan_reads_total`,
    help: 'Scanner reads handed to the outbox, by outcome at the edge (decoded, undecoded: sent with the reason; repeat: folded by dedupeMs, not sent).',
    labelNames: ['source', 'outcome'],
    read: each(sources, (s) => [
      [{ source: s.name, outcome: 'decoded' }, s.stats.reads - s.stats.undecoded],
      [{ source: s.name, outcome: 'undecoded' }, s.stats.undecoded],
      [{ source: s.name, outcome: 'repeat' }, s.stats.repeats],
    ]),
  });
  const scanners = sources.filter((s): s is ScannerSource => s instanceof ScannerSource);
  if (scanners.length === 0) return;
  mirrorCounter(registry, {
    name: `${p}scan_refusals_total`,
    help: 'Reads the gateway refused at the door (scan commands), by whether the scanner was told (its refusedReply written to it).',
    labelNames: ['source', 'told'],
    read: each(scanners, (s) => [[{ source: s.name, told: 'yes' }, s.stats.told], [{ source: s.name, told: 'no' }, s.stats.refused - s.stats.told]]),
  });
}

/** LLRP readers (docs/scans.md "LLRP readers"): sessions set up, and every failure by reason. */
function registerLlrp(registry: Registry, sources: readonly LlrpSource[]): void {
  if (sources.length === 0) return;
  mirrorCounter(registry, { name: `${p}llrp_sessions_total`, help: 'LLRP connections set up to a started ROSpec.', labelNames: ['source'], read: each(sources, (s) => [[{ source: s.name }, s.stats.sessions]]) });
  mirrorCounter(registry, {
    name: `${p}llrp_failures_total`,
    help: 'LLRP reader failures, by reason (connect, refused, status, timeout, dropped, silent, protocol, decode, error-message); each but decode closed the connection for a reconnect.',
    labelNames: ['source', 'reason'],
    read: each(sources, (s) => LLRP_FAILURE_REASONS.map((reason): Sample<'source' | 'reason'> => [{ source: s.name, reason }, s.stats.failures[reason]])),
  });
}

export function registerSourceMetrics(registry: Registry, sources: readonly Source[]): void {
  const modbus = sources.filter((s): s is ModbusSource => s instanceof ModbusSource);
  const gps = sources.filter((s): s is NmeaGpsSource => s instanceof NmeaGpsSource);
  const line = sources.filter((s): s is LineSource => s instanceof LineSource);
  const accel = sources.filter((s): s is AccelSource => s instanceof AccelSource);
  registerModbus(registry, modbus);
  registerGps(registry, gps);
  registerAccel(registry, accel);
  registerSerial(registry, gps, line, accel);
  const llrp = sources.filter((s): s is LlrpSource => s instanceof LlrpSource);
  registerScanners(registry, [...sources.filter((s): s is ScannerSource => s instanceof ScannerSource), ...llrp]);
  registerLlrp(registry, llrp);
}
