/**
 * The gateway as an MQTT 5 client of an external broker (Mosquitto, EMQX, HiveMQ ...). Several gateway replicas join
 * one shared subscription group (`$share/{group}/...`), so the broker splits devices' messages between them.
 *
 * Ack after durable write, many messages in flight: each connection (share-session.ts) hands every PUBLISH to
 * ingest as it arrives and sends its PUBACK, in arrival order, once the group commit holding it is durable. The
 * broker keeps up to `receiveMaximum` unacknowledged messages in flight per connection (announced in CONNECT; a
 * broker that sends more is read no further until commits free the window), so one connection fills whole commits.
 * `connections` opens several members of the share
 * group, which spreads the broker's delivery work. Sessions persist, so a message that was delivered but not
 * acknowledged when a replica died is delivered again when it reconnects.
 */
import type { Logger } from 'pino';
import { gatewayFilters } from '@coldtrace/contract';
import type { InboundMessage } from '../../services/ingest.js';
import { ShareSession } from './share-session.js';

export interface ExternalSubscriberOptions {
  readonly url: string;
  /** Shared subscription group; replicas with the same group split the load. */
  readonly shareGroup: string;
  /** Base client id; connection i uses `${clientId}-${i}`. Stable across restarts so persisted sessions resume. */
  readonly clientId: string;
  readonly username?: string;
  readonly password?: string;
  /** Connections (share-group members) this replica opens (COLDTRACE_MQTT_CONNECTIONS, default 4). */
  readonly connections: number;
  /**
   * Messages in flight per connection: the MQTT 5 receive maximum announced to the broker
   * (COLDTRACE_MQTT_RECEIVE_MAXIMUM, default 1000). Larger windows fill larger commits; the connection stops reading
   * at the window, so memory stays bounded even with a broker that sends more.
   */
  readonly receiveMaximum: number;
  /** Broker-side session expiry, s: how long unacknowledged messages wait for this replica. Default 3600. */
  readonly sessionExpiryS?: number;
  /** Keepalive, s. Default 30. */
  readonly keepaliveS?: number;
}

const DEFAULT_SESSION_EXPIRY_S = 3600;
const CONNECT_TIMEOUT_MS = 15_000;

export interface ExternalSubscriber {
  connected(): number;
  /** Messages received and not yet acknowledged, over all connections. */
  inFlight(): number;
  /** Established connections lost since start, over all connections. */
  connectionsLost(): number;
  close(): Promise<void>;
}

export async function startExternalSubscriber(
  options: ExternalSubscriberOptions,
  accept: (m: InboundMessage, done: (error: Error | null) => void) => void,
  now: () => number,
  log: Logger,
): Promise<ExternalSubscriber> {
  const filters = gatewayFilters(options.shareGroup);
  const sessions: ShareSession[] = [];
  for (let i = 0; i < options.connections; i++) {
    const clientId = `${options.clientId}-${i}`;
    sessions.push(new ShareSession({
      url: options.url, clientId, filters,
      ...(options.username !== undefined ? { username: options.username } : {}),
      ...(options.password !== undefined ? { password: options.password } : {}),
      receiveMaximum: options.receiveMaximum,
      sessionExpiryS: options.sessionExpiryS ?? DEFAULT_SESSION_EXPIRY_S,
      keepaliveS: options.keepaliveS ?? 30, reconnectMs: 500, reconnectMaxMs: 10_000,
    }, (topic, payload, done) => accept({ topic, payload, clientId: 'external', receivedAt: now() }, done), log));
  }
  const closeAll = (): Promise<void> => Promise.all(sessions.map((s) => s.close())).then(() => undefined);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`cannot connect and subscribe to ${options.url} within ${CONNECT_TIMEOUT_MS / 1000} s`)), CONNECT_TIMEOUT_MS);
  });
  try {
    // Subscriptions are acknowledged before the gateway reports itself ready.
    await Promise.race([Promise.all(sessions.map((s) => s.start())), timeout]);
  } catch (e) {
    await closeAll();
    throw e;
  } finally {
    clearTimeout(timer);
  }
  return {
    connected: () => sessions.filter((s) => s.connected).length,
    inFlight: () => sessions.reduce((n, s) => n + s.inFlight, 0),
    connectionsLost: () => sessions.reduce((n, s) => n + s.lost, 0),
    close: closeAll,
  };
}
