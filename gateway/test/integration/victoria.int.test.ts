/**
 * The TelemetryStore contract against a real VictoriaMetrics: written through the InfluxDB v2 write API
 * (influxdb-client WriteApi), read back through /api/v1/export (VictoriaMetrics answers no InfluxQL or Flux).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InfluxV2Writer, openVictoriaMetricsStore } from '../../src/adapters/influx/index.js';
import { forceFlushVictoria, startVictoriaMetrics, type TestServer } from '../support/influx-servers.js';
import { describeTelemetryStoreContract } from '../store-contract.js';

let server: TestServer;
beforeAll(async () => { server = await startVictoriaMetrics(); });
afterAll(async () => { await server?.stop(); });

describeTelemetryStoreContract('victoriametrics (influx v2 write, export read)', async () => {
  let store = openVictoriaMetricsStore({ url: server.url });
  return {
    get store() { return store; },
    detectsDuplicates: false,
    settle: () => forceFlushVictoria(server.url),
    cleanup: () => store.close(),
    reopen: async () => {
      await store.close();
      store = openVictoriaMetricsStore({ url: server.url });
      return store;
    },
  };
});

describe('VictoriaMetrics storage', () => {
  it('keeps one sample per series and ms when a reading is written twice (-dedup.minScrapeInterval=1ms)', async () => {
    const t = Math.floor(Date.now() / 1000) * 1000 - 60_000;
    const reading = { site: 's', node: 'n', device: `dup-${Date.now()}`, metric: 'temperature', time: t, value: 3.5, unit: 'Cel', seq: 9, receivedAt: t + 5, flags: 0 };
    const writer = new InfluxV2Writer({ url: server.url, bucket: 'coldtrace' });
    await writer.write([reading]);
    await writer.write([reading]);
    await forceFlushVictoria(server.url);
    const params = new URLSearchParams({ 'match[]': `{device="${reading.device}"}`, start: '0' });
    const lines = (await (await fetch(`${server.url}/api/v1/export?${params}`)).text()).trim().split('\n');
    const samples = lines.map((l) => (JSON.parse(l) as { timestamps: number[] }).timestamps.length);
    expect(samples).toEqual([1, 1, 1, 1]);
  });

  it('reports a closed port as a retryable network error', async () => {
    const writer = new InfluxV2Writer({ url: 'http://127.0.0.1:9', bucket: 'x', timeoutMs: 1000 });
    const reading = { site: 's', node: 'n', device: 'd', metric: 'temperature', time: 1, value: 1, unit: 'Cel', seq: 1, receivedAt: 1, flags: 0 };
    await expect(writer.write([reading])).rejects.toMatchObject({ code: 'E_REMOTE_NETWORK', retryable: true });
  });
});
