/**
 * The external broker with the files the gateway writes (docs/security.md, "External broker"): a real Mosquitto reads
 * the password and ACL files the gateway keeps in step with its MQTT credentials, and is told to reload them after
 * every change. The refusals of the embedded broker (mqtt-auth.int.test.ts) are checked here against Mosquitto.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmodSync, readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { dataTopic, feedbackTopic } from '@coldtrace/contract';
import { mosquittoHash } from '../../src/domain/devices/password-hash.js';
import { mosquittoPasswd } from '../../src/domain/devices/mosquitto-files.js';
import { startMosquitto, type Mosquitto } from '../support/mosquitto.js';
import { freePort } from '../support/influx-servers.js';
import { getJson, request, startTestGateway, type TestGateway } from '../support/gateway.js';

interface Issued { username: string; password: string; clientId: string }

const GATEWAY_PASSWORD = randomBytes(16).toString('hex');

describe('an external Mosquitto with the password and ACL files the gateway writes', () => {
  let broker: Mosquitto;
  let gw: TestGateway;
  const open: MqttClient[] = [];
  let a: Issued;
  let b: Issued;
  let devicePort: number;

  const connect = async (username: string | undefined, password: string | undefined, clientId: string): Promise<MqttClient> => {
    const c = await mqtt.connectAsync(`mqtt://127.0.0.1:${devicePort}`, { clientId, reconnectPeriod: 0, connectTimeout: 5000, ...(username !== undefined ? { username, password } : {}) });
    open.push(c);
    return c;
  };
  const refusal = async (username: string | undefined, password: string | undefined, clientId: string): Promise<number | string> => {
    try {
      await connect(username, password, clientId);
      return 'connected';
    } catch (e) {
      return (e as { code?: number }).code ?? String(e);
    }
  };
  /** Mosquitto reloads after SIGHUP, a moment later: waits until `probe` holds (it fails if it never does). */
  const eventually = async (probe: () => Promise<boolean>, what: string): Promise<void> => {
    for (let i = 0; i < 200; i++) {
      if (await probe()) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`Mosquitto never came to ${what}`);
  };
  const issue = async (path: string): Promise<Issued> => {
    const r = await request('POST', `${gw.httpUrl}/api/v1/credentials/${path}`);
    expect(r.status).toBe(201);
    return r.json as Issued;
  };
  const stored = async (device: string): Promise<number> => (await getJson<{ readings: unknown[] }>(`${gw.httpUrl}/api/v1/readings?device=${device}`)).readings.length;
  const reading = (seq: number): string => JSON.stringify({ v: 1, seq, time: Date.now(), readings: [{ metric: 'temperature', value: 4.5, unit: 'Cel' }] });

  beforeAll(async () => {
    devicePort = await freePort();
    // The operator's bootstrap: the broker knows the gateway's user before the gateway writes anything.
    broker = await startMosquitto({
      // The gateway's listener, then the devices' one, where a client id is always the user name: nobody can take
      // another node's session by claiming its client id (the gateway's several connections share one user name).
      config: ['per_listener_settings false', 'password_file {dir}/passwd', 'acl_file {dir}/acl', `listener ${devicePort} 127.0.0.1`, 'use_username_as_clientid true'],
      files: { passwd: mosquittoPasswd([], { username: 'gateway', hash: mosquittoHash(GATEWAY_PASSWORD, randomBytes(12)) }), acl: 'user gateway\ntopic read ct/v1/#\n' },
    });
    // Files the gateway (root here) creates in the broker's directory take its group: readable to the broker's user.
    chmodSync(broker.dir, 0o2700);
    gw = await startTestGateway({
      COLDTRACE_MQTT_MODE: 'external', COLDTRACE_MQTT_URL: broker.url, COLDTRACE_MQTT_CLIENT_ID: `gw-acl-${process.pid}`, COLDTRACE_MQTT_CONNECTIONS: '1',
      COLDTRACE_MQTT_USERNAME: 'gateway', COLDTRACE_MQTT_PASSWORD: GATEWAY_PASSWORD,
      COLDTRACE_MOSQUITTO_PASSWORD_FILE: join(broker.dir, 'passwd'), COLDTRACE_MOSQUITTO_ACL_FILE: join(broker.dir, 'acl'), COLDTRACE_MOSQUITTO_PID_FILE: broker.pidFile,
    });
    a = await issue('nodes/wh1/edge-a');
    b = await issue('nodes/wh1/edge-b');
    await eventually(async () => (await refusal(b.username, b.password, b.clientId)) === 'connected', 'admit the issued nodes');
  });
  afterAll(async () => {
    await Promise.all(open.map((c) => c.endAsync(true).catch(() => undefined)));
    await gw?.destroy();
    await broker?.stop();
  });

  it('writes files that hold hashes, never a secret', () => {
    const passwd = readFileSync(join(broker.dir, 'passwd'), 'utf8');
    expect(passwd.split('\n').filter((l) => l !== '').map((l) => l.split(':')[0])).toEqual(['gateway', 'wh1/edge-a', 'wh1/edge-b']);
    expect(passwd).not.toContain(a.password);
    expect(passwd).not.toContain(GATEWAY_PASSWORD);
  });

  it('refuses anonymous clients, unknown users and wrong passwords', async () => {
    expect(await refusal(undefined, undefined, 'anyone')).toBe(5);
    expect(await refusal('wh1/edge-z', a.password, 'ct-wh1-edge-z')).toBe(5);
    expect(await refusal(a.username, b.password, a.clientId)).toBe(5);
  });

  it("delivers a node's own data to the gateway and nothing it publishes for another node", async () => {
    const c = await connect(a.username, a.password, a.clientId);
    await c.publishAsync(dataTopic('wh1', 'edge-b', 'probe-b'), reading(1), { qos: 1 });
    await c.publishAsync(dataTopic('wh1', 'edge-a', 'probe-a'), reading(1), { qos: 1 });
    await eventually(async () => (await stored('probe-a')) === 1, "store the node's own reading");
    // Published before the node's own one on the same connection: had the broker passed it on, it would be stored first.
    expect(await stored('probe-b')).toBe(0);
  });

  it('confines subscriptions: a node reads its own feedback, not #', async () => {
    const c = await connect(b.username, b.password, b.clientId);
    const granted = async (filter: string): Promise<number> => {
      try {
        return (await c.subscribeAsync(filter, { qos: 1 }))[0]!.qos;
      } catch (e) {
        return (e as { packet?: { granted?: number[] } }).packet?.granted?.[0] ?? -1;
      }
    };
    expect(await granted(feedbackTopic('wh1', 'edge-b'))).toBe(1);
    // Mosquitto grants the subscription but delivers nothing the ACL does not let the user read.
    const seen: string[] = [];
    c.on('message', (topic) => seen.push(topic));
    await granted('#');
    const other = await connect(a.username, a.password, a.clientId);
    await other.publishAsync(dataTopic('wh1', 'edge-a', 'probe-a2'), reading(2), { qos: 1 });
    await eventually(async () => (await stored('probe-a2')) === 1, 'store the reading');
    expect(seen.filter((t) => t.startsWith('ct/v1/wh1/edge-a/'))).toEqual([]);
  });

  it("cannot take another node's session by claiming its client id", async () => {
    const victim = await connect(b.username, b.password, b.clientId);
    let kicked = false;
    victim.on('close', () => { kicked = true; });
    const spoof = await connect(a.username, a.password, b.clientId);
    await spoof.publishAsync(dataTopic('wh1', 'edge-a', 'probe-a3'), reading(3), { qos: 1 });
    await eventually(async () => (await stored('probe-a3')) === 1, 'store the reading');
    expect(kicked).toBe(false);
  });

  it('closes a revoked node and refuses it once the gateway has rewritten the files and Mosquitto reloaded them', async () => {
    const live = await connect(b.username, b.password, b.clientId);
    const closed = new Promise<void>((resolve) => live.once('close', () => resolve()));
    expect((await request('DELETE', `${gw.httpUrl}/api/v1/credentials/nodes/wh1/edge-b`)).status).toBe(204);
    await closed;
    await eventually(async () => (await refusal(b.username, b.password, b.clientId)) === 5, 'refuse the revoked node');
    expect(readFileSync(join(broker.dir, 'acl'), 'utf8')).not.toContain('wh1/edge-b');
    expect(await refusal(a.username, a.password, a.clientId)).toBe('connected');
  });
});
