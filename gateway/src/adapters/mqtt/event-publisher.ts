/**
 * What the gateway itself publishes on MQTT: flag events (docs/events.md) to `ct/v1/_events/flag/{kind}` and refusal
 * feedback (feedback-sink.ts) to `ct/v1/{site}/{node}/feedback`, both with QoS 1 through one outlet: the embedded
 * broker publishes them itself; on an external broker a client of its own (its own client id) does. A live
 * notification for subscribers such as dashboards, order hubs and edge agents that listen; the durable channels are
 * the webhooks and the quarantine. While an external broker is away, MQTT.js keeps the messages in memory and sends
 * them on reconnect (lost on a restart); the callers bound how many they leave waiting.
 */
import mqtt from 'mqtt';
import type { Logger } from 'pino';
import { eventTopic } from '@coldtrace/contract';

/** One QoS 1 publish of the gateway's own; `done` once the broker took (or routed) it, with the error if not. */
export interface MqttOutlet {
  publish(topic: string, payload: string, done: (error?: Error) => void): void;
  close(): Promise<void>;
}

/** The embedded broker publishing as itself. */
export function brokerOutlet(publish: (topic: string, payload: Buffer, done: (error?: Error) => void) => void): MqttOutlet {
  return {
    publish: (topic, payload, done) => publish(topic, Buffer.from(payload), done),
    close: () => Promise.resolve(),
  };
}

/** A client of the external broker (it connects, and reconnects, in the background). */
export function connectOutlet(o: { url: string; clientId: string; username?: string; password?: string }, log: Logger): MqttOutlet {
  const client = mqtt.connect(o.url, {
    clientId: o.clientId, protocolVersion: 5, clean: true, reconnectPeriod: 2000, connectTimeout: 10_000,
    ...(o.username !== undefined ? { username: o.username } : {}), ...(o.password !== undefined ? { password: o.password } : {}),
  });
  client.on('error', (err) => log.warn({ err: err.message }, 'gateway publisher: MQTT error'));
  return {
    publish: (topic, payload, done) => {
      client.publish(topic, payload, { qos: 1 }, (err) => done(err ?? undefined));
    },
    close: () => client.endAsync(),
  };
}

/** An event the gateway publishes: its type names its topic (`flag.raised` -> `ct/v1/_events/flag/raised`). */
export interface PublishedEvent {
  readonly id: string;
  readonly type: string;
}

export interface EventPublisher {
  publish(messages: readonly PublishedEvent[]): void;
}

/** Flag events through `outlet`. */
export function eventPublisher(outlet: MqttOutlet, log: Logger): EventPublisher {
  return {
    publish(messages) {
      for (const m of messages) {
        outlet.publish(eventTopic(m.type), JSON.stringify(m), (err) => {
          if (err !== undefined) log.warn({ err: err.message, id: m.id }, 'event publisher: not published');
        });
      }
    },
  };
}
