/**
 * Device identity and topic ACLs in the embedded broker (docs/security.md, "Device identity"): aedes' authenticate,
 * authorizePublish and authorizeSubscribe hooks over the credential service and domain/devices/mqtt-identity.ts.
 *
 * - CONNECT: a user name and password issued by the gateway, and the client id that belongs to that user name; or,
 *   on the TLS listener with a client CA, a client certificate that CA issued, its subject CN the user name.
 * - PUBLISH outside the client's own topics: kept in quarantine as E_FORBIDDEN with the client's identity, never
 *   ingested and never routed; acknowledged as Mosquitto does (MQTT 3.1.1 has no refusal for a PUBLISH, and a
 *   client disconnected instead would re-send it forever).
 * - SUBSCRIBE outside what the identity may read: refused in the SUBACK (0x80).
 * - A revoked or rotated credential: the connections made with it are closed at once.
 * Every refusal is counted by stage and reason and logged at warn with the client id and user name.
 */
import type { AuthenticateError, Client, PublishPacket, Subscription } from 'aedes';
import { TLSSocket } from 'node:tls';
import type { Logger } from 'pino';
import { maySubscribe, publishCheck, usernameOf, type MqttIdentity } from '../../domain/devices/mqtt-identity.js';
import type { AuthOutcome, AuthRefusal, CredentialChange } from '../../services/credentials.js';

export type RefusalStage = 'connect' | 'publish' | 'subscribe';

export interface BrokerSecurity {
  verify(username: string | undefined, password: Buffer | undefined, clientId: string): Promise<AuthOutcome>;
  /** A CONNECT with a client certificate the CA verified, for the user name in its subject CN. */
  verifyCertified(username: string, clientId: string): Promise<AuthOutcome>;
  onChange(listener: (c: CredentialChange) => void): void;
  /** Counts a refusal (`coldtrace_mqtt_refused_total{stage,reason}`). */
  count(stage: RefusalStage, reason: string): void;
}

/** CONNACK return codes of MQTT 3.1.1 (3.2.2.3). */
const RETURN_CODE: Record<AuthRefusal, AuthenticateError['returnCode']> = { 'no-credentials': 4, unknown: 4, 'bad-secret': 4, revoked: 5, 'client-id': 2, 'bad-certificate': 5 };

/**
 * What the client's TLS certificate says: none (plain TCP, or no certificate presented), the CN of one the broker's
 * client CA verified, or why one was refused.
 */
function certificateOf(client: Client, username: string | undefined): { kind: 'none' } | { kind: 'verified'; cn: string } | { kind: 'refused'; detail: string } {
  const socket = (client as unknown as { conn?: unknown }).conn;
  if (!(socket instanceof TLSSocket)) return { kind: 'none' };
  const cert = socket.getPeerCertificate();
  if (cert === null || Object.keys(cert).length === 0) return { kind: 'none' };
  if (!socket.authorized) return { kind: 'refused', detail: `client certificate not issued by the client CA: ${String(socket.authorizationError)}` };
  const cn = cert.subject?.CN;
  if (typeof cn !== 'string' || cn === '') return { kind: 'refused', detail: 'client certificate without a subject CN' };
  if (username !== undefined && username !== '' && username !== cn) return { kind: 'refused', detail: `client certificate of '${cn}' used with the user name '${username}'` };
  return { kind: 'verified', cn };
}

export interface BrokerGuard {
  authenticate(client: Client, username: Readonly<string> | undefined, password: Readonly<Buffer> | undefined, done: (e: AuthenticateError | null, ok: boolean | null) => void): void;
  /** The identity of a connected client, when it authenticated. */
  identity(client: Client): MqttIdentity | undefined;
  /** Whether `client` may publish `packet`: false means keep it as refused, ingest and route nothing. */
  mayPublish(client: Client, packet: PublishPacket): boolean;
  authorizeSubscribe(client: Client | null, sub: Subscription, done: (e: Error | null, sub: Subscription | null) => void): void;
  /** A client's connection ended: forget it. */
  disconnected(client: Client): void;
}

export function brokerGuard(security: BrokerSecurity, log: Logger): BrokerGuard {
  const identities = new WeakMap<Client, MqttIdentity>();
  /** Per connection, its publish ACL with the topic strings made once (a test per message, no allocation). */
  const publishes = new WeakMap<Client, (topic: string) => boolean>();
  const byUser = new Map<string, Set<Client>>();
  security.onChange(({ username, change }) => {
    const clients = byUser.get(username);
    if (clients === undefined) return;
    byUser.delete(username);
    for (const c of clients) {
      log.warn({ clientId: c.id, username, change }, `closing the connection of '${username}': its credential was ${change === 'revoked' ? 'revoked' : 'replaced'}`);
      c.close();
    }
  });
  const refuse = (stage: RefusalStage, reason: string, fields: Record<string, unknown>, msg: string): void => {
    security.count(stage, reason);
    log.warn({ stage, reason, ...fields }, msg);
  };
  return {
    authenticate(client, username, password, done) {
      const cert = certificateOf(client, username);
      const check: Promise<AuthOutcome> = cert.kind === 'verified' ? security.verifyCertified(cert.cn, client.id)
        : cert.kind === 'refused' ? Promise.resolve({ ok: false, reason: 'bad-certificate', detail: cert.detail })
        : security.verify(username, password, client.id);
      check.then((outcome) => {
        if (!outcome.ok) {
          refuse('connect', outcome.reason, { clientId: client.id, username }, `MQTT connection refused: ${outcome.detail}`);
          return done(Object.assign(new Error(outcome.detail), { returnCode: RETURN_CODE[outcome.reason] }), false);
        }
        identities.set(client, outcome.identity);
        publishes.set(client, publishCheck(outcome.identity));
        const user = usernameOf(outcome.identity);
        let clients = byUser.get(user);
        if (clients === undefined) byUser.set(user, (clients = new Set()));
        clients.add(client);
        done(null, true);
      }, (e: unknown) => {
        refuse('connect', 'error', { clientId: client.id, username, err: (e as Error).message }, 'MQTT connection refused: the credential could not be checked');
        done(Object.assign(new Error('credential check failed'), { returnCode: 3 }), false);
      });
    },
    identity: (client) => identities.get(client),
    mayPublish(client, packet) {
      if (publishes.get(client)?.(packet.topic) === true) return true;
      const id = identities.get(client);
      const username = id === undefined ? undefined : usernameOf(id);
      refuse('publish', 'topic', { clientId: client.id, username, topic: packet.topic }, `MQTT publish refused: '${username ?? client.id}' may not publish on '${packet.topic}' (kept in quarantine)`);
      return false;
    },
    authorizeSubscribe(client, sub, done) {
      if (client === null) return done(null, sub);
      const id = identities.get(client);
      if (id !== undefined && maySubscribe(id, sub.topic)) return done(null, sub);
      const username = id === undefined ? undefined : usernameOf(id);
      refuse('subscribe', 'topic', { clientId: client.id, username, filter: sub.topic }, `MQTT subscription refused: '${username ?? client.id}' may not subscribe to '${sub.topic}'`);
      done(null, null);
    },
    disconnected(client) {
      const id = identities.get(client);
      if (id === undefined) return;
      const user = usernameOf(id);
      const clients = byUser.get(user);
      clients?.delete(client);
      if (clients?.size === 0) byUser.delete(user);
    },
  };
}
