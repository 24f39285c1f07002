/**
 * Cuts an MQTT byte stream into packets and reads PUBLISH, the one packet a subscriber gets per message, without a
 * general parser: mqtt-packet's parser (a packet object, a BufferList and debug calls per packet) was a sixth of
 * the gateway's CPU in external broker mode. Every other packet (CONNACK, SUBACK, PINGRESP, DISCONNECT ...) is
 * handed over whole, to be parsed by mqtt-packet. The PUBACK a subscriber writes per message is built here too.
 * frames.test.ts holds both to mqtt-packet's encoding.
 */

export interface Publish {
  readonly topic: string;
  readonly payload: Buffer;
  readonly qos: 0 | 1 | 2;
  /** Packet identifier (QoS 1 and 2); 0 for QoS 0. */
  readonly messageId: number;
}

/**
 * The default maximum packet size, bytes. The shipped Mosquitto refuses packets above 1 MiB anyway, and the contract
 * keeps payloads far below (larger ones are quarantined as E_OVERSIZE, with a truncated copy).
 */
export const MAX_PACKET_BYTES = 2 * 1024 * 1024;

export class FrameError extends Error {
  override readonly name = 'FrameError';
}

export class PacketFramer {
  /** Bytes of an incomplete packet, as they arrived. */
  private held: Buffer[] = [];
  private heldBytes = 0;
  /** Size of the incomplete packet once its header is in: no copying until all of it has arrived. */
  private need = 0;
  private stoppedAt = false;

  /**
   * MQTT 5 only (the gateway's connections speak nothing else): PUBLISH properties are read past, not interpreted;
   * this client announces no topic aliases, so a PUBLISH always names its topic.
   */
  constructor(
    private readonly onPublish: (p: Publish) => void,
    private readonly onOther: (frame: Buffer) => void,
    /** Asked before each PUBLISH: false stops reading (the bytes are kept) until `resume()`. Default: always true. */
    private readonly canTake: () => boolean = () => true,
    /**
     * Largest packet accepted, bytes (what the client announces as its MQTT 5 maximum packet size): a larger one is
     * a protocol error, so the bytes kept for an incomplete packet stay bounded. Default 2 MiB.
     */
    private readonly maxPacketBytes: number = MAX_PACKET_BYTES,
  ) {}

  /** Whether bytes are kept because `canTake` said no; `resume()` reads them. */
  get stopped(): boolean {
    return this.stoppedAt;
  }

  /** Reads what was kept while stopped, as far as `canTake` allows. */
  resume(): void {
    if (!this.stoppedAt) return;
    this.stoppedAt = false;
    const kept = Buffer.concat(this.held, this.heldBytes);
    this.held = [];
    this.heldBytes = 0;
    this.need = 0;
    this.push(kept);
  }

  /** Feeds bytes as they arrive, cut anywhere. Throws FrameError on a malformed packet (drop the connection). */
  push(chunk: Buffer): void {
    if (this.stoppedAt) {
      this.held.push(chunk);
      this.heldBytes += chunk.length;
      return;
    }
    if (this.heldBytes > 0) {
      this.held.push(chunk);
      this.heldBytes += chunk.length;
      if (this.heldBytes < this.need) return;
      chunk = Buffer.concat(this.held, this.heldBytes);
      this.held = [];
      this.heldBytes = 0;
    }
    let at = 0;
    while (at < chunk.length) {
      const header = remainingLength(chunk, at + 1);
      const end = header === undefined ? Infinity : at + 1 + header.bytes + header.length;
      if (header !== undefined && end - at > this.maxPacketBytes) {
        throw new FrameError(`a packet of ${end - at} bytes, above the announced maximum of ${this.maxPacketBytes}`);
      }
      if (end > chunk.length) {
        // An incomplete packet: keep its bytes (a copy, so the socket's chunk is not pinned by a slice of it).
        this.held = [Buffer.from(chunk.subarray(at))];
        this.heldBytes = chunk.length - at;
        this.need = end === Infinity ? 0 : end - at;
        return;
      }
      const type = chunk[at]! >> 4;
      if (type === 3 && !this.canTake()) {
        this.stoppedAt = true;
        this.held = [Buffer.from(chunk.subarray(at))];
        this.heldBytes = chunk.length - at;
        return;
      }
      if (type === 3) this.onPublish(this.publish(chunk, at, at + 1 + header!.bytes, end));
      else this.onOther(chunk.subarray(at, end));
      at = end;
    }
  }

  private publish(buf: Buffer, first: number, at: number, end: number): Publish {
    const flags = buf[first]! & 0x0f;
    const qos = (flags >> 1) & 3;
    if (qos === 3) throw new FrameError('PUBLISH with QoS 3');
    if (at + 2 > end) throw new FrameError('PUBLISH too short for its topic length');
    const topicLength = buf.readUInt16BE(at);
    at += 2;
    if (at + topicLength > end) throw new FrameError('PUBLISH topic runs past the packet');
    const topic = buf.toString('utf8', at, at + topicLength);
    at += topicLength;
    let messageId = 0;
    if (qos > 0) {
      if (at + 2 > end) throw new FrameError('PUBLISH too short for its packet identifier');
      messageId = buf.readUInt16BE(at);
      at += 2;
    }
    const props = remainingLength(buf, at);
    if (props === undefined || at + props.bytes + props.length > end) throw new FrameError('PUBLISH properties run past the packet');
    at += props.bytes + props.length;
    if (topic === '') throw new FrameError('PUBLISH without a topic (topic aliases are not enabled)');
    return { topic, payload: buf.subarray(at, end), qos: qos as 0 | 1 | 2, messageId };
  }
}

/** The variable byte integer at `at` (MQTT's remaining length): its value and size, undefined if incomplete. */
function remainingLength(buf: Buffer, at: number): { length: number; bytes: number } | undefined {
  let length = 0;
  let multiplier = 1;
  for (let i = 0; i < 4; i++) {
    if (at + i >= buf.length) return undefined;
    const b = buf[at + i]!;
    length += (b & 0x7f) * multiplier;
    if ((b & 0x80) === 0) return { length, bytes: i + 1 };
    multiplier *= 128;
  }
  throw new FrameError('variable byte integer longer than 4 bytes');
}

/**
 * PUBACK with reason code 0 and no properties: MQTT 5.0 §3.4.2.1 lets both be omitted (remaining length 2), which
 * is what mqtt-packet also generates for it. Built here because one is written per message.
 */
export function puback(messageId: number): Buffer {
  const b = Buffer.allocUnsafe(4);
  b[0] = 0x40;
  b[1] = 2;
  b.writeUInt16BE(messageId, 2);
  return b;
}
