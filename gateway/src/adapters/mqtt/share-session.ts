/**
 * One MQTT 5 connection of the gateway to an external broker, member of a shared subscription group, that keeps
 * many QoS 1 messages in flight and acknowledges each only after its outcome is durable.
 *
 * Why not MQTT.js's client: it hands a connection's packets to the application one at a time and reads the next
 * only after the previous one's PUBACK was written (`customHandleAcks` and `handleMessage` both chain the PUBACK to
 * the packet pump). With an ack after a durable commit, one connection then carries one message per commit: 4
 * connections at 200 commits/s stored ~800 readings/s, and PINGRESPs queued behind the commits timed the
 * connections out (issue #18). Here every PUBLISH goes to ingest as it arrives, so the messages of a connection join
 * one group commit like the embedded broker's; the broker's in-flight window is the `receiveMaximum` this client
 * announces in CONNECT (MQTT 5.0 §3.1.2.11.3). PUBLISH and PUBACK are read and written here (frames.ts, puback);
 * every other packet is encoded and parsed by mqtt-packet, the codec of MQTT.js and aedes.
 *
 * Reconnects with a capped backoff. The session is persistent (clean start off, a session expiry): what was
 * delivered but not acknowledged when the connection dropped is delivered again on the next connection, and the
 * store counts the second copy as a duplicate.
 */
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import mqttPacket, { type Packet } from 'mqtt-packet';
import type { Logger } from 'pino';
import { InOrderAcks } from './ack-order.js';
import { MAX_PACKET_BYTES, PacketFramer, puback, type Publish } from './frames.js';

export interface ShareSessionOptions {
  /** `mqtt:`/`tcp:` or `mqtts:`/`tls:` URL of the broker. */
  readonly url: string;
  readonly clientId: string;
  readonly username?: string;
  readonly password?: string;
  /** Subscriptions (shared-subscription filters), each at QoS 1. */
  readonly filters: readonly string[];
  /** Messages the broker may have in flight to this connection (MQTT 5 receive maximum, 1-65535). */
  readonly receiveMaximum: number;
  /** Broker-side session expiry, s. */
  readonly sessionExpiryS: number;
  /** Keepalive, s: a PINGREQ when nothing was sent for this long, the connection dropped when no answer follows. */
  readonly keepaliveS: number;
  /** First reconnect delay, ms; doubles per failed attempt up to `reconnectMaxMs`. */
  readonly reconnectMs: number;
  readonly reconnectMaxMs: number;
  /** A connection without CONNACK this long after it opened is dropped and tried again, ms. Default 10 000. */
  readonly connectTimeoutMs?: number;
}

/** Handles one message; `done(null)` once its outcome is durable (then it is acknowledged), `done(error)` if not. */
export type MessageHandler = (topic: string, payload: Buffer, done: (error: Error | null) => void) => void;

const V5 = { protocolVersion: 5 } as const;

/** CONNACK reason codes an operator meets (MQTT 5.0 §3.2.2.2), for the error that stops a start. */
const CONNACK_REASONS: Readonly<Record<number, string>> = {
  0x84: 'unsupported protocol version: the broker must speak MQTT 5', 0x85: 'client identifier not valid',
  0x86: 'bad user name or password', 0x87: 'not authorized', 0x88: 'server unavailable', 0x8a: 'banned',
  0x95: 'packet too large', 0x97: 'quota exceeded', 0x9f: 'connection rate exceeded',
};

export class ShareSession {
  private socket: Socket | undefined;
  private acks: InOrderAcks | undefined;
  private connectedNow = false;
  private lostCount = 0;
  private closed = false;
  private attempt = 0;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private pingTimer: NodeJS.Timeout | undefined;
  private awaitingPong = false;
  /** Bytes arrived since the last PINGREQ. */
  private heard = false;
  /** Reading was stopped by this client since the last PINGREQ. */
  private heldUp = false;
  private resuming = false;
  private firstConnect: { resolve: () => void; reject: (e: Error) => void } | undefined;

  constructor(private readonly o: ShareSessionOptions, private readonly handle: MessageHandler, private readonly log: Logger) {}

  get connected(): boolean {
    return this.connectedNow;
  }

  /** Established connections that were lost since start (a clean close does not count). */
  get lost(): number {
    return this.lostCount;
  }

  /** Messages received and not yet acknowledged on the current connection. */
  get inFlight(): number {
    return this.acks?.inFlight ?? 0;
  }

  /** Connects and subscribes; resolves once the subscription is acknowledged (a first failure rejects). */
  start(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.firstConnect = { resolve, reject };
      this.open();
    });
  }

  /** Sends DISCONNECT (the session and its unacknowledged messages stay at the broker) and stops reconnecting. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    const s = this.socket;
    if (s === undefined || s.destroyed) return;
    await new Promise<void>((resolve) => {
      s.once('close', () => resolve());
      if (this.connectedNow) s.end(mqttPacket.generate({ cmd: 'disconnect', reasonCode: 0 }, V5));
      else s.destroy();
      setTimeout(() => s.destroy(), 2000).unref();
    });
  }

  private open(): void {
    const u = new URL(this.o.url);
    const tls = u.protocol === 'mqtts:' || u.protocol === 'tls:';
    const port = u.port === '' ? (tls ? 8883 : 1883) : Number(u.port);
    const socket = tls ? tlsConnect({ host: u.hostname, port, servername: u.hostname }) : netConnect({ host: u.hostname, port });
    socket.setNoDelay(true);
    this.socket = socket;
    const acks = new InOrderAcks((messageId) => { if (!socket.destroyed) socket.write(puback(messageId)); });
    this.acks = acks;
    const parser = mqttPacket.parser(V5);
    parser.on('packet', (p: Packet) => this.onPacket(socket, p));
    parser.on('error', (e: Error) => this.drop(socket, `protocol error: ${e.message}`));
    // The broker should send no more than receiveMaximum unacknowledged messages; Mosquitto 2.0.11 sends more once
    // acknowledgements flow (its quota is refilled per PUBACK by up to the whole window). Reading stops there, so the
    // messages held in memory stay bounded whatever the broker does; TCP backpressure holds the rest at the broker.
    const framer = new PacketFramer((p) => this.onPublish(socket, framer, acks, p), (frame) => parser.parse(frame),
      () => acks.inFlight < this.o.receiveMaximum);
    socket.on(tls ? 'secureConnect' : 'connect', () => {
      // A broker that accepts the TCP connection and never answers (stalled, overloaded) must not hold it forever.
      setTimeout(() => { if (socket === this.socket && !this.connectedNow) this.drop(socket, 'no CONNACK in time'); }, this.o.connectTimeoutMs ?? 10_000).unref();
      this.write(socket, {
        cmd: 'connect', protocolId: 'MQTT', protocolVersion: 5, clientId: this.o.clientId, clean: false, keepalive: this.o.keepaliveS,
        // The broker must not send this client more than the framer keeps for one packet (frames.ts).
        properties: { sessionExpiryInterval: this.o.sessionExpiryS, receiveMaximum: this.o.receiveMaximum, maximumPacketSize: MAX_PACKET_BYTES },
        ...(this.o.username !== undefined ? { username: this.o.username } : {}),
        ...(this.o.password !== undefined ? { password: Buffer.from(this.o.password) } : {}),
      });
    });
    socket.on('data', (d: Buffer) => {
      this.heard = true;
      try {
        framer.push(d);
      } catch (e) {
        this.drop(socket, `protocol error: ${(e as Error).message}`);
      }
      if (framer.stopped) {
        socket.pause();
        this.heldUp = true;
      }
    });
    socket.on('error', (e: Error) => this.log.warn({ clientId: this.o.clientId, err: e.message }, 'external MQTT connection error'));
    socket.on('close', () => this.onClose(socket, acks));
  }

  private onPacket(socket: Socket, p: Packet): void {
    switch (p.cmd) {
      case 'connack': {
        if ((p.reasonCode ?? p.returnCode ?? 0) !== 0) {
          const code = p.reasonCode ?? p.returnCode ?? 0;
          const e = new Error(`broker refused the connection of ${this.o.clientId}: reason code ${code}${CONNACK_REASONS[code] !== undefined ? ` (${CONNACK_REASONS[code]})` : ''}`);
          this.failFirst(e);
          this.drop(socket, e.message);
          return;
        }
        this.connectedNow = true;
        this.attempt = 0;
        this.schedulePing(socket);
        this.log.info({ clientId: this.o.clientId, sessionPresent: p.sessionPresent }, 'connected to external MQTT broker');
        // A resumed session keeps its subscriptions; a new one (first start, or expired) subscribes again.
        if (p.sessionPresent && this.firstConnect === undefined) return;
        this.write(socket, { cmd: 'subscribe', messageId: 1, subscriptions: this.o.filters.map((topic) => ({ topic, qos: 1 as const })) });
        return;
      }
      case 'suback': {
        const refused = (p.granted as number[]).filter((g) => g >= 0x80);
        if (refused.length > 0) {
          const e = new Error(`broker refused the subscription of ${this.o.clientId} (reason codes ${refused.join(', ')})`);
          this.log.error({ clientId: this.o.clientId }, e.message);
          this.failFirst(e);
          return;
        }
        const first = this.firstConnect;
        this.firstConnect = undefined;
        first?.resolve();
        return;
      }
      case 'pingresp':
        this.awaitingPong = false;
        return;
      case 'disconnect':
        this.log.warn({ clientId: this.o.clientId, reasonCode: p.reasonCode }, 'broker sent DISCONNECT');
        return;
      default:
        return;
    }
  }

  private resumeReading(socket: Socket, framer: PacketFramer): void {
    this.resuming = false;
    if (socket !== this.socket || socket.destroyed) return;
    try {
      framer.resume();
    } catch (e) {
      this.drop(socket, `protocol error: ${(e as Error).message}`);
      return;
    }
    if (!framer.stopped) socket.resume();
  }

  private onPublish(socket: Socket, framer: PacketFramer, acks: InOrderAcks, p: Publish): void {
    const { topic, payload, qos } = p;
    if (qos === 0) {
      this.handleSafely(topic, payload, (e) => { if (e !== null) this.log.error({ err: e, topic }, 'ingest of a QoS 0 message failed'); });
      return;
    }
    // QoS 2 is not subscribed to (the broker downgrades to the subscription's QoS 1); were it sent, PUBACK is wrong.
    if (qos === 2) { this.drop(socket, 'QoS 2 PUBLISH on a QoS 1 subscription'); return; }
    const entry = acks.received(p.messageId);
    this.handleSafely(topic, payload, (e) => {
      if (socket !== this.socket || socket.destroyed) return; // that connection is gone: the broker re-sends
      if (e === null) {
        // A commit releases many acknowledgements at once: one write (and syscall) for all of them.
        if (!socket.writableCorked) {
          socket.cork();
          process.nextTick(() => socket.uncork());
        }
        acks.done(entry);
        if (framer.stopped && !this.resuming) {
          this.resuming = true;
          process.nextTick(() => this.resumeReading(socket, framer));
        }
        return;
      }
      // No PUBACK: drop the connection so the broker re-sends it (and the rest of the window) on the next one.
      // Per message at debug: a failing store is logged once by CommitHealth, not once per message.
      this.log.debug({ err: e, topic }, 'ingest failed: message not acknowledged; reconnecting so the broker re-sends it');
      this.drop(socket, 'ingest failed');
    });
  }

  private handleSafely(topic: string, payload: Buffer, done: (error: Error | null) => void): void {
    try {
      this.handle(topic, payload, done);
    } catch (e) {
      done(e instanceof Error ? e : new Error(String(e)));
    }
  }

  /**
   * A PINGREQ every half keepalive. The connection is dropped when a whole interval passed with a PINGREQ
   * unanswered and nothing at all arriving, unless this client stopped reading itself during it (every message of
   * the window waiting for its commit): then a PINGRESP may sit unread behind the messages, and the broker is not
   * to blame.
   */
  private schedulePing(socket: Socket): void {
    clearTimeout(this.pingTimer);
    if (this.o.keepaliveS <= 0) return;
    this.pingTimer = setTimeout(() => {
      if (socket !== this.socket || socket.destroyed) return;
      if (this.awaitingPong && !this.heard && !this.heldUp) {
        this.drop(socket, `no PINGRESP and nothing else within ${this.o.keepaliveS / 2} s`);
        return;
      }
      this.awaitingPong = true;
      this.heard = false;
      this.heldUp = socket.isPaused();
      this.write(socket, { cmd: 'pingreq' });
      this.schedulePing(socket);
    }, (this.o.keepaliveS * 1000) / 2);
    this.pingTimer.unref();
  }

  private write(socket: Socket, p: Packet): void {
    if (!socket.destroyed) socket.write(mqttPacket.generate(p, V5));
  }

  private drop(socket: Socket, why: string): void {
    if (socket.destroyed) return;
    this.log.warn({ clientId: this.o.clientId, why }, 'dropping external MQTT connection');
    socket.destroy();
  }

  private failFirst(e: Error): void {
    const first = this.firstConnect;
    if (first === undefined) return;
    this.firstConnect = undefined;
    this.closed = true;
    first.reject(e);
  }

  private onClose(socket: Socket, acks: InOrderAcks): void {
    if (socket !== this.socket) return;
    acks.clear();
    clearTimeout(this.pingTimer);
    this.awaitingPong = false;
    const was = this.connectedNow;
    this.connectedNow = false;
    if (this.closed) return;
    if (was) this.lostCount++;
    if (was) this.log.warn({ clientId: this.o.clientId }, 'external MQTT connection lost: reconnecting');
    const delay = Math.min(this.o.reconnectMaxMs, this.o.reconnectMs * 2 ** Math.min(this.attempt, 16));
    this.attempt++;
    this.reconnectTimer = setTimeout(() => this.open(), delay);
  }
}
