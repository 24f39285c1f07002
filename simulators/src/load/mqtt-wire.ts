/**
 * A minimal MQTT 3.1.1 publisher over one TCP socket: CONNECT, PUBLISH (QoS 0/1), PUBACK, DISCONNECT. The load
 * generator needs 10,000 connections and tens of thousands of publishes per second from one process on a 2-core
 * machine; a full client (MQTT.js: stores, reconnect, keepalive timers per connection) costs more CPU and memory
 * than the gateway under test, which would make the generator the bottleneck. Spec: MQTT 3.1.1 (OASIS), section 3.
 */
import { connect as netConnect, type Socket } from 'node:net';

/** Encodes the "remaining length" variable-byte integer (MQTT 3.1.1 §2.2.3). */
export function encodeLength(n: number): Buffer {
  const bytes: number[] = [];
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    bytes.push(b);
  } while (n > 0);
  return Buffer.from(bytes);
}

function str(s: string): Buffer {
  const b = Buffer.from(s, 'utf8');
  const out = Buffer.allocUnsafe(2 + b.length);
  out.writeUInt16BE(b.length, 0);
  b.copy(out, 2);
  return out;
}

export function connectPacket(clientId: string, keepaliveS: number, cleanSession: boolean): Buffer {
  const body = Buffer.concat([str('MQTT'), Buffer.from([4, cleanSession ? 0x02 : 0x00, keepaliveS >> 8, keepaliveS & 0xff]), str(clientId)]);
  return Buffer.concat([Buffer.from([0x10]), encodeLength(body.length), body]);
}

/** PUBLISH; `topic` is the pre-encoded (length-prefixed) topic so it is encoded once per device, not per message. */
export function publishPacket(topic: Buffer, payload: Buffer, qos: 0 | 1, packetId: number): Buffer {
  const rest = topic.length + (qos > 0 ? 2 : 0) + payload.length;
  const len = encodeLength(rest);
  const out = Buffer.allocUnsafe(1 + len.length + rest);
  out[0] = 0x30 | (qos << 1);
  len.copy(out, 1);
  let o = 1 + len.length;
  topic.copy(out, o);
  o += topic.length;
  if (qos > 0) {
    out.writeUInt16BE(packetId, o);
    o += 2;
  }
  payload.copy(out, o);
  return out;
}

export function encodeTopic(topic: string): Buffer {
  return str(topic);
}

export interface WireEvents {
  /** CONNACK with its return code (0 = accepted). */
  connack(returnCode: number): void;
  puback(packetId: number): void;
  /** Socket closed (by either side or an error). */
  close(error: Error | undefined): void;
}

/** One publisher connection. Parses only what a publisher receives: CONNACK, PUBACK, PINGRESP. */
export class WireConnection {
  private buf: Buffer = Buffer.alloc(0);
  private corked = false;
  private closedError: Error | undefined;
  readonly socket: Socket;

  constructor(host: string, port: number, private readonly events: WireEvents) {
    this.socket = netConnect({ host, port, noDelay: true });
    this.socket.on('data', (d: Buffer) => this.onData(d));
    this.socket.on('error', (e) => { this.closedError = e; });
    this.socket.on('close', () => this.events.close(this.closedError));
  }

  /** Writes a packet; packets written in the same tick leave in one syscall (cork until the next tick). */
  write(packet: Buffer): boolean {
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
      process.nextTick(() => {
        this.corked = false;
        this.socket.uncork();
      });
    }
    return this.socket.write(packet);
  }

  disconnect(): void {
    if (this.socket.writable) this.socket.end(Buffer.from([0xe0, 0x00]));
  }

  destroy(): void {
    this.socket.destroy();
  }

  private onData(d: Buffer): void {
    this.buf = this.buf.length === 0 ? d : Buffer.concat([this.buf, d]);
    let o = 0;
    while (this.buf.length - o >= 2) {
      let len = 0;
      let mul = 1;
      let i = o + 1;
      let complete = false;
      for (; i < this.buf.length && i < o + 5; i++) {
        const b = this.buf[i]!;
        len += (b & 0x7f) * mul;
        mul *= 128;
        if ((b & 0x80) === 0) { complete = true; i++; break; }
      }
      if (!complete || this.buf.length < i + len) break;
      const type = this.buf[o]! >> 4;
      if (type === 2) this.events.connack(this.buf[i + 1] ?? 255);
      else if (type === 4) this.events.puback(this.buf.readUInt16BE(i));
      o = i + len;
    }
    this.buf = o === this.buf.length ? Buffer.alloc(0) : this.buf.subarray(o);
  }
}
