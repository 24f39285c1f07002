/** The TelemetryStore contract against a real InfluxDB 1.x (influxd 1.6.7): native /write and InfluxQL /query. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InfluxV1Client, openInfluxV1Store } from '../../src/adapters/influx/index.js';
import { startInfluxd, type TestServer } from '../support/influx-servers.js';
import { describeTelemetryStoreContract } from '../store-contract.js';

let server: TestServer;
beforeAll(async () => { server = await startInfluxd(); });
afterAll(async () => { await server?.stop(); });

describeTelemetryStoreContract('influxdb 1.x', async () => {
  const database = `ct_${Math.random().toString(36).slice(2, 10)}`;
  let store = await openInfluxV1Store({ url: server.url, database, createDatabase: true });
  return {
    get store() { return store; },
    detectsDuplicates: false,
    cleanup: () => store.close(),
    reopen: async () => {
      await store.close();
      store = await openInfluxV1Store({ url: server.url, database });
      return store;
    },
  };
});

describe('InfluxV1Client errors', () => {
  const reading = { site: 's', node: 'n', device: 'd', metric: 'temperature', time: 1_700_000_000_000, value: 1, unit: 'Cel', seq: 1, receivedAt: 1_700_000_000_000, flags: 0 };

  it('refuses a write to a missing database with a non-retryable 404 carrying the server message', async () => {
    const client = new InfluxV1Client({ url: server.url, database: 'no_such_db' });
    await expect(client.write([reading])).rejects.toMatchObject({ code: 'E_REMOTE_HTTP', status: 404, retryable: false, message: expect.stringContaining('database not found') });
  });

  it('refuses a field type conflict with a non-retryable 400', async () => {
    const client = new InfluxV1Client({ url: server.url, database: 'ct_conflict', createDatabase: true });
    await client.init();
    await client.write([reading]);
    const res = await fetch(`${server.url}/write?db=ct_conflict&precision=ms`, { method: 'POST', body: `temperature,device=d value=1i ${reading.time + 1}` });
    expect(res.status).toBe(400);
    await expect(client.write([{ ...reading, value: Number.NaN }])).rejects.toMatchObject({ code: 'E_REMOTE_ENCODE', retryable: false });
  });

  it('reports a closed port as a retryable network error', async () => {
    const client = new InfluxV1Client({ url: 'http://127.0.0.1:9', database: 'x', timeoutMs: 1000 });
    await expect(client.write([reading])).rejects.toMatchObject({ code: 'E_REMOTE_NETWORK', retryable: true });
  });
});
