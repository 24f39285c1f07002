/** Test support: a real gateway with the custody registry (registry-fixture.ts) imported and an MQTT client as node-c. */
import { expect } from 'vitest';
import type { MqttClient } from 'mqtt';
import { connect, request, startTestGateway, type TestGateway } from './gateway.js';
import { custodyDocument } from './registry-fixture.js';

export interface CustodyWorld {
  readonly gw: TestGateway;
  readonly client: MqttClient;
  /** `${httpUrl}/api/v1` */
  readonly api: string;
  close(): Promise<void>;
}

export async function startCustodyWorld(t0: number): Promise<CustodyWorld> {
  const gw = await startTestGateway();
  const api = `${gw.httpUrl}/api/v1`;
  const client = await connect(gw.mqttUrl, 'node-c');
  const imported = await request('PUT', `${api}/registry`, custodyDocument(t0), { 'x-coldtrace-actor': 'setup', 'x-coldtrace-source': 'test' });
  expect(imported.status, JSON.stringify(imported.json)).toBe(200);
  return {
    gw, client, api,
    close: async () => {
      await client.endAsync();
      await gw.destroy();
    },
  };
}
