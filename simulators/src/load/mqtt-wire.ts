/**
 * A lean MQTT 3.1.1 publisher connection: one TCP socket, none of a full client's machinery. The load generator
 * needs 10,000 connections and tens of thousands of publishes per second from one process on a 2-core machine,
 * which it shares with the gateway it measures: every microsecond it spends is taken from the gateway. A full
 * client (MQTT.js: stores, reconnect, keepalive timers per connection) costs more CPU and memory than the gateway.
 *
 * CONNECT goes through mqtt-packet (the codec MQTT.js and aedes use). PUBLISH is encoded here and what a publisher
 * receives (CONNACK, PUBACK, PINGRESP: fixed 2- or 4-byte packets) is read here: mqtt-packet's parser, its
 * BufferList and its debug calls were a sixth of the generator's CPU at 24,000 messages/s. mqtt-wire.test.ts holds
 * both to mqtt-packet's encoding and parsing.
 */
import { connect as netConnect, type Socket } from 'node:net';
import mqttPacket from 'mqtt-packet';

export function connectPacket(clientId: string, keepaliveS: number, cleanSession: boolean, login?: { readonly username: string; readonly password: string }): Buffer {
  return mqttPacket.generate({
    cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clientId, keepalive: keepaliveS, clean: cleanSession,
    ...(login !== undefined ? { username: login.username, password: Buffer.from(login.password) } : {}),
  });
}

/** PUBLISH (no dup, no retain): fixed header, remaining length, topic, packet id (QoS 1), payload. */
export function publishPacket(topic: string, payload: Buffer | string, qos: 0 | 1, packetId: number): Buffer {
  const topicBytes = Buffer.byteLength(topic);
  const payloadBytes = typeof payload === 'string' ? Buffer.byteLength(payload) : payload.length;
  const remaining = 2 + topicBytes + (qos === 1 ? 2 : 0) + payloadBytes;
  if (remaining > 268_435_455) throw new RangeError(`PUBLISH of ${remaining} bytes exceeds MQTT's maximum`);
  const lengthBytes = remaining < 128 ? 1 : remaining < 16_384 ? 2 : remaining < 2_097_152 ? 3 : 4;
  const out = Buffer.allocUnsafe(1 + lengthBytes + remaining);
  out[0] = 0x30 | (qos << 1);
  let i = 1;
  let n = remaining;
  do {
    const digit = n % 128;
    n = Math.floor(n / 128);
    out[i++] = n > 0 ? digit | 0x80 : digit;
  } while (n > 0);
  out.writeUInt16BE(topicBytes, i);
  i += 2;
  i += out.write(topic, i, 'utf8');
  if (qos === 1) {
    out.writeUInt16BE(packetId, i);
    i += 2;
  }
  if (typeof payload === 'string') out.write(payload, i, 'utf8');
  else payload.copy(out, i);
  return out;
}

export interface WireEvents {
  /** CONNACK with its return code (0 = accepted). */
  connack(returnCode: number): void;
  puback(packetId: number): void;
  /** Socket closed (by either side or an error). */
  close(error: Error | undefined): void;
}

/**
 * Reads the packets a publisher receives from a byte stream cut anywhere: CONNACK (0x20 0x02 flags rc), PUBACK
 * (0x40 0x02 id id), PINGRESP (0xd0 0x00). Anything else is a protocol error.
 */
export class PublisherPacketReader {
  private held: Buffer | undefined;

  constructor(private readonly events: Pick<WireEvents, 'connack' | 'puback'>) {}

  /** Feeds bytes; throws on a packet a publisher cannot receive. */
  push(chunk: Buffer): void {
    let d = chunk;
    if (this.held !== undefined) {
      d = Buffer.concat([this.held, chunk]);
      this.held = undefined;
    }
    let i = 0;
    while (i < d.length) {
      const type = d[i]!;
      const size = type === 0xd0 ? 2 : 4;
      if (type !== 0x20 && type !== 0x40 && type !== 0xd0) throw new Error(`unexpected MQTT packet type 0x${type.toString(16)} for a publisher`);
      if (d.length - i < 2) break;
      if (d[i + 1] !== size - 2) throw new Error(`malformed MQTT packet 0x${type.toString(16)}: remaining length ${d[i + 1]}`);
      if (d.length - i < size) break;
      if (type === 0x40) this.events.puback(d.readUInt16BE(i + 2));
      else if (type === 0x20) this.events.connack(d[i + 3]!);
      i += size;
    }
    if (i < d.length) this.held = Buffer.from(d.subarray(i));
  }
}

/** One publisher connection. Reads only what a publisher receives: CONNACK, PUBACK, PINGRESP. */
export class WireConnection {
  private readonly reader: PublisherPacketReader;
  private closedError: Error | undefined;
  readonly socket: Socket;

  constructor(host: string, port: number, private readonly events: WireEvents) {
    this.reader = new PublisherPacketReader(events);
    this.socket = netConnect({ host, port, noDelay: true });
    this.socket.on('data', (d: Buffer) => this.onData(d));
    this.socket.on('error', (e) => { this.closedError = e; });
    this.socket.on('close', () => this.events.close(this.closedError));
  }

  /** Writes a packet at once (one syscall); `batch` puts several into one. */
  write(packet: Buffer): boolean {
    return this.socket.write(packet);
  }

  /** Runs `send`, whose writes leave together in one syscall. */
  batch(send: () => void): void {
    this.socket.cork();
    try {
      send();
    } finally {
      this.socket.uncork();
    }
  }

  disconnect(): void {
    if (this.socket.writable) this.socket.end(Buffer.from([0xe0, 0x00]));
  }

  destroy(): void {
    this.socket.destroy();
  }

  private onData(d: Buffer): void {
    try {
      this.reader.push(d);
    } catch (e) {
      this.closedError = e instanceof Error ? e : new Error(String(e));
      this.socket.destroy();
    }
  }
}
