/**
 * Silent `debug` loggers for MQTT packet parsing: a side-effect module, imported before aedes (embedded-broker.ts).
 *
 * mqtt-packet, under both aedes and MQTT.js, calls a `debug` logger about a dozen times for every packet it parses
 * or writes. The `debug` package's logger is `function debug(...args)`: it collects its arguments into a new array
 * before it looks at whether its namespace is enabled, so each call allocates even with logging off. Under load that
 * was the largest allocation site of the gateway: 18 % of the bytes allocated per single-reading message (V8 heap
 * sampling at 17,000 msg/s; docs/performance.md).
 *
 * This swaps the `debug` factory, in the module cache from which mqtt-packet loads it, for one that returns a logger
 * which does nothing for a namespace not enabled by `DEBUG` at start-up, and the usual logger otherwise:
 * `DEBUG=mqtt-packet:* coldtrace-gateway` still traces packets. Enabling a namespace later at run time
 * (`debug.enable()`) does not reach loggers created while it was off.
 */
import { createRequire } from 'node:module';

interface DebugLogger {
  (...args: unknown[]): void;
  enabled: boolean;
  namespace: string;
  extend(sub: string, delimiter?: string): DebugLogger;
}
interface DebugFactory {
  (namespace: string): DebugLogger;
  enabled(namespace: string): boolean;
}

export interface QuietDebugState {
  /** The path of the `debug` module that was swapped. */
  readonly path: string;
  /** False if `debug` was already loaded when this module ran: loggers created before it are the allocating kind. */
  readonly installedFirst: boolean;
  /** Loggers handed out since, silent and real. */
  quiet: number;
  real: number;
}

function install(): QuietDebugState {
  // The `debug` that mqtt-packet resolves, found the way Node finds it: from aedes, then from mqtt-packet.
  const fromGateway = createRequire(import.meta.url);
  const fromAedes = createRequire(fromGateway.resolve('aedes'));
  const fromPacket = createRequire(fromAedes.resolve('mqtt-packet'));
  const path = fromPacket.resolve('debug');
  const state: QuietDebugState = { path, installedFirst: fromPacket.cache[path] === undefined, quiet: 0, real: 0 };
  const real = fromPacket('debug') as DebugFactory;
  const cached = fromPacket.cache[path];
  if (cached === undefined) throw new Error(`quiet-debug: ${path} loaded but not in the module cache`);

  const factory = ((namespace: string): DebugLogger => {
    if (real.enabled(namespace)) {
      state.real++;
      return real(namespace);
    }
    state.quiet++;
    const quiet = (() => {}) as DebugLogger;
    quiet.enabled = false;
    quiet.namespace = namespace;
    quiet.extend = (sub, delimiter = ':') => factory(`${namespace}${delimiter}${sub}`);
    return quiet;
  }) as DebugFactory;
  // Everything else (enable, disable, formatters, ...) is the real module's.
  Object.assign(factory, real, { default: factory, debug: factory });
  cached.exports = factory;
  return state;
}

export const quietDebug: QuietDebugState = install();
