/**
 * Abuse limits of the embedded broker (docs/security.md, "Abuse limits"): how many connections, how large a packet,
 * how many messages a second one connection may send. Each refusal is counted
 * (`coldtrace_mqtt_refused_total{stage,reason}`) and logged with the client id, and each limit is per connection, so
 * one abusive node never takes the others' share:
 * - connections beyond the maximum are refused at CONNECT (`preConnect`), before any credential is checked;
 * - a packet that grows beyond the maximum while it arrives closes its connection (aedes buffers a whole packet
 *   before it parses it; the contract's own payload limit, E_OVERSIZE, applies to what is smaller);
 * - messages beyond the rate wait for their turn (a token bucket): their acknowledgement comes later, which slows
 *   a QoS 1 sender down without losing anything; a client that keeps too many waiting is disconnected.
 */
import type { Client } from 'aedes';
import type { Logger } from 'pino';

export interface AbuseLimitOptions {
  readonly maxConnections: number;
  readonly maxPacketBytes: number;
  /** Messages per second per connection, and the burst it may send at once. */
  readonly messagesPerS: number;
  readonly burst: number;
  /** Messages one connection may have waiting for their turn before it is disconnected. */
  readonly maxWaiting: number;
}

export const DEFAULT_ABUSE_LIMITS: AbuseLimitOptions = { maxConnections: 20_000, maxPacketBytes: 1024 * 1024, messagesPerS: 1000, burst: 2000, maxWaiting: 1000 };

interface Bucket { tokens: number; at: number; waiting: number; warnedAt: number }

export interface AbuseGuard {
  /** aedes preConnect: false beyond the connection limit. */
  preConnect(client: Client, packet: { clientId?: string }, connected: number, done: (error: Error | null, ok: boolean) => void): void;
  /** Bounds the packet size of a connection aedes has just taken over (broker.handle's client). */
  watch(client: Client): void;
  /** Takes a token of the client's rate if one is there now (no message waiting before it): then go ahead at once. */
  take(client: Client): boolean;
  /** After take() said no: runs `go` once the client's rate allows (never drops it); false: disconnected instead. */
  wait(client: Client, go: () => void): boolean;
}

export function abuseGuard(limits: AbuseLimitOptions, now: () => number, count: (stage: 'connect' | 'publish', reason: string) => void, log: Logger): AbuseGuard {
  const buckets = new WeakMap<Client, Bucket>();
  /** The client's bucket, its tokens brought up to now. */
  const refill = (client: Client): Bucket => {
    const t = now();
    let b = buckets.get(client);
    if (b === undefined) buckets.set(client, (b = { tokens: limits.burst, at: t, waiting: 0, warnedAt: -Infinity }));
    b.tokens = Math.min(limits.burst, b.tokens + ((t - b.at) / 1000) * limits.messagesPerS);
    b.at = t;
    return b;
  };
  const refuse = (reason: string, clientId: string | undefined, msg: string, fields: Record<string, unknown> = {}): void => {
    const stage = reason === 'max-connections' ? 'connect' : 'publish';
    count(stage, reason);
    log.warn({ stage, reason, clientId, ...fields }, msg);
  };
  return {
    preConnect(_client, packet, connected, done) {
      if (connected < limits.maxConnections) return done(null, true);
      refuse('max-connections', packet.clientId, `MQTT connection refused: ${connected} clients connected, the maximum is ${limits.maxConnections}`);
      // An error, not just false: aedes then closes the connection at once instead of leaving it to its connect timeout.
      done(new Error(`connection limit of ${limits.maxConnections} reached`), false);
    },
    watch(client) {
      // aedes' mqtt-packet parser returns the bytes it holds of a packet not yet complete (lib/client.js, parser.js).
      const parser = (client as unknown as { _parser?: { parse(buf: Buffer): number } })._parser;
      if (parser === undefined) return;
      const parse = parser.parse.bind(parser);
      parser.parse = (buf: Buffer): number => {
        const pending = parse(buf);
        if (pending > limits.maxPacketBytes) {
          refuse('packet-size', client.id, `MQTT connection closed: a packet of more than ${limits.maxPacketBytes} bytes`, { pendingBytes: pending });
          client.close();
        }
        return pending;
      };
    },
    take(client) {
      const b = refill(client);
      if (b.tokens < 1 || b.waiting > 0) return false;
      b.tokens -= 1;
      return true;
    },
    wait(client, go) {
      const t = now();
      const b = refill(client);
      if (b.waiting >= limits.maxWaiting) {
        refuse('rate', client.id, `MQTT connection closed: over ${limits.messagesPerS} messages/s with ${b.waiting} waiting`);
        client.close();
        return false;
      }
      // Its turn: after the tokens the messages already waiting need, and one for this one.
      b.waiting += 1;
      const bucket = b;
      const delayMs = Math.ceil(((bucket.waiting - bucket.tokens) / limits.messagesPerS) * 1000);
      if (t - bucket.warnedAt > 60_000) {
        bucket.warnedAt = t;
        refuse('throttled', client.id, `MQTT client over ${limits.messagesPerS} messages/s: its messages wait for their turn`);
      } else {
        count('publish', 'throttled');
      }
      setTimeout(() => {
        bucket.waiting -= 1;
        bucket.tokens -= 1;
        go();
      }, Math.max(1, delayMs)).unref();
      return true;
    },
  };
}
