/**
 * Transport security (docs/security.md, "Transport"): the embedded broker over TLS only, with a CA made in the test,
 * client certificates standing for passwords, and the API over HTTPS. Clients verify the server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { connect as netConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import mqttPacket from 'mqtt-packet';
import { dataTopic } from '@coldtrace/contract';
import { makeCa, type TestCa } from '../support/pki.js';
import { freePort } from '../support/influx-servers.js';
import { startTestGateway, type Body, type TestGateway } from '../support/gateway.js';

describe('MQTT over TLS and HTTPS', () => {
  const dir = mkdtempSync(join(tmpdir(), 'coldtrace-tls-'));
  let ca: TestCa;
  let gw: TestGateway;
  let plainPort: number;
  const open: MqttClient[] = [];

  /** An HTTPS request that trusts the test CA only. */
  const api = (method: string, path: string, body?: unknown): Promise<{ status: number; json: Body }> => new Promise((resolve, reject) => {
    const req = httpsRequest(`${gw.httpUrl}${path}`, { method, ca: ca.cert, headers: body !== undefined ? { 'content-type': 'application/json' } : {} }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: text === '' ? undefined : JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end(body !== undefined ? JSON.stringify(body) : undefined);
  });
  const connect = async (o: IClientOptions): Promise<MqttClient> => {
    const c = await mqtt.connectAsync(gw.mqttUrl, { reconnectPeriod: 0, connectTimeout: 5000, ...o });
    open.push(c);
    return c;
  };
  const outcome = async (o: IClientOptions): Promise<string | number> => {
    try {
      await connect(o);
      return 'connected';
    } catch (e) {
      return (e as { code?: number | string }).code ?? String(e);
    }
  };
  const stored = async (device: string): Promise<number> => ((await api('GET', `/api/v1/readings?device=${device}`)).json as { readings: unknown[] }).readings.length;
  const reading = (): string => JSON.stringify({ v: 1, seq: 1, time: Date.now(), readings: [{ metric: 'temperature', value: 4.5, unit: 'Cel' }] });

  beforeAll(async () => {
    ca = makeCa(dir);
    const server = ca.issue('server', '127.0.0.1', { server: true });
    plainPort = await freePort();
    gw = await startTestGateway({
      COLDTRACE_MQTT_AUTH: 'credentials', COLDTRACE_MQTT_PORT: String(plainPort), COLDTRACE_MQTT_PLAIN: 'off',
      COLDTRACE_MQTT_TLS_PORT: '0', COLDTRACE_MQTT_TLS_CERT: server.certFile, COLDTRACE_MQTT_TLS_KEY: server.keyFile, COLDTRACE_MQTT_TLS_CLIENT_CA: ca.certFile,
      COLDTRACE_HTTP_TLS_CERT: server.certFile, COLDTRACE_HTTP_TLS_KEY: server.keyFile,
    });
  });
  afterAll(async () => {
    await Promise.all(open.map((c) => c.endAsync(true).catch(() => undefined)));
    await gw?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the API over HTTPS only, with the certificate the test CA issued', async () => {
    expect(gw.httpUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect((await api('GET', '/health')).status).toBe(200);
    const plain = await fetch(gw.httpUrl.replace('https:', 'http:') + '/health').then((r) => r.status, (e: Error) => e.message);
    expect(plain).not.toBe(200);
  });

  it('has no plain MQTT listener; its TLS listener refuses a plain MQTT client', async () => {
    expect(gw.mqttUrl).toMatch(/^mqtts:\/\//);
    expect(gw.mqttTlsUrl).toBe(gw.mqttUrl);
    const refused = await new Promise<string>((resolve) => {
      const s = netConnect(plainPort, '127.0.0.1').once('connect', () => { s.destroy(); resolve('listening'); }).once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
    });
    expect(refused).toBe('ECONNREFUSED');
    // A plain MQTT CONNECT to the TLS port: the connection is closed, never answered with a CONNACK (0x20).
    const answer = await new Promise<Buffer>((resolve) => {
      const got: Buffer[] = [];
      const s = netConnect(Number(new URL(gw.mqttUrl).port), '127.0.0.1', () => s.write(mqttPacket.generate({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clientId: 'plain', clean: true, keepalive: 0 })));
      s.on('data', (d: Buffer) => got.push(d)).on('close', () => resolve(Buffer.concat(got))).on('error', () => undefined);
    });
    expect(answer[0]).not.toBe(0x20);
  });

  it('admits a node with its password over TLS, and the node verifies the server', async () => {
    const issued = (await api('POST', '/api/v1/credentials/nodes/wh1/edge-p')).json as { username: string; password: string; clientId: string };
    const login = { clientId: issued.clientId, username: issued.username, password: issued.password };
    // Not trusting the test CA, the client refuses the server.
    expect(await outcome({ ...login, rejectUnauthorized: true })).toBe('SELF_SIGNED_CERT_IN_CHAIN');
    const c = await connect({ ...login, ca: ca.cert });
    await c.publishAsync(dataTopic('wh1', 'edge-p', 'probe-p'), reading(), { qos: 1 });
    expect(await stored('probe-p')).toBe(1);
  });

  it('admits a node by the client certificate the CA issued for it, without a password, while its credential is live', async () => {
    expect((await api('POST', '/api/v1/credentials/nodes/wh1/edge-a')).status).toBe(201);
    const cert = ca.issue('edge-a', 'wh1/edge-a');
    const c = await connect({ clientId: 'ct-wh1-edge-a', ca: ca.cert, cert: cert.cert, key: cert.key });
    await c.publishAsync(dataTopic('wh1', 'edge-a', 'probe-a'), reading(), { qos: 1 });
    expect(await stored('probe-a')).toBe(1);
    // Its certificate, another node's client id; then its certificate after its credential is revoked.
    expect(await outcome({ clientId: 'ct-wh1-edge-p', ca: ca.cert, cert: cert.cert, key: cert.key })).toBe(2);
    expect((await api('DELETE', '/api/v1/credentials/nodes/wh1/edge-a')).status).toBe(204);
    expect(await outcome({ clientId: 'ct-wh1-edge-a', ca: ca.cert, cert: cert.cert, key: cert.key })).toBe(5);
  });

  it('refuses a client certificate another CA issued, and counts it', async () => {
    const other = makeCa(dir, 'other-ca');
    const forged = other.issue('forged', 'wh1/edge-p');
    expect(await outcome({ clientId: 'ct-wh1-edge-p', ca: ca.cert, cert: forged.cert, key: forged.key })).toBe(5);
    const metrics = ((await new Promise<string>((resolve, reject) => {
      httpsRequest(`${gw.httpUrl}/metrics`, { ca: ca.cert }, (res) => { let t = ''; res.on('data', (d: Buffer) => (t += d.toString())); res.on('end', () => resolve(t)); }).on('error', reject).end();
    })));
    expect(metrics).toMatch(/^coldtrace_mqtt_refused_total\{stage="connect",reason="bad-certificate"\} 1$/m);
  });
});
