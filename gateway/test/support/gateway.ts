/** Test support: a real gateway on ephemeral ports in a temp dir, and a real MQTT client. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { loadGatewayConfig, type GatewayConfig } from '../../src/config.js';
import { startGateway, type RunningGateway, type StartOptions } from '../../src/gateway.js';

export function testConfig(dataDir: string, env: Record<string, string> = {}): GatewayConfig {
  const r = loadGatewayConfig({
    COLDTRACE_DATA_DIR: dataDir, COLDTRACE_HTTP_HOST: '127.0.0.1', COLDTRACE_HTTP_PORT: '0',
    COLDTRACE_MQTT_HOST: '127.0.0.1', COLDTRACE_MQTT_PORT: '0', COLDTRACE_LOG_LEVEL: 'silent',
    // Open unless a test asks for credentials: the security tests do (gateway/test/integration/mqtt-auth.int.test.ts).
    COLDTRACE_MQTT_AUTH: 'open',
    // No API keys unless a test asks for them: the HTTP access tests do (gateway/test/integration/http-access*.int.test.ts).
    COLDTRACE_HTTP_AUTH: 'off', ...env,
  });
  if (!r.ok) throw new Error(`bad test config: ${r.problems.join('; ')}`);
  return r.config;
}

export interface TestGateway extends RunningGateway {
  readonly dataDir: string;
  /** Closes the gateway and removes its data. */
  destroy(): Promise<void>;
}

export async function startTestGateway(env: Record<string, string> = {}, extra: Omit<StartOptions, 'config'> = {}): Promise<TestGateway> {
  const dataDir = mkdtempSync(join(tmpdir(), 'coldtrace-gw-'));
  const gw = await startGateway({ config: testConfig(dataDir, env), ...extra });
  return {
    ...gw, dataDir,
    destroy: async () => {
      await gw.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function connect(url: string, clientId: string): Promise<mqtt.MqttClient> {
  return mqtt.connectAsync(url, { clientId, reconnectPeriod: 0, connectTimeout: 5000 });
}

export async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/**
 * Every stored reading time of a device in [from, to), however many: pages through `/api/v1/readings` (at most
 * 100,000 a request). Tests derive `to` from the device times they sent, never from the clock: a fast machine sends
 * more, and its newest device times may lie ahead of now.
 */
export async function storedTimes(httpUrl: string, device: string, from: number, to: number): Promise<number[]> {
  const times: number[] = [];
  for (let start = from; ;) {
    const { readings } = await getJson<{ readings: { time: number }[] }>(`${httpUrl}/api/v1/readings?device=${encodeURIComponent(device)}&from=${start}&to=${to}&limit=100000`);
    for (const r of readings) times.push(r.time);
    if (readings.length < 100_000) return times;
    start = readings[readings.length - 1]!.time + 1;
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the tests read response bodies of many shapes
export type Body = any;

/** An HTTP request with a JSON body (or a string sent as is), answered with its status and parsed body. */
export async function request(method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: Body }> {
  const contentType = typeof body === 'string' ? 'text/csv' : 'application/json';
  const res = await fetch(url, {
    method, headers: { ...(body !== undefined ? { 'content-type': contentType } : {}), ...headers },
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, json: text === '' ? undefined : JSON.parse(text) };
}
