/** Abuse limits of the embedded broker (adapters/mqtt/abuse-limits.ts, docs/security.md "Abuse limits"). */
import type { AbuseLimitOptions } from './adapters/mqtt/abuse-limits.js';

export const LIMIT_ENV_KEYS = {
  /** Connections the embedded broker holds at most; more are refused at CONNECT. */
  COLDTRACE_MQTT_MAX_CONNECTIONS: '20000',
  /** Largest MQTT packet, bytes: a larger one closes its connection (payloads over 256 KiB are quarantined anyway). */
  COLDTRACE_MQTT_MAX_PACKET_BYTES: '1048576',
  /** Messages per second one connection may send (bursts of twice that); more wait for their turn. */
  COLDTRACE_MQTT_MAX_MESSAGES_PER_S: '1000',
} as const;

export type LimitEnvKey = keyof typeof LIMIT_ENV_KEYS;

export function limitsConfig(int: (k: LimitEnvKey, min: number, max: number) => number): AbuseLimitOptions {
  const messagesPerS = int('COLDTRACE_MQTT_MAX_MESSAGES_PER_S', 1, 1_000_000);
  return {
    maxConnections: int('COLDTRACE_MQTT_MAX_CONNECTIONS', 1, 1_000_000),
    maxPacketBytes: int('COLDTRACE_MQTT_MAX_PACKET_BYTES', 300 * 1024, 256 * 1024 * 1024),
    messagesPerS, burst: 2 * messagesPerS, maxWaiting: Math.max(100, messagesPerS),
  };
}
