/**
 * The gateway's MQTT side (part of the composition root, gateway.ts): the embedded broker with device identity, ACLs,
 * TLS and abuse limits, or the external broker's shared subscription; and the outlet through which the gateway
 * publishes its own messages (flag events, refusal feedback): the embedded broker as itself, or a client of its own.
 */
import type { Logger } from 'pino';
import type { GatewayConfig } from './config.js';
import type { Clock, Scheduler } from './ports/clock.js';
import { startEmbeddedBroker } from './adapters/mqtt/embedded-broker.js';
import { startExternalSubscriber } from './adapters/mqtt/external-subscriber.js';
import { brokerOutlet, connectOutlet, type MqttOutlet } from './adapters/mqtt/event-publisher.js';
import type { CredentialService } from './services/credentials.js';
import type { IngestService } from './services/ingest.js';
import type { GatewayMetrics } from './services/metrics.js';

export interface GatewayMqtt {
  readonly url: string;
  /** The embedded broker's TLS listener, when it has one. */
  readonly tlsUrl?: string;
  readonly outlet?: MqttOutlet;
  health(): { ok: boolean; detail: string };
  close(): Promise<void>;
}

export async function startGatewayMqtt(
  config: GatewayConfig,
  deps: { readonly ingest: IngestService; readonly credentials: CredentialService; readonly metrics: GatewayMetrics; readonly clock: Clock; readonly scheduler: Scheduler; readonly log: Logger },
): Promise<GatewayMqtt> {
  const { ingest, credentials, metrics, clock, scheduler, log } = deps;
  const m = config.mqtt;
  const refused = (stage: string, reason: string): void => metrics.mqttRefused.inc({ stage, reason });
  if (m.mode === 'embedded') {
    if (m.auth === 'open') log.warn('COLDTRACE_MQTT_AUTH=open: any client may connect to the embedded broker and publish as any node');
    const security = m.auth === 'open' ? undefined : {
      credentials: { verify: credentials.verify.bind(credentials), verifyCertified: credentials.verifyCertified.bind(credentials), onChange: credentials.onChange.bind(credentials), count: refused },
      forbidden: ingest.forbidden.bind(ingest),
    };
    const listeners = { plain: config.tls.mqttPlain, ...(config.tls.mqttTls !== undefined ? { tls: config.tls.mqttTls } : {}) };
    const broker = await startEmbeddedBroker({ ...m, ...listeners }, (msg, done) => ingest.accept(msg, done), () => clock.now(), log, security, { options: config.mqttLimits, count: refused });
    return {
      url: broker.url, ...(broker.tlsUrl !== undefined ? { tlsUrl: broker.tlsUrl } : {}), outlet: brokerOutlet(broker.publish),
      health: () => ({ ok: true, detail: `embedded broker, ${broker.connectedClients()} clients` }),
      close: () => broker.close(),
    };
  }
  const sub = await connectWithin(m.connectWaitMs, clock, scheduler, log, () => startExternalSubscriber(m, (msg, done) => ingest.accept(msg, done), () => clock.now(), log));
  metrics.setMqttSource(() => ({ lost: sub.connectionsLost(), inFlight: sub.inFlight() }));
  const outlet = connectOutlet({ url: m.url, clientId: `${m.clientId}-events`, ...(m.username !== undefined ? { username: m.username } : {}), ...(m.password !== undefined ? { password: m.password } : {}) }, log);
  return {
    url: m.url, outlet,
    health: () => ({ ok: sub.connected() === m.connections, detail: `${sub.connected()}/${m.connections} connections to ${m.url}, share group ${m.shareGroup}, ${sub.inFlight()} messages in flight` }),
    close: () => sub.close(),
  };
}

/**
 * The first connection to an external broker, tried again every 2 s for `waitMs` while the broker is down or refuses
 * the gateway (COLDTRACE_MQTT_CONNECT_WAIT_S): in the compose stack Mosquitto knows the gateway's user only once it
 * has reloaded the password file the gateway writes at start (deploy/mosquitto/run.sh). Later drops are the
 * subscriber's own business (it reconnects); a start that never succeeds fails with the last reason.
 */
export async function connectWithin<T>(waitMs: number, clock: Clock, scheduler: Scheduler, log: Logger, connect: () => Promise<T>): Promise<T> {
  const until = clock.now() + waitMs;
  // The scheduler's timers do not keep the process alive, and nothing else may yet: hold it while waiting.
  const hold = setInterval(() => undefined, 60_000);
  try {
    for (;;) {
      try {
        return await connect();
      } catch (err) {
        if (clock.now() >= until) throw err;
        log.warn({ err: (err as Error).message }, 'external MQTT broker not ready for the gateway yet: trying again in 2 s');
        await new Promise<void>((resolve) => scheduler.after(2000, resolve));
      }
    }
  } finally {
    clearInterval(hold);
  }
}
