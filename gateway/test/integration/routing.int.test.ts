/**
 * The embedded broker is still an MQTT broker: ingest does not route device messages while nobody subscribes, but a
 * node's retained status is kept for later subscribers, and once a client subscribes it gets the live messages too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import { dataTopic, nodeStatusTopic } from '@coldtrace/contract';
import { connect, getJson, startTestGateway, type TestGateway } from '../support/gateway.js';

describe('embedded broker routing', () => {
  let gw: TestGateway;
  let node: MqttClient;
  let watcher: MqttClient | undefined;
  beforeAll(async () => {
    gw = await startTestGateway();
    node = await connect(gw.mqttUrl, 'node-rt');
  });
  afterAll(async () => {
    await watcher?.endAsync();
    await node.endAsync();
    await gw.destroy();
  });

  it('stores messages sent before anyone subscribes, keeps the retained status, and routes once someone subscribes', async () => {
    const time = Date.now() - 1000;
    const status = JSON.stringify({ v: 1, state: 'online', time, boot: 'b-1' });
    await node.publishAsync(nodeStatusTopic('wh1', 'node-rt'), status, { qos: 1, retain: true });
    await node.publishAsync(dataTopic('wh1', 'node-rt', 'rt-1'), JSON.stringify({ v: 1, seq: 1, time, readings: [{ metric: 'temperature', value: 3.5, unit: 'Cel' }] }), { qos: 1 });

    const received: { topic: string; payload: string; retain: boolean }[] = [];
    watcher = await connect(gw.mqttUrl, 'watcher-rt');
    watcher.on('message', (topic, payload, packet) => received.push({ topic, payload: payload.toString(), retain: packet.retain }));
    await watcher.subscribeAsync('ct/v1/#', { qos: 1 });
    await expect.poll(() => received.length).toBeGreaterThanOrEqual(1);
    // The retained status published before the subscription is delivered; the earlier data message was not retained.
    expect(received).toEqual([{ topic: nodeStatusTopic('wh1', 'node-rt'), payload: status, retain: true }]);

    const body = JSON.stringify({ v: 1, seq: 2, time: time + 1, readings: [{ metric: 'temperature', value: 3.6, unit: 'Cel' }] });
    await node.publishAsync(dataTopic('wh1', 'node-rt', 'rt-1'), body, { qos: 1 });
    await expect.poll(() => received.length).toBe(2);
    expect(received[1]).toEqual({ topic: dataTopic('wh1', 'node-rt', 'rt-1'), payload: body, retain: false });

    const { readings } = await getJson<{ readings: { value: number }[] }>(`${gw.httpUrl}/api/v1/readings?device=rt-1&metric=temperature`);
    expect(readings.map((r) => r.value)).toEqual([3.5, 3.6]);
  });
});
