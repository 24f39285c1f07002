import { describe, expect, it } from 'vitest';
import mqttPacket from 'mqtt-packet';
import { PublisherPacketReader, publishPacket } from './mqtt-wire.js';

describe('publishPacket', () => {
  it('encodes PUBLISH byte for byte as mqtt-packet does', () => {
    const topics = ['ct/v1/s/n/d/data', 'ct/v1/entrepôt/n/d/data'];
    // Payload sizes around each remaining-length boundary (1, 2, 3 and 4 length bytes).
    const sizes = [0, 1, 100, 110, 126, 127, 128, 16_360, 16_383, 16_384, 2_097_130, 2_097_152];
    for (const topic of topics) {
      for (const size of sizes) {
        for (const qos of [0, 1] as const) {
          const text = 'x'.repeat(size);
          const theirs = mqttPacket.generate(qos === 0
            ? { cmd: 'publish', topic, payload: Buffer.from(text), qos: 0, dup: false, retain: false }
            : { cmd: 'publish', topic, payload: Buffer.from(text), qos: 1, messageId: 65_535 - size % 1000, dup: false, retain: false });
          expect(publishPacket(topic, text, qos, 65_535 - size % 1000).equals(theirs), `${topic} ${size} qos ${qos}`).toBe(true);
          expect(publishPacket(topic, Buffer.from(text), qos, 65_535 - size % 1000).equals(theirs)).toBe(true);
        }
      }
    }
  });
});

describe('PublisherPacketReader', () => {
  const stream = Buffer.concat([
    mqttPacket.generate({ cmd: 'connack', returnCode: 0, sessionPresent: false }),
    mqttPacket.generate({ cmd: 'puback', messageId: 1 }),
    mqttPacket.generate({ cmd: 'pingresp' }),
    mqttPacket.generate({ cmd: 'puback', messageId: 65_535 }),
    mqttPacket.generate({ cmd: 'puback', messageId: 258 }),
    mqttPacket.generate({ cmd: 'connack', returnCode: 5, sessionPresent: false }),
  ]);
  const expected = ['connack 0', 'puback 1', 'puback 65535', 'puback 258', 'connack 5'];

  it('reads CONNACK, PUBACK and PINGRESP however the stream is cut', () => {
    for (let a = 0; a <= stream.length; a++) {
      for (let b = a; b <= stream.length; b++) {
        const seen: string[] = [];
        const r = new PublisherPacketReader({ connack: (rc) => seen.push(`connack ${rc}`), puback: (id) => seen.push(`puback ${id}`) });
        for (const part of [stream.subarray(0, a), stream.subarray(a, b), stream.subarray(b)]) r.push(part);
        expect(seen, `cut at ${a} and ${b}`).toEqual(expected);
      }
    }
  });

  it('refuses a packet a publisher cannot receive, and a malformed length', () => {
    const r = new PublisherPacketReader({ connack: () => undefined, puback: () => undefined });
    expect(() => r.push(mqttPacket.generate({ cmd: 'publish', topic: 't', payload: Buffer.from('x'), qos: 0, dup: false, retain: false }))).toThrow(/unexpected MQTT packet type 0x30/);
    expect(() => new PublisherPacketReader({ connack: () => undefined, puback: () => undefined }).push(Buffer.from([0x40, 0x03, 0, 1, 0]))).toThrow(/remaining length 3/);
  });
});
