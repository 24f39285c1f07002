/**
 * A lean MQTT 3.1.1 publisher connection: one TCP socket, packets encoded and parsed by mqtt-packet (the codec
 * MQTT.js and aedes use), none of a full client's machinery. The load generator needs 10,000 connections and tens
 * of thousands of publishes per second from one process on a 2-core machine; a full client (MQTT.js: stores,
 * reconnect, keepalive timers per connection) costs more CPU and memory than the gateway under test.
 */
import { connect as netConnect, type Socket } from 'node:net';
import mqttPacket from 'mqtt-packet';

export function connectPacket(clientId: string, keepaliveS: number, cleanSession: boolean): Buffer {
  return mqttPacket.generate({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clientId, keepalive: keepaliveS, clean: cleanSession });
}

export function publishPacket(topic: string, payload: Buffer, qos: 0 | 1, packetId: number): Buffer {
  return mqttPacket.generate(qos === 0
    ? { cmd: 'publish', topic, payload, qos: 0, dup: false, retain: false }
    : { cmd: 'publish', topic, payload, qos: 1, messageId: packetId, dup: false, retain: false });
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
  private readonly parser = mqttPacket.parser({ protocolVersion: 4 });
  private corked = false;
  private closedError: Error | undefined;
  readonly socket: Socket;

  constructor(host: string, port: number, private readonly events: WireEvents) {
    this.parser.on('packet', (p) => {
      if (p.cmd === 'connack') this.events.connack(p.returnCode ?? 255);
      else if (p.cmd === 'puback') this.events.puback(p.messageId ?? -1);
    });
    this.parser.on('error', (e) => { this.closedError = e; this.socket.destroy(); });
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
    this.parser.parse(d);
  }
}
