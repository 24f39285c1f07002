/**
 * The embedded MQTT broker (aedes over TCP). Ingest runs in `authorizePublish` because aedes 1.2 writes the QoS 1
 * PUBACK right after that hook and before `published` (lib/handlers/publish.js): holding the hook's callback until
 * the message is durable is what makes "acknowledged" mean "stored". If ingest fails, the callback gets the error,
 * aedes closes the connection without a PUBACK, and the device re-sends.
 */
import { Aedes, type Client, type PublishPacket } from 'aedes';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import type { Logger } from 'pino';
import type { InboundMessage } from '../../services/ingest.js';

export interface EmbeddedBrokerOptions {
  /** Listen address. Default '0.0.0.0'. */
  readonly host: string;
  /** TCP port, 0 for an ephemeral one. Default 1883. */
  readonly port: number;
}

export interface EmbeddedBroker {
  readonly port: number;
  readonly url: string;
  connectedClients(): number;
  close(): Promise<void>;
}

export async function startEmbeddedBroker(
  options: EmbeddedBrokerOptions,
  ingest: (m: InboundMessage) => Promise<unknown>,
  now: () => number,
  log: Logger,
): Promise<EmbeddedBroker> {
  const broker = await Aedes.createBroker({
    authorizePublish(client: Client | null, packet: PublishPacket, callback: (error?: Error | null) => void) {
      // client is null only for the broker's own publishes; wills (LWT) come here with the dead client's identity,
      // so a node's offline status is ingested like any other message (lib/client.js close()).
      if (client === null) return callback(null);
      const receivedAt = now();
      ingest({ topic: packet.topic, payload: packet.payload as Buffer, clientId: client.id, receivedAt }).then(
        () => callback(null),
        (e: unknown) => {
          log.error({ err: e, clientId: client.id, topic: packet.topic }, 'ingest failed: message not acknowledged');
          callback(e instanceof Error ? e : new Error(String(e)));
        },
      );
    },
  });
  broker.on('clientError', (client, err) => log.debug({ clientId: client.id, err: err.message }, 'mqtt client error'));
  const sockets = new Set<Socket>();
  // noDelay: a PUBACK is 4 bytes. With Nagle's algorithm a second PUBACK written before the first is ACKed waits for
  // that ACK, which a device's delayed-ACK timer can hold ~40 ms: on a slow link a replaying device would get its
  // acknowledgements in 40 ms steps. (On loopback, where the bench runs, it made no measurable difference.)
  const server: Server = createServer({ noDelay: true }, (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    broker.handle(socket);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const host = options.host === '0.0.0.0' || options.host === '::' ? '127.0.0.1' : options.host;
  log.info({ port }, 'embedded MQTT broker listening');
  return {
    port,
    url: `mqtt://${host}:${port}`,
    connectedClients: () => broker.connectedClients,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sockets) s.destroy();
      await closed;
      await new Promise<void>((resolve) => broker.close(() => resolve()));
    },
  };
}
