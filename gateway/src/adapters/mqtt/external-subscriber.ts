/**
 * The gateway as an MQTT 5 client of an external broker (Mosquitto, EMQX, HiveMQ ...). Several gateway replicas join
 * one shared subscription group (`$share/{group}/...`), so the broker splits devices' messages between them.
 *
 * Ack after durable write: MQTT.js `customHandleAcks` holds the PUBACK until ingest resolves. MQTT.js handles one
 * inbound packet at a time per connection, so one connection is bounded by commit latency; `connections` opens
 * several members of the share group to let commits overlap. Sessions persist (clean: false), so a message that was
 * delivered but not acknowledged when a replica died is delivered again when it reconnects.
 */
import mqtt, { type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { gatewayFilters } from '@coldtrace/contract';
import type { InboundMessage } from '../../services/ingest.js';

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
  /** Broker-side session expiry, s: how long unacknowledged messages wait for this replica. Default 3600. */
  readonly sessionExpiryS?: number;
}

const DEFAULT_SESSION_EXPIRY_S = 3600;

export interface ExternalSubscriber {
  connected(): number;
  close(): Promise<void>;
}

export async function startExternalSubscriber(
  options: ExternalSubscriberOptions,
  ingest: (m: InboundMessage) => Promise<unknown>,
  now: () => number,
  log: Logger,
): Promise<ExternalSubscriber> {
  const filters = gatewayFilters(options.shareGroup);
  const clients: MqttClient[] = [];
  for (let i = 0; i < options.connections; i++) {
    const clientId = `${options.clientId}-${i}`;
    const client = mqtt.connect(options.url, {
      clientId, protocolVersion: 5, clean: false, reconnectPeriod: 1000, connectTimeout: 10_000,
      properties: { sessionExpiryInterval: options.sessionExpiryS ?? DEFAULT_SESSION_EXPIRY_S },
      ...(options.username !== undefined ? { username: options.username } : {}),
      ...(options.password !== undefined ? { password: options.password } : {}),
      customHandleAcks: (topic, message, _packet, done) => {
        ingest({ topic, payload: message, clientId: 'external', receivedAt: now() }).then(
          () => done(0),
          (e: unknown) => {
            log.error({ err: e, topic }, 'ingest failed: message not acknowledged; reconnecting so the broker re-sends it');
            done(e instanceof Error ? e : new Error(String(e)));
            // No PUBACK was sent; the broker re-sends unacknowledged messages when the session resumes.
            client.stream.destroy();
          },
        );
      },
    });
    client.on('message', (topic, payload, packet) => {
      // QoS 1/2 messages were ingested in customHandleAcks; QoS 0 has no ack and arrives only here.
      if (packet.qos !== 0) return;
      ingest({ topic, payload, clientId: 'external', receivedAt: now() }).catch((e: unknown) => log.error({ err: e, topic }, 'ingest of a QoS 0 message failed'));
    });
    client.on('connect', (connack) => {
      log.info({ clientId, sessionPresent: connack.sessionPresent }, 'connected to external MQTT broker');
      if (!connack.sessionPresent) {
        client.subscribe(filters, { qos: 1 }, (err) => { if (err) log.error({ err, clientId }, 'subscribe failed'); });
      }
    });
    client.on('error', (err) => log.warn({ clientId, err: err.message }, 'external MQTT client error'));
    clients.push(client);
  }
  await Promise.all(clients.map((c) => new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`cannot connect to ${options.url} within 15 s`)), 15_000);
    c.once('connect', () => { clearTimeout(timer); resolve(); });
  }))).catch(async (e: unknown) => {
    await Promise.all(clients.map((c) => c.endAsync(true)));
    throw e;
  });
  // Subscriptions are acknowledged before the gateway reports itself ready.
  await Promise.all(clients.map((c) => c.subscribeAsync(filters, { qos: 1 })));
  return {
    connected: () => clients.filter((c) => c.connected).length,
    close: async () => {
      await Promise.all(clients.map((c) => c.endAsync()));
    },
  };
}
