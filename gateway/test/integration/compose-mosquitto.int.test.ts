/**
 * The compose stack's broker arrangement, run for real without Docker: deploy/mosquitto/run.sh starts Debian's
 * Mosquitto with the shipped mosquitto.conf (only paths and ports changed), a real gateway with the compose gateway
 * service's environment (SQLite and the disk photo store instead of InfluxDB and MinIO) writes the password and ACL
 * files into the shared directory, and the compose provision step issues the agent's credential with the built CLI.
 * Nobody gets in before the gateway has written the files; the gateway gets in once the broker reloaded them; the
 * agent's issued credential works on its own topics only; a revoked one stops working. Waits poll with generous
 * deadlines: no verdict depends on the machine's speed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect as netConnect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectAsync, type MqttClient } from 'mqtt';
import { dataTopic } from '@coldtrace/contract';
import { builtCli } from '../support/cli.js';
import { envOf, loadAgentConfig, mosquittoConf, ROOT } from '../support/compose.js';
import { spawnGateway, type GatewayProcess } from '../support/process.js';
import { handToServiceUser } from '../support/service-user.js';

const DEADLINE = { timeout: 60_000, interval: 200 };
const credentialsCli = builtCli('credentials');

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as { port: number };
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

/** Polls `check` until it holds (set-up, where expect.poll is not available); a generous deadline, no verdict on speed. */
async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  const end = Date.now() + DEADLINE.timeout;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`${what}: not within ${DEADLINE.timeout} ms`);
    await new Promise((r) => setTimeout(r, DEADLINE.interval));
  }
}

async function listening(port: number): Promise<boolean> {
  return new Promise<boolean>((r) => {
    const s = netConnect(port, '127.0.0.1').once('connect', () => (s.destroy(), r(true))).once('error', () => r(false));
  });
}

describe('compose broker: Mosquitto on the files the gateway writes', () => {
  let tmp: string;
  let broker: ChildProcess | undefined;
  let brokerLog = '';
  let gw: GatewayProcess | undefined;
  let devices: string;
  const clients: MqttClient[] = [];
  const gatewayEnv = envOf('gateway');
  const adminKey = gatewayEnv['COLDTRACE_ADMIN_KEY'] ?? '';
  const api = (path: string): Promise<Response> => fetch(`${gw?.httpUrl ?? ''}/api/v1${path}`, { headers: { authorization: `Bearer ${adminKey}` } });

  /** Connects as a device on the devices' listener; rejects with the broker's refusal. */
  async function device(username: string | undefined, password: string | undefined, clientId = 'ct-test'): Promise<MqttClient> {
    const c = await connectAsync(devices, { clientId, reconnectPeriod: 0, connectTimeout: 3000, ...(username !== undefined ? { username, password } : {}) });
    clients.push(c);
    return c;
  }

  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'coldtrace-compose-mq-'));
    const [devicePort, gatewayPort] = [await freePort(), await freePort()];
    devices = `mqtt://127.0.0.1:${devicePort}`;
    // The shipped config with what must differ outside the container: its two listeners' ports, the live files'
    // directory, no persistence. The directory is handed to the user Mosquitto drops to (test/support/service-user.ts).
    const conf = mosquittoConf
      .replace(/^listener 1883$/m, `listener ${devicePort} 127.0.0.1`)
      .replace(/^listener 1884$/m, `listener ${gatewayPort} 127.0.0.1`)
      .replace(/\/mosquitto\/live\//g, `${join(tmp, 'live')}/`)
      .replace(/^persistence\s+true$/m, 'persistence false')
      .replace(/^persistence_location.*$/m, '');
    expect(conf.split('\n').filter((l) => !l.startsWith('#') && l.includes('/mosquitto/'))).toEqual([]);
    await writeFile(join(tmp, 'mosquitto.conf'), conf);
    await mkdir(join(tmp, 'auth'));
    await handToServiceUser(tmp, ['mosquitto.conf'], 'mosquitto');
    broker = spawn('sh', [join(ROOT, 'deploy/mosquitto/run.sh')], {
      env: { PATH: process.env['PATH'] ?? '', AUTH_DIR: join(tmp, 'auth'), LIVE_DIR: join(tmp, 'live'), CONF: join(tmp, 'mosquitto.conf'), EVERY_S: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    broker.stdout?.on('data', (d: Buffer) => (brokerLog += d.toString()));
    broker.stderr?.on('data', (d: Buffer) => (brokerLog += d.toString()));
    await until(() => listening(devicePort), `Mosquitto listening on ${devicePort} (${brokerLog})`);
    // Before the gateway has written anything, nobody gets in.
    await expect(device('wh1/edge-1', 'anything')).rejects.toThrow(/not authori[sz]ed|refused/i);
    const env: Record<string, string> = Object.fromEntries(Object.entries(gatewayEnv).filter(([k]) => !k.startsWith('COLDTRACE_INFLUX_') && !k.startsWith('COLDTRACE_S3_')));
    gw = await spawnGateway({
      ...env, COLDTRACE_HTTP_HOST: '127.0.0.1', COLDTRACE_HTTP_PORT: '0', COLDTRACE_DATA_DIR: join(tmp, 'gateway'),
      COLDTRACE_MQTT_URL: `mqtt://127.0.0.1:${gatewayPort}`, COLDTRACE_STORE: 'sqlite', COLDTRACE_PHOTO_STORE: 'disk',
      COLDTRACE_MOSQUITTO_PASSWORD_FILE: join(tmp, 'auth', 'passwd'), COLDTRACE_MOSQUITTO_ACL_FILE: join(tmp, 'auth', 'acl'),
    }, 90_000);
  }, 180_000);

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.endAsync(true)));
    gw?.child.kill('SIGTERM');
    await gw?.exited;
    broker?.kill('SIGTERM');
    if (tmp !== undefined) await rm(tmp, { recursive: true, force: true });
  });

  it('lets the gateway in once the broker has reloaded the files it wrote, with its own user, and nobody anonymous', async () => {
    const health = await (await fetch(`${gw!.httpUrl}/health`)).json() as { ok?: boolean; checks?: Record<string, { ok: boolean; detail: string }> };
    expect(JSON.stringify(health)).toMatch(/connections to mqtt:\/\/127\.0\.0\.1/);
    expect(readFileSync(join(tmp, 'auth', 'passwd'), 'utf8')).toMatch(new RegExp(`^${gatewayEnv['COLDTRACE_MQTT_USERNAME']}:\\$7\\$`, 'm'));
    expect(brokerLog).toContain('Mosquitto told to reload them');
    await expect(device(undefined, undefined)).rejects.toThrow(/not authori[sz]ed|refused/i);
  });

  it('issues the agent its credential as the provision service does: the agent publishes its readings, and only under its node', async () => {
    const { site, node, mqtt } = await loadAgentConfig();
    const out = await credentialsCli(['issue', `${site}/${node}`, '--out-dir', join(tmp, 'secrets'), '--url', gw!.httpUrl], { COLDTRACE_API_KEY: adminKey });
    expect(out.code, out.stderr).toBe(0);
    const secret = readFileSync(join(tmp, 'secrets', `${site}_${node}`), 'utf8').trim();
    // The broker learns the new user within a reload.
    let agent: MqttClient | undefined;
    await expect.poll(async () => {
      agent = await device(mqtt.username, secret, mqtt.clientId).catch(() => undefined);
      return agent !== undefined;
    }, DEADLINE).toBe(true);
    const message = (seq: number) => JSON.stringify({ v: 1, seq, time: Date.now(), readings: [{ metric: 'temperature', value: 4.2, unit: 'Cel', time: Date.now() }] });
    // Another node's topic first: the broker drops it (its ACL), so the gateway never sees it.
    await agent!.publishAsync(dataTopic(site, 'someone-else', 'th-x'), message(1), { qos: 1 });
    await agent!.publishAsync(dataTopic(site, node, 'th-1'), message(1), { qos: 1 });
    const readingsOf = async (d: string) => ((await (await api(`/readings?device=${d}`)).json()) as { readings: unknown[] }).readings.length;
    await expect.poll(() => readingsOf('th-1'), DEADLINE).toBe(1);
    expect(await readingsOf('th-x')).toBe(0);
  });

  it('shuts a revoked agent out', async () => {
    const { site, node, mqtt } = await loadAgentConfig();
    const secret = readFileSync(join(tmp, 'secrets', `${site}_${node}`), 'utf8').trim();
    const out = await credentialsCli(['revoke', `${site}/${node}`, '--url', gw!.httpUrl], { COLDTRACE_API_KEY: adminKey });
    expect(out.code, out.stderr).toBe(0);
    await expect.poll(async () => (await device(mqtt.username, secret, mqtt.clientId).then(() => 'in', () => 'refused')), DEADLINE).toBe('refused');
  });
});
