import mqttPacket, { type Packet } from 'mqtt-packet';
import { describe, expect, it } from 'vitest';
import { FrameError, PacketFramer, puback, type Publish } from './frames.js';

const publish = (p: { topic: string; payload: Buffer; qos: 0 | 1; messageId?: number; properties?: Record<string, unknown> }): Buffer =>
  mqttPacket.generate({ cmd: 'publish', retain: false, dup: false, ...p } as Packet, { protocolVersion: 5 });

function frame(bytes: Buffer, cutEvery?: number): { publishes: Publish[]; others: Buffer[] } {
  const publishes: Publish[] = [];
  const others: Buffer[] = [];
  const f = new PacketFramer((p) => publishes.push(p), (o) => others.push(Buffer.from(o)));
  if (cutEvery === undefined) f.push(bytes);
  else for (let i = 0; i < bytes.length; i += cutEvery) f.push(bytes.subarray(i, i + cutEvery));
  return { publishes, others };
}

describe('PacketFramer', () => {
  const big = Buffer.alloc(300_000, 0x61);
  const cases = [
    { name: 'a QoS 1 message', p: { topic: 'ct/v1/wh1/n1/d1/data', payload: Buffer.from('{"v":1}'), qos: 1 as const, messageId: 513 } },
    { name: 'a QoS 0 message', p: { topic: 'ct/v1/wh1/n1/d1/data', payload: Buffer.from('x'), qos: 0 as const } },
    { name: 'an empty payload', p: { topic: 't', payload: Buffer.alloc(0), qos: 1 as const, messageId: 1 } },
    { name: 'a UTF-8 topic', p: { topic: 'ct/v1/entrepôt/nœud/capteur-°C/data', payload: Buffer.from('ü'), qos: 1 as const, messageId: 65_535 } },
    { name: 'a payload needing a 3-byte length', p: { topic: 't/x', payload: big, qos: 1 as const, messageId: 9 } },
  ];

  it.each(cases)('reads $name as mqtt-packet wrote it, whole or cut anywhere', ({ p }) => {
    const bytes = publish(p);
    for (const cut of p.payload.length > 1000 ? [undefined, 1009, 65_536] : [undefined, 1, 7]) {
      const { publishes, others } = frame(bytes, cut);
      expect(others).toEqual([]);
      expect(publishes).toHaveLength(1);
      const { payload, ...rest } = publishes[0]!;
      expect(rest).toEqual({ topic: p.topic, qos: p.qos, messageId: p.messageId ?? 0 });
      expect(payload.equals(p.payload)).toBe(true);
    }
  });

  it('skips MQTT 5 properties', () => {
    const bytes = publish({ topic: 'a/b', payload: Buffer.from('hi'), qos: 1, messageId: 3, properties: { userProperties: { k: 'v' }, contentType: 'application/json', messageExpiryInterval: 60 } });
    expect(frame(bytes).publishes).toEqual([{ topic: 'a/b', payload: Buffer.from('hi'), qos: 1, messageId: 3 }]);
  });

  it('hands every other packet over whole, in stream order with the messages', () => {
    const connack = mqttPacket.generate({ cmd: 'connack', sessionPresent: true, reasonCode: 0 }, { protocolVersion: 5 });
    const pingresp = mqttPacket.generate({ cmd: 'pingresp' });
    const m = publish({ topic: 't', payload: Buffer.from('1'), qos: 1, messageId: 1 });
    const { publishes, others } = frame(Buffer.concat([connack, m, pingresp, m]), 3);
    expect(publishes).toHaveLength(2);
    expect(others).toEqual([connack, pingresp]);
  });

  it('stops before a PUBLISH it may not take, keeps the bytes, and goes on from there on resume', () => {
    const got: number[] = [];
    let room = 2;
    const f = new PacketFramer((p) => got.push(p.messageId), () => undefined, () => got.length < room);
    const bytes = Buffer.concat([1, 2, 3, 4, 5].map((messageId) => publish({ topic: 't', payload: Buffer.from('x'), qos: 1, messageId })));
    f.push(bytes.subarray(0, 20));
    f.push(bytes.subarray(20));
    expect(got).toEqual([1, 2]);
    expect(f.stopped).toBe(true);
    f.resume();
    expect(got).toEqual([1, 2]);
    room = 4;
    f.resume();
    expect(got).toEqual([1, 2, 3, 4]);
    room = 10;
    f.push(publish({ topic: 't', payload: Buffer.from('y'), qos: 1, messageId: 6 }));
    expect(got).toEqual([1, 2, 3, 4]);
    f.resume();
    expect(got).toEqual([1, 2, 3, 4, 5, 6]);
    expect(f.stopped).toBe(false);
  });

  it('refuses a packet above its maximum size as soon as the header says so, keeping nothing of it', () => {
    const f = new PacketFramer(() => undefined, () => undefined, () => true, 1000);
    const big = publish({ topic: 't', payload: Buffer.alloc(2000), qos: 1, messageId: 1 });
    expect(() => f.push(big.subarray(0, 10))).toThrow(/above the announced maximum of 1000/);
  });

  it.each([
    { name: 'QoS 3', bytes: Buffer.from([0x36, 0x04, 0x00, 0x01, 0x74, 0x00]) },
    { name: 'a topic running past the packet', bytes: Buffer.from([0x30, 0x03, 0x00, 0x09, 0x74]) },
    { name: 'an empty topic (a topic alias)', bytes: Buffer.from([0x32, 0x05, 0x00, 0x00, 0x00, 0x01, 0x00]) },
    { name: 'a 5-byte remaining length', bytes: Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff, 0x01]) },
  ])('refuses $name', ({ bytes }) => {
    expect(() => frame(bytes)).toThrow(FrameError);
  });

  it('writes a PUBACK as mqtt-packet does', () => {
    for (const messageId of [1, 258, 65_535]) {
      expect(puback(messageId)).toEqual(mqttPacket.generate({ cmd: 'puback', messageId, reasonCode: 0 }, { protocolVersion: 5 }));
    }
  });
});
