/**
 * Flag events on MQTT (docs/events.md): each event published with QoS 1 to `ct/v1/_events/flag/{kind}` on the
 * gateway's broker: the embedded one publishes them itself; on an external broker a client of its own (its own
 * client id) does. A live notification for subscribers such as dashboards and order hubs that listen; the durable
 * channel with retries is the webhooks. While an external broker is away, MQTT.js keeps the events in memory and
 * sends them on reconnect (lost on a restart).
 */
import mqtt from 'mqtt';
import type { Logger } from 'pino';
import { flagEventTopic } from '@coldtrace/contract';
import type { FlagEventMessage } from '../../domain/events/flag-events.js';

export interface EventPublisher {
  publish(messages: readonly FlagEventMessage[]): void;
  close(): Promise<void>;
}

/** Events published by the embedded broker itself. */
export function brokerEventPublisher(publish: (topic: string, payload: Buffer) => void): EventPublisher {
  return {
    publish: (messages) => {
      for (const m of messages) publish(flagEventTopic(m.type.slice('flag.'.length)), Buffer.from(JSON.stringify(m)));
    },
    close: () => Promise.resolve(),
  };
}

/** Events published by a client of the external broker (it connects, and reconnects, in the background). */
export function connectEventPublisher(o: { url: string; clientId: string; username?: string; password?: string }, log: Logger): EventPublisher {
  const client = mqtt.connect(o.url, {
    clientId: o.clientId, protocolVersion: 5, clean: true, reconnectPeriod: 2000, connectTimeout: 10_000,
    ...(o.username !== undefined ? { username: o.username } : {}), ...(o.password !== undefined ? { password: o.password } : {}),
  });
  client.on('error', (err) => log.warn({ err: err.message }, 'event publisher: MQTT error'));
  return {
    publish(messages) {
      for (const m of messages) {
        client.publish(flagEventTopic(m.type.slice('flag.'.length)), JSON.stringify(m), { qos: 1 }, (err) => {
          if (err !== undefined && err !== null) log.warn({ err: err.message, id: m.id }, 'event publisher: not published');
        });
      }
    },
    close: () => client.endAsync(),
  };
}
