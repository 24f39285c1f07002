#!/usr/bin/env node
/**
 * coldtrace-load: drive a broker (the gateway's embedded one, or Mosquitto in front of gateways) with simulated
 * devices and print the counts as JSON.
 *
 *   node simulators/dist/load/cli.js --url mqtt://127.0.0.1:1883 --devices 1000 --rate 1 --readings 3 \
 *     --duration 30 [--qos 1] [--inflight 10] [--malformed 0.01] [--seed 1] [--burst-at 10 --burst-for 5 --burst-factor 10] \
 *     [--replay-readings 1000000 --replay-devices 20 --replay-per-message 500]
 */
import { parseArgs } from 'node:util';
import { DEFAULT_LOAD_OPTIONS, DEFAULT_REPLAY_OPTIONS, type LoadOptions } from './options.js';
import { runLoad } from './generator.js';

const { values: v } = parseArgs({
  options: {
    url: { type: 'string', default: DEFAULT_LOAD_OPTIONS.url },
    devices: { type: 'string' }, rate: { type: 'string' }, inflight: { type: 'string' }, readings: { type: 'string' },
    qos: { type: 'string' }, malformed: { type: 'string' }, duration: { type: 'string' }, seed: { type: 'string' },
    site: { type: 'string' }, prefix: { type: 'string' },
    'burst-at': { type: 'string' }, 'burst-for': { type: 'string' }, 'burst-factor': { type: 'string' },
    'replay-readings': { type: 'string' }, 'replay-devices': { type: 'string' }, 'replay-per-message': { type: 'string' },
    help: { type: 'boolean' },
  },
});
if (v.help === true) {
  process.stdout.write('usage: coldtrace-load --url mqtt://127.0.0.1:1883 [--devices N] [--rate msg/s/device, 0 = closed loop] [--readings N] [--qos 0|1] [--inflight N] [--malformed share] [--duration s] [--seed N] [--burst-at s --burst-for s --burst-factor x] [--replay-readings N --replay-devices N --replay-per-message N]\n');
  process.exit(0);
}
const problems: string[] = [];
const num = (name: string, raw: string | undefined, min: number, max: number): number | undefined => {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min || n > max) problems.push(`--${name}: expected a number ${min}..${max}, got '${raw}'`);
  return n;
};
const opts: Partial<LoadOptions> & { url: string } = { url: v.url ?? DEFAULT_LOAD_OPTIONS.url };
const set = <K extends keyof LoadOptions>(k: K, x: LoadOptions[K] | undefined): void => { if (x !== undefined) (opts as Record<string, unknown>)[k] = x; };
set('devices', num('devices', v.devices, 1, 60_000));
set('ratePerDevice', num('rate', v.rate, 0, 100_000));
set('inflightPerDevice', num('inflight', v.inflight, 1, 65_535));
set('readingsPerMessage', num('readings', v.readings, 1, 1000));
set('qos', num('qos', v.qos, 0, 1) as 0 | 1 | undefined);
set('malformedShare', num('malformed', v.malformed, 0, 1));
const duration = num('duration', v.duration, 0.1, 86_400);
set('durationMs', duration === undefined ? undefined : duration * 1000);
set('seed', num('seed', v.seed, 0, 2 ** 32));
set('site', v.site);
set('devicePrefix', v.prefix);
const burstAt = num('burst-at', v['burst-at'], 0, 86_400);
if (burstAt !== undefined) {
  set('burst', { atMs: burstAt * 1000, durationMs: (num('burst-for', v['burst-for'], 0, 86_400) ?? 5) * 1000, factor: num('burst-factor', v['burst-factor'], 1, 1000) ?? 10 });
}
const replayReadings = num('replay-readings', v['replay-readings'], 1, 1e10);
if (replayReadings !== undefined) {
  set('replay', {
    ...DEFAULT_REPLAY_OPTIONS, readings: replayReadings,
    devices: num('replay-devices', v['replay-devices'], 1, 10_000) ?? DEFAULT_REPLAY_OPTIONS.devices,
    readingsPerMessage: num('replay-per-message', v['replay-per-message'], 1, 1000) ?? DEFAULT_REPLAY_OPTIONS.readingsPerMessage,
  });
}
if (problems.length > 0) {
  process.stderr.write(`coldtrace-load: bad arguments:\n${problems.map((p) => `  - ${p}`).join('\n')}\n`);
  process.exit(2);
}
const result = await runLoad(opts);
process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
