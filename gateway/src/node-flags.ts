/**
 * Node flags the gateway runs with. V8 reads them when it creates the heap, so they cannot be set from inside the
 * process (unlike --heap-growing-percent in main.ts): every launcher passes them (docker-compose.yml, `npm start`,
 * the `coldtrace-gateway` bin's shebang, the bench, the tests' gateway processes).
 *
 * --max-semi-space-size=32 (MiB; Node 20's default is 16): a message waits for its group commit for a few
 * milliseconds, so at 17,000 messages/s the objects of the messages in flight outlived the 16 MiB young generation's
 * scavenges. Each scavenge copied them, then promoted them, and the old generation paid again in mark-compacts. With
 * 32 MiB they die young. Measured at half of peak load (17,300 msg/s, 30 s): main-thread GC 1.76 s -> 0.21 s,
 * mark-compacts 43 -> 3, device-to-durable p99 48.7 ms -> 22.0 ms, RSS +24 MiB (docs/performance.md).
 */
export const GATEWAY_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=32'];

/** The flags of GATEWAY_NODE_FLAGS that neither the command line nor NODE_OPTIONS sets (whatever their value). */
export function missingNodeFlags(execArgv: readonly string[], nodeOptions: string | undefined): string[] {
  const given = [...execArgv, ...(nodeOptions ?? '').split(/\s+/)].map((a) => a.split('=')[0]!.replaceAll('_', '-'));
  return GATEWAY_NODE_FLAGS.filter((f) => !given.includes(f.split('=')[0]!));
}
