/**
 * The embedded MQTT broker (aedes over TCP). Ingest runs in `authorizePublish` because aedes 1.2 writes the QoS 1
 * PUBACK right after that hook and before `published` (lib/handlers/publish.js): holding the hook's callback until
 * the message is durable is what makes "acknowledged" mean "stored". If ingest fails, the callback gets the error,
 * aedes closes the connection without a PUBACK, and the device re-sends.
 */
// First: swaps mqtt-packet's allocating debug loggers before aedes loads it (quiet-debug.ts).
import './quiet-debug.js';
import { Aedes, type Client, type PublishPacket } from 'aedes';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import type { Logger } from 'pino';
import { EVENTS_PREFIX, parseFeedbackTopic } from '@coldtrace/contract';
import type { InboundMessage } from '../../services/ingest.js';
import { brokerGuard, type BrokerSecurity } from './broker-auth.js';
import { abuseGuard, DEFAULT_ABUSE_LIMITS, type AbuseLimitOptions } from './abuse-limits.js';

export interface EmbeddedBrokerOptions {
  /** Listen address. Default '0.0.0.0'. */
  readonly host: string;
  /** TCP port, 0 for an ephemeral one. Default 1883. */
  readonly port: number;
  /** false: no plain listener (TLS only). Default true. */
  readonly plain?: boolean;
  /**
   * A TLS listener beside (or instead of) the plain one; with `clientCa`, clients may present a certificate that CA
   * issued instead of a password (broker-auth.ts).
   */
  readonly tls?: { readonly port: number; readonly cert: Buffer; readonly key: Buffer; readonly clientCa?: Buffer };
}

export interface EmbeddedBroker {
  /** The plain listener's port and URL; without one, the TLS listener's. */
  readonly port: number;
  readonly url: string;
  /** The TLS listener's URL (mqtts://), when there is one. */
  readonly tlsUrl?: string;
  connectedClients(): number;
  /**
   * Publishes as the broker itself (QoS 1 to its subscribers; not ingested: only clients' messages are). `done` once
   * aedes has routed it, with the error if it could not.
   */
  publish(topic: string, payload: Buffer, done: (error?: Error) => void): void;
  close(): Promise<void>;
}

/**
 * aedes routes every published message to matching subscriptions (two topic-trie matches and the publish chain per
 * message) even when no client subscribes to anything, the usual case here: devices publish, the gateway ingests in
 * `authorizePublish`, before routing. Until the first subscription outside `$SYS/`, a non-retained message from a
 * client reaches nobody, so it is not routed (measured: 8-14 % less event-loop CPU per single-reading message). Retained messages are
 * always routed, so a later subscriber still gets each node's retained status. Sticky: after the first subscription
 * everything is routed. Subscriptions are counted where aedes registers them (`subscribe`, also for restored
 * sessions); the memory persistence used here keeps no session across a restart. A node's subscription to its own
 * feedback or command topic does not count: only the broker publishes there, so it never needs a client's message
 * routed.
 */
/** `ct/v1/{site}/{node}/command` (contract scanCommandTopic), wildcards included: five levels ending in `command`. */
const isCommandTopic = (topic: string): boolean => topic.endsWith('/command') && topic.split('/').length === 5;

type RuntimePublish = (this: Aedes, packet: PublishPacket, client: Client | null, done?: (error?: Error) => void) => void;

class IngestBroker extends Aedes {
  private routing = false;
  /** Publishes the ACL refused (broker-auth.ts): kept in quarantine, acknowledged, routed to nobody. */
  readonly refused = new WeakSet<PublishPacket>();

  override subscribe(topic: string, deliver: Parameters<Aedes['subscribe']>[1], callback: () => void): void {
    if (!topic.startsWith('$SYS/') && parseFeedbackTopic(topic) === undefined && !isCommandTopic(topic)) this.routing = true;
    super.subscribe(topic, deliver, callback);
  }

  // aedes calls publish(packet, client, done) (lib/handlers/publish.js); its types declare only (packet, done).
  override publish(packet: PublishPacket, clientOrDone: Client | null | ((error?: Error) => void), done?: (error?: Error) => void): void {
    const client = typeof clientOrDone === 'function' ? null : clientOrDone;
    const callback = typeof clientOrDone === 'function' ? clientOrDone : done;
    if (!this.routing && client !== null && !packet.retain && !packet.topic.startsWith('$SYS/')) {
      callback?.();
      return;
    }
    // Events (flags, milestones), refusal feedback and scan commands come from the gateway alone: a client's publish there is
    // quarantined (ingest refused its topic) and never reaches the order hub's or a node's subscribers as if it were the gateway's.
    if (client !== null && (this.refused.has(packet) || packet.topic.startsWith(EVENTS_PREFIX) || (packet.topic.endsWith('/feedback') && parseFeedbackTopic(packet.topic) !== undefined)
      || isCommandTopic(packet.topic))) {
      callback?.();
      return;
    }
    (Aedes.prototype.publish as unknown as RuntimePublish).call(this, packet, client, callback);
  }
}

export async function startEmbeddedBroker(
  options: EmbeddedBrokerOptions,
  /** IngestService.accept: `done(null)` once the outcome is durable; `done(error)` if nothing was kept. */
  ingest: (m: InboundMessage, done: (error: Error | null) => void) => void,
  now: () => number,
  log: Logger,
  /**
   * Device identity and topic ACLs (broker-auth.ts); without it the broker is open (COLDTRACE_MQTT_AUTH=open).
   * `forbidden` keeps a refused publish in quarantine: `done` once that is durable.
   */
  security?: { readonly credentials: BrokerSecurity; readonly forbidden: (m: InboundMessage, detail: string, done: (error: Error | null) => void) => void },
  /** Abuse limits (abuse-limits.ts), on whatever `security` is; `count` counts each refusal. */
  limits: { readonly options?: AbuseLimitOptions; readonly count: (stage: 'connect' | 'publish', reason: string) => void } = { count: () => undefined },
): Promise<EmbeddedBroker> {
  const guard = security === undefined ? undefined : brokerGuard(security.credentials, log);
  const abuse = abuseGuard(limits.options ?? DEFAULT_ABUSE_LIMITS, now, limits.count, log);
  /** A client's message past the rate limit: refused by the topic ACL (kept in quarantine), or ingested. */
  const admit = (client: Client, packet: PublishPacket, callback: (error?: Error | null) => void): void => {
    const receivedAt = now();
    if (guard !== undefined && security !== undefined && !guard.mayPublish(client, packet)) {
      broker.refused.add(packet);
      const id = guard.identity(client);
      const who = id === undefined ? `client '${client.id}'` : id.kind === 'node' ? `node ${id.site}/${id.node}` : `event reader ${id.name}`;
      return security.forbidden({ topic: packet.topic, payload: packet.payload as Buffer, clientId: client.id, receivedAt }, `${who} may not publish on this topic`, (e) => callback(e));
    }
    ingest({ topic: packet.topic, payload: packet.payload as Buffer, clientId: client.id, receivedAt }, (e) => {
      // Per message at debug: a failing store is logged once by CommitHealth, not once per message.
      if (e !== null) log.debug({ err: e, clientId: client.id, topic: packet.topic }, 'ingest failed: message not acknowledged');
      callback(e);
    });
  };
  const broker: IngestBroker = new IngestBroker({
    ...(guard !== undefined ? { authenticate: guard.authenticate, authorizeSubscribe: guard.authorizeSubscribe } : {}),
    preConnect: (client, packet, callback) => abuse.preConnect(client, packet, broker.connectedClients, callback),
    authorizePublish(client: Client | null, packet: PublishPacket, callback: (error?: Error | null) => void) {
      // client is null only for the broker's own publishes; wills (LWT) come here with the dead client's identity,
      // so a node's offline status is ingested like any other message (lib/client.js close()).
      if (client === null) return callback(null);
      // The common case takes a token and goes on at once; a client over its rate waits for its turn.
      if (abuse.take(client)) return admit(client, packet, callback);
      // Disconnected for its rate: nothing of this message was kept or acknowledged, the device sends it again.
      if (!abuse.wait(client, () => admit(client, packet, callback))) callback(new Error('message rate limit: disconnected'));
    },
  });
  await broker.listen(); // what Aedes.createBroker does after construction
  broker.on('clientError', (client, err) => log.debug({ clientId: client.id, err: err.message }, 'mqtt client error'));
  if (guard !== undefined) broker.on('clientDisconnect', (client) => guard.disconnected(client));
  const sockets = new Set<Socket>();
  // noDelay: a PUBACK is 4 bytes. With Nagle's algorithm a second PUBACK written before the first is ACKed waits for
  // that ACK, which a device's delayed-ACK timer can hold ~40 ms: on a slow link a replaying device would get its
  // acknowledgements in 40 ms steps. (On loopback, where the bench runs, it made no measurable difference.)
  const accept = (socket: Socket): void => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    abuse.watch(broker.handle(socket));
  };
  const servers: Server[] = [];
  const listen = async (server: Server, port: number): Promise<number> => {
    servers.push(server);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, options.host, () => resolve());
    });
    return (server.address() as AddressInfo).port;
  };
  const host = options.host === '0.0.0.0' || options.host === '::' ? '127.0.0.1' : options.host;
  const plainPort = options.plain === false ? undefined : await listen(createServer({ noDelay: true }, accept), options.port);
  const t = options.tls;
  // A client certificate is asked for but not required: a node without one logs in with its password. One that is
  // presented is checked against the client CA in authenticate (broker-auth.ts), so a bad one is refused there, counted.
  const tlsPort = t === undefined ? undefined
    : await listen(createTlsServer({ cert: t.cert, key: t.key, noDelay: true, ...(t.clientCa !== undefined ? { ca: t.clientCa, requestCert: true, rejectUnauthorized: false } : {}) }, accept), t.port);
  log.info({ port: plainPort, tlsPort, clientCertificates: t?.clientCa !== undefined }, 'embedded MQTT broker listening');
  const tlsUrl = tlsPort === undefined ? undefined : `mqtts://${host}:${tlsPort}`;
  const port = plainPort ?? tlsPort!;
  return {
    port,
    url: plainPort !== undefined ? `mqtt://${host}:${plainPort}` : tlsUrl!,
    ...(tlsUrl !== undefined ? { tlsUrl } : {}),
    connectedClients: () => broker.connectedClients,
    publish: (topic, payload, done) => {
      const packet = { cmd: 'publish', topic, payload, qos: 1, retain: false, dup: false } as PublishPacket;
      broker.publish(packet, (err?: Error | null) => done(err ?? undefined));
    },
    close: async () => {
      const closed = Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
      for (const s of sockets) s.destroy();
      await closed;
      await new Promise<void>((resolve) => broker.close(() => resolve()));
    },
  };
}
