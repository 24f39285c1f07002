#!/usr/bin/env -S node --max-semi-space-size=32
/** coldtrace-gateway: configuration from the environment (see README "Configuration"). */
import { hostname } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { loadGatewayConfig } from './config.js';
import { pino } from 'pino';
import { startGateway } from './gateway.js';
import { resilientStdout } from './log-destination.js';
import { missingNodeFlags } from './node-flags.js';
import { describeStartError } from './start-errors.js';

/**
 * Old-generation growth after each full GC, percent of the live heap. V8 otherwise picks 10-300 % by its GC speed and,
 * with the heap limit it gives a machine of 16 GB or more (~4 GiB), grows toward the top: with 10,000 connections
 * (~90 MiB live) the heap reached 250 MiB of mostly garbage before the next mark-compact, the largest part of the
 * gateway's RSS (issue #5: 10,000 devices under 400 MB). At 50 %, the bench's 10,000-device RSS peak fell from
 * 386-409 MiB to 309-326 MiB with no measurable throughput loss (docs/performance.md). Process-wide (the SQLite writer thread inherits it); V8 reads it at every GC, so setting it before the
 * first connection suffices. An operator's own --heap-growing-percent (node flag or NODE_OPTIONS) wins.
 */
const HEAP_GROWING_PERCENT = 50;
if (![...process.execArgv, process.env['NODE_OPTIONS'] ?? ''].some((a) => a.includes('--heap-growing-percent'))) {
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}

const missing = missingNodeFlags(process.execArgv, process.env['NODE_OPTIONS']);
if (missing.length > 0) {
  // Runs, but with longer GC pauses under load (node-flags.ts); a supervisor's stderr shows why.
  console.error(`coldtrace-gateway: started without ${missing.join(' ')} (node flag or NODE_OPTIONS): expect longer GC pauses under load`);
}

const loaded = loadGatewayConfig(process.env, hostname());
if (!loaded.ok) {
  console.error(`coldtrace-gateway: invalid configuration:\n${loaded.problems.map((p) => `  - ${p}`).join('\n')}`);
  process.exit(2);
}
const logOut = resilientStdout();
const log = pino({ level: loaded.config.logLevel, name: 'coldtrace-gateway' }, logOut.destination);
const gateway = await startGateway({ config: loaded.config, log, logStats: logOut.stats }).catch((e: unknown) => {
  const known = describeStartError(e, loaded.config);
  if (known === undefined) throw e;
  console.error(`coldtrace-gateway: cannot start: ${known}`);
  process.exit(3);
});
// One machine-readable line on stdout whatever the log level: supervisors, the demo and tests wait for it.
process.stdout.write(`${JSON.stringify({ msg: 'gateway ready', httpUrl: gateway.httpUrl, mqttUrl: gateway.mqttUrl, ...(gateway.mqttTlsUrl !== undefined ? { mqttTlsUrl: gateway.mqttTlsUrl } : {}) })}\n`);
let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    const flushAndExit = (code: number): void => {
      try {
        logOut.destination.flushSync();
      } catch {
        // the log cannot be written (full disk): exit all the same
      }
      process.exit(code);
    };
    gateway.close().then(() => flushAndExit(0), (e: unknown) => {
      console.error('coldtrace-gateway: error while stopping', e);
      flushAndExit(1);
    });
  });
}
