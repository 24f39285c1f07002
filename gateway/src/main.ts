#!/usr/bin/env node
/** coldtrace-gateway: configuration from the environment (see README "Configuration"). */
import { hostname } from 'node:os';
import { loadGatewayConfig } from './config.js';
import { startGateway } from './gateway.js';

const loaded = loadGatewayConfig(process.env, hostname());
if (!loaded.ok) {
  console.error(`coldtrace-gateway: invalid configuration:\n${loaded.problems.map((p) => `  - ${p}`).join('\n')}`);
  process.exit(2);
}
const gateway = await startGateway({ config: loaded.config });
// One machine-readable line on stdout whatever the log level: supervisors, the demo and tests wait for it.
process.stdout.write(`${JSON.stringify({ msg: 'gateway ready', httpUrl: gateway.httpUrl, mqttUrl: gateway.mqttUrl })}\n`);
let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    gateway.close().then(() => process.exit(0), (e: unknown) => {
      console.error('coldtrace-gateway: error while stopping', e);
      process.exit(1);
    });
  });
}
