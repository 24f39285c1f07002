#!/usr/bin/env node
/**
 * Ceiling 1: the gateway's embedded broker alone, ingest replaced by a handler that does nothing. Run as its own
 * process (like the gateway) so the load generator measures the broker, not itself. Prints one ready line.
 */
import { pino } from 'pino';

interface BrokerModule {
  startEmbeddedBroker(
    options: { host: string; port: number }, ingest: (m: unknown, done: (error: Error | null) => void) => void, now: () => number, log: unknown,
  ): Promise<{ url: string; close(): Promise<void> }>;
}

// The gateway package exports only its public API; the broker adapter is loaded from its build output.
const mod = (await import(new URL('../../../gateway/dist/adapters/mqtt/embedded-broker.js', import.meta.url).href)) as BrokerModule;
const broker = await mod.startEmbeddedBroker({ host: '127.0.0.1', port: 0 }, (_m, done) => done(null), () => Date.now(), pino({ level: 'silent' }));
process.stdout.write(`${JSON.stringify({ msg: 'broker ready', mqttUrl: broker.url })}\n`);
process.on('SIGTERM', () => { void broker.close().then(() => process.exit(0)); });
