/**
 * docker-compose.yml checked against the code it deploys, without Docker: every command runs a file the build
 * produces, ports and env match what the real config parsers accept, the mounted agent config passes the agent's
 * validator, Grafana talks to InfluxDB with InfluxDB's own credentials, and the mosquitto config (run for real)
 * lets the gateway and the agent in with the credentials the stack gives them, and nobody else.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect as netConnect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { connectAsync, type MqttClient } from 'mqtt';
import { GATEWAY_NODE_FLAGS, loadGatewayConfig } from '@coldtrace/gateway';
import { ConfigError, loadConfig } from '@coldtrace/edge-agent';
import { pino } from 'pino';
import { startExternalSubscriber } from '../../src/adapters/mqtt/external-subscriber.js';
import { handToServiceUser } from '../support/service-user.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const read = (rel: string): string => readFileSync(join(ROOT, rel), 'utf8');

type Env = Record<string, string>;
interface Service {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string | number | boolean>;
  ports?: string[];
  expose?: string[];
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  entrypoint?: string[];
}

/** Compose interpolation as `docker compose` does it with no .env file: `${X:-default}`, `${X}`, `$$`. */
function interpolate(value: string, env: Env = {}): string {
  return value.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (m, braced, def, bare) => {
    if (m === '$$') return '$';
    const v = env[(braced ?? bare) as string];
    return v !== undefined && v !== '' ? v : ((def as string | undefined) ?? '');
  });
}

const compose = parse(read('docker-compose.yml'), { merge: true }) as { services: Record<string, Service>; volumes?: Record<string, unknown> };
const services = compose.services;
const service = (name: string): Service => {
  const s = services[name];
  if (s === undefined) throw new Error(`docker-compose.yml has no service ${name}`);
  return s;
};
const envOf = (name: string): Env =>
  Object.fromEntries(Object.entries(service(name).environment ?? {}).map(([k, v]) => [k, interpolate(String(v))]));
/** Host file of a bind mount into `name` at container path `target` (or under a mounted directory). */
function hostPathOf(name: string, target: string): string | undefined {
  for (const v of service(name).volumes ?? []) {
    const [src, dst] = v.split(':');
    if (src === undefined || dst === undefined || !src.startsWith('./')) continue;
    if (target === dst) return join(ROOT, src);
    if (target.startsWith(`${dst}/`)) return join(ROOT, src, posix.relative(dst, target));
  }
  return undefined;
}
const containerPorts = (s: Service): number[] => (s.ports ?? []).map((p) => Number(p.split(':').at(-1)));
const argAfter = (cmd: readonly string[], flag: string): string | undefined => cmd[cmd.indexOf(flag) + 1];

const mosquittoConf = read('deploy/mosquitto/mosquitto.conf');
const listenerPorts = [...mosquittoConf.matchAll(/^listener\s+(\d+)/gm)].map((m) => Number(m[1]));
const agentYamlPath = hostPathOf('agent', argAfter(service('agent').command ?? [], '--config') ?? '');
/** The mounted agent config through the agent's own loader (YAML parse + validateConfig); problems listed on failure. */
async function loadAgentConfig(): Promise<Awaited<ReturnType<typeof loadConfig>>> {
  if (agentYamlPath === undefined) throw new Error('the agent --config file is not bind-mounted from the repository');
  try {
    return await loadConfig(agentYamlPath);
  } catch (err) {
    if (err instanceof ConfigError) throw new Error(`${agentYamlPath}: ${err.code}\n${err.problems.join('\n')}`);
    throw err;
  }
}

describe('docker-compose.yml', () => {
  it('uses the compose spec (no version key) and declares every named volume it mounts', () => {
    expect(Object.keys(compose)).not.toContain('version');
    for (const [name, s] of Object.entries(services)) {
      for (const v of s.volumes ?? []) {
        const src = v.split(':')[0] ?? '';
        if (src.startsWith('./')) expect(existsSync(join(ROOT, src)), `${name}: ${src}`).toBe(true);
        else expect(Object.keys(compose.volumes ?? {}), `${name}: volume ${src}`).toContain(src);
      }
    }
  });

  it('runs, in every built service, a file the build produces from an existing source file', () => {
    const dockerfile = read('Dockerfile');
    const built = Object.entries(services).filter(([, s]) => s.build !== undefined);
    expect(built.map(([n]) => n).sort()).toEqual(['agent', 'gateway', 'simulator']);
    for (const [name, s] of built) {
      const [node, ...rest] = s.command ?? [];
      expect(node, name).toBe('node');
      const flags = rest.slice(0, rest.findIndex((a) => !a.startsWith('--')));
      const script = rest[flags.length];
      // The gateway's V8 flags cannot be set from inside the process (node-flags.ts): the command must carry them.
      expect(flags, `${name}: node flags`).toEqual(name === 'gateway' ? GATEWAY_NODE_FLAGS : []);
      const pkg = (script ?? '').split('/')[0] ?? '';
      const tsconfig = JSON.parse(read(`${pkg}/tsconfig.json`)) as { compilerOptions: { rootDir: string; outDir: string } };
      const { rootDir, outDir } = tsconfig.compilerOptions;
      const rel = posix.relative(`${pkg}/${outDir}`, script ?? '');
      expect(rel.startsWith('..'), `${name}: ${script} is not under ${pkg}/${outDir}`).toBe(false);
      const source = join(ROOT, pkg, rootDir, rel.replace(/\.js$/, '.ts'));
      expect(existsSync(source), `${name}: ${script} needs ${source}`).toBe(true);
      expect(dockerfile, `Dockerfile compiles ${pkg}`).toMatch(new RegExp(`tsc -b [^\\n]*\\b${pkg}\\b`));
      expect(dockerfile, `Dockerfile ships ${pkg}/${outDir}`).toContain(`COPY --from=build /app/${pkg}/${outDir} ${pkg}/${outDir}`);
    }
  });

  it('points every depends_on at a service, and waits for health only where a healthcheck exists', () => {
    for (const [name, s] of Object.entries(services)) {
      for (const [dep, { condition }] of Object.entries(s.depends_on ?? {})) {
        expect(Object.keys(services), `${name} depends on ${dep}`).toContain(dep);
        if (condition === 'service_healthy') expect(service(dep).healthcheck, `${dep} has a healthcheck`).toBeDefined();
      }
    }
  });
});

describe('gateway service', () => {
  const env = envOf('gateway');
  const loaded = loadGatewayConfig(env);

  it('sets only COLDTRACE_* keys the real config parser accepts', () => {
    expect(Object.keys(env).every((k) => k.startsWith('COLDTRACE_'))).toBe(true);
    expect(loaded.ok ? [] : loaded.problems).toEqual([]);
    // The check can fail: the parser refuses a key it does not know.
    expect(loadGatewayConfig({ ...env, COLDTRACE_HTTP_PROT: '8080' }).ok).toBe(false);
  });

  it('publishes and health-checks the port the gateway listens on', () => {
    if (!loaded.ok) throw new Error(loaded.problems.join('; '));
    const { http } = loaded.config;
    expect(containerPorts(service('gateway'))).toEqual([http.port]);
    expect(http.host).toBe('0.0.0.0');
    expect(service('gateway').healthcheck?.test.join(' ')).toContain(`http://127.0.0.1:${http.port}/health`);
  });

  it('runs in production shape: external mosquitto and InfluxDB 2 with the credentials InfluxDB is set up with', () => {
    if (!loaded.ok) throw new Error(loaded.problems.join('; '));
    const { mqtt, store } = loaded.config;
    if (mqtt.mode !== 'external') throw new Error(`expected external MQTT, got ${mqtt.mode}`);
    const broker = new URL(mqtt.url);
    expect(broker.hostname).toBe('mosquitto');
    expect(listenerPorts).toContain(Number(broker.port || 1883));
    if (store.kind !== 'influx-v2') throw new Error(`expected influx-v2, got ${store.kind}`);
    const influx = envOf('influxdb');
    expect(new URL(store.url).hostname).toBe('influxdb');
    expect(containerPorts(service('influxdb'))).toContain(Number(new URL(store.url).port));
    expect(store).toMatchObject({
      token: influx['DOCKER_INFLUXDB_INIT_ADMIN_TOKEN'],
      org: influx['DOCKER_INFLUXDB_INIT_ORG'],
      bucket: influx['DOCKER_INFLUXDB_INIT_BUCKET'],
    });
    expect(influx['DOCKER_INFLUXDB_INIT_MODE']).toBe('setup');
  });
});

describe('minio and the photo store', () => {
  const gateway = loadGatewayConfig(envOf('gateway'));
  const init = envOf('minio-init');
  const script = (service('minio-init').command ?? []).join('\n');
  function photoStore() {
    if (!gateway.ok) throw new Error(gateway.problems.join('; '));
    const store = gateway.config.photoStore;
    if (store.kind !== 's3') throw new Error(`expected the S3 photo store, got ${store.kind}`);
    return store;
  }

  it('points the gateway at the MinIO service, path style, on a port MinIO publishes', () => {
    const store = photoStore();
    expect(service('minio').image).toMatch(/^minio\/minio:RELEASE\./);
    const endpoint = new URL(store.endpoint ?? '');
    expect(endpoint.hostname).toBe('minio');
    expect(store.forcePathStyle).toBe(true);
    const command = service('minio').command ?? [];
    expect(command.slice(0, 2)).toEqual(['server', '/data']);
    expect(argAfter(command, '--address')).toBe(`:${endpoint.port}`);
    expect(containerPorts(service('minio'))).toContain(Number(endpoint.port));
    expect(containerPorts(service('minio'))).toContain(Number(argAfter(command, '--console-address')?.slice(1)));
    // The objects live on a volume, not in the container's writable layer.
    expect((service('minio').volumes ?? []).some((v) => v.split(':')[1] === '/data' && !v.startsWith('./'))).toBe(true);
    expect(service('minio').healthcheck?.test).toEqual(['CMD', 'mc', 'ready', 'local']);
  });

  it('creates the bucket and the user the gateway uses, with the secret it is given, before the gateway starts', () => {
    const store = photoStore();
    expect(service('minio-init').image).toMatch(/^minio\/mc:RELEASE\./);
    expect(service('minio-init').depends_on).toEqual({ minio: { condition: 'service_healthy' } });
    expect(service('gateway').depends_on?.['minio-init']).toEqual({ condition: 'service_completed_successfully' });
    expect(init['PHOTO_BUCKET']).toBe(store.bucket);
    expect(init['GATEWAY_S3_USER']).toBe(store.credentials?.accessKeyId);
    expect(init['GATEWAY_S3_SECRET']).toBe(store.credentials?.secretAccessKey);
    expect(init['MINIO_ROOT_USER']).toBe(envOf('minio')['MINIO_ROOT_USER']);
    expect(init['MINIO_ROOT_PASSWORD']).toBe(envOf('minio')['MINIO_ROOT_PASSWORD']);
    // Compose turns $$ into $: the script reads the container's variables, in this order.
    const steps = interpolate(script).split('\n').filter((l) => l.startsWith('mc '));
    expect(steps).toEqual([
      'mc alias set local http://minio:9000 "$MINIO_ROOT_USER" "$MINIO_ROOT_PASSWORD"',
      'mc mb --ignore-existing "local/$PHOTO_BUCKET"',
      'mc admin user add local "$GATEWAY_S3_USER" "$GATEWAY_S3_SECRET"',
      'mc admin policy create local coldtrace-gateway /etc/coldtrace/gateway-policy.json',
      'mc admin policy attach local coldtrace-gateway --user "$GATEWAY_S3_USER" || true',
    ]);
    expect(service('minio-init').entrypoint).toEqual(['/bin/sh', '-ec']);
  });

  it('lets the gateway read and write the photo bucket\u2019s objects and nothing more: no delete, no other bucket', () => {
    const store = photoStore();
    const file = hostPathOf('minio-init', '/etc/coldtrace/gateway-policy.json');
    expect(file).toBeDefined();
    const policy = JSON.parse(readFileSync(file ?? '', 'utf8')) as { Statement: { Effect: string; Action: string[]; Resource: string[] }[] };
    const granted = policy.Statement.flatMap((st) => st.Action.flatMap((a) => st.Resource.map((r) => `${st.Effect} ${a} ${r}`))).sort();
    expect(granted).toEqual([
      `Allow s3:GetBucketLocation arn:aws:s3:::${store.bucket}`,
      `Allow s3:GetObject arn:aws:s3:::${store.bucket}/*`,
      `Allow s3:ListBucket arn:aws:s3:::${store.bucket}`,
      `Allow s3:PutObject arn:aws:s3:::${store.bucket}/*`,
    ]);
  });
});

describe('agent and simulator services', () => {
  it('mounts an agent config that the agent loader accepts', async () => {
    const config = await loadAgentConfig();
    expect(config.site).toBe('wh1');
  });

  it('connects the agent to the broker and to the simulator where they listen', async () => {
    const { mqtt, sources, dataDir } = await loadAgentConfig();
    const broker = new URL(mqtt.url);
    expect(broker.hostname).toBe('mosquitto');
    expect(listenerPorts).toContain(Number(broker.port || 1883));
    const sim = service('simulator').command ?? [];
    const modbus = sources.filter((s) => s.kind === 'modbus-tcp');
    expect(modbus.length).toBeGreaterThan(0);
    for (const s of modbus) {
      expect(s.host).toBe('simulator');
      expect(String(s.port)).toBe(argAfter(sim, '--port'));
      expect(service('simulator').expose).toContain(String(s.port));
      // Every polled unit id is one the simulator serves (`--units unit:baseC,...`).
      const units = (argAfter(sim, '--units') ?? '1:4').split(',').map((u) => Number(u.split(':')[0]));
      for (const d of s.devices) expect(units, `device ${d.id}`).toContain(d.unitId);
    }
    expect(argAfter(sim, '--host')).toBe('0.0.0.0');
    // The outbox lives on a volume, not in the container's writable layer.
    expect((service('agent').volumes ?? []).some((v) => v.split(':')[1] === dataDir)).toBe(true);
  });
});

describe('grafana service', () => {
  it('provisions the InfluxDB datasource with InfluxDB’s own org, bucket and token', () => {
    const grafana = envOf('grafana');
    const influx = envOf('influxdb');
    const file = hostPathOf('grafana', '/etc/grafana/provisioning/datasources/influxdb.yaml');
    expect(file).toBeDefined();
    const ds = (parse(interpolate(readFileSync(file ?? '', 'utf8'), grafana)) as {
      datasources: Array<{ type: string; url: string; jsonData: Record<string, string>; secureJsonData: Record<string, string> }>;
    }).datasources[0];
    expect(ds?.type).toBe('influxdb');
    expect(ds?.jsonData['version']).toBe('Flux');
    expect(ds?.secureJsonData['token']).toBe(influx['DOCKER_INFLUXDB_INIT_ADMIN_TOKEN']);
    expect(ds?.jsonData['organization']).toBe(influx['DOCKER_INFLUXDB_INIT_ORG']);
    expect(ds?.jsonData['defaultBucket']).toBe(influx['DOCKER_INFLUXDB_INIT_BUCKET']);
    expect(new URL(ds?.url ?? '').hostname).toBe('influxdb');
  });

  it('loads the dashboard from the folder the provider reads', () => {
    const provider = parse(read('dashboards/grafana/provisioning/dashboards/coldtrace.yaml')) as {
      providers: Array<{ options: { path: string } }>;
    };
    const dir = hostPathOf('grafana', provider.providers[0]?.options.path ?? '');
    const dash = JSON.parse(readFileSync(join(dir ?? '', 'coldtrace-warehouse-environment.json'), 'utf8')) as {
      title: string;
      panels: Array<{ datasource: { uid: string } }>;
    };
    expect(dash.title).toBe('Coldtrace - warehouse environment');
    const dsFile = parse(read('dashboards/grafana/provisioning/datasources/influxdb.yaml')) as { datasources: Array<{ uid: string }> };
    for (const p of dash.panels) expect(p.datasource.uid).toBe(dsFile.datasources[0]?.uid);
  });
});

describe('mosquitto service (real broker with deploy/mosquitto)', () => {
  let tmp: string;
  let broker: ChildProcess | undefined;
  let url: string;
  const clients: MqttClient[] = [];

  async function freePort(): Promise<number> {
    const srv = createServer();
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const { port } = srv.address() as { port: number };
    await new Promise<void>((r) => srv.close(() => r()));
    return port;
  }

  async function connect(username: string | undefined, password: string | undefined): Promise<MqttClient> {
    const c = await connectAsync(url, { reconnectPeriod: 0, connectTimeout: 3000, ...(username ? { username, password } : {}) });
    clients.push(c);
    return c;
  }

  beforeAll(async () => {
    expect(service('mosquitto').volumes).toContain('./deploy/mosquitto:/mosquitto/config:ro');
    expect(containerPorts(service('mosquitto')).every((p) => listenerPorts.includes(p))).toBe(true);
    tmp = await mkdtemp(join(tmpdir(), 'coldtrace-compose-'));
    const port = await freePort();
    url = `mqtt://127.0.0.1:${port}`;
    // The shipped files with only what must differ outside the container: paths and the listening port. They are
    // copied into a private temp dir handed to the user Mosquitto runs as: started as root it drops to `mosquitto`
    // before reading the password file, and that user may not be able to enter the checkout (issue #25).
    const files = ['passwd', 'acl'];
    for (const f of files) await copyFile(join(ROOT, 'deploy/mosquitto', f), join(tmp, f));
    const conf = mosquittoConf
      .replace(/^listener\s+\d+.*$/m, `listener ${port} 127.0.0.1`)
      .replace(/^(password_file|acl_file)\s+\/mosquitto\/config\/(\S+)$/gm, (_m, key: string, file: string) => `${key} ${join(tmp, file)}`)
      .replace(/^persistence\s+true$/m, 'persistence false')
      .replace(/^persistence_location.*$/m, '');
    await writeFile(join(tmp, 'mosquitto.conf'), conf);
    await handToServiceUser(tmp, [...files, 'mosquitto.conf'], 'mosquitto');
    const proc = spawn('mosquitto', ['-c', join(tmp, 'mosquitto.conf')], { stdio: ['ignore', 'pipe', 'pipe'] });
    broker = proc;
    let output = '';
    proc.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    proc.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<never>((_resolve, reject) => {
      proc.once('error', (e) => reject(new Error(`mosquitto could not start (is it installed?): ${e.message}`)));
      proc.once('exit', (code) => reject(new Error(`mosquitto exited with ${code}: ${output}`)));
    });
    // Ready when the port accepts TCP connections (its log goes to a pipe, where it is block-buffered).
    const ready = (async () => {
      for (let i = 0; i < 100; i++) {
        const ok = await new Promise<boolean>((r) => {
          const s = netConnect(port, '127.0.0.1').once('connect', () => (s.destroy(), r(true))).once('error', () => r(false));
        });
        if (ok) return;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`mosquitto did not listen on ${port} within 5 s: ${output}`);
    })();
    await Promise.race([ready, exited]);
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.endAsync(true)));
    broker?.kill('SIGTERM');
    if (tmp !== undefined) await rm(tmp, { recursive: true, force: true });
  });

  it('refuses anonymous clients', async () => {
    await expect(connect(undefined, undefined)).rejects.toThrow(/not authori[sz]ed|Connection refused/i);
  });

  it('delivers what the agent publishes under its node to the gateway’s shared subscription, and nothing else', async () => {
    const gw = envOf('gateway');
    const { site, node, mqtt } = await loadAgentConfig();

    const gateway = await connect(gw['COLDTRACE_MQTT_USERNAME'], gw['COLDTRACE_MQTT_PASSWORD']);
    const received: string[] = [];
    gateway.on('message', (topic) => received.push(topic));
    const granted = await gateway.subscribeAsync(`$share/${gw['COLDTRACE_MQTT_SHARE_GROUP']}/ct/v1/+/+/+/data`, { qos: 1 });
    expect(granted[0]?.qos).toBe(1);

    const agent = await connect(mqtt.username, mqtt.password);
    await agent.publishAsync(`ct/v1/${site}/${node}/th-1/data`, '{}', { qos: 1 });
    // The ACL confines the agent to its own node: this one is dropped by the broker.
    await agent.publishAsync(`ct/v1/${site}/someone-else/th-1/data`, '{}', { qos: 1 });
    await expect.poll(() => received, { timeout: 3000 }).toContain(`ct/v1/${site}/${node}/th-1/data`);
    await new Promise((r) => setTimeout(r, 300));
    expect(received).toEqual([`ct/v1/${site}/${node}/th-1/data`]);
  });

  it('lets the gateway tell the agent what it refused on the agent’s own feedback topic, and nobody else hear it', async () => {
    const gw = envOf('gateway');
    const { site, node, mqtt } = await loadAgentConfig();
    const agent = await connect(mqtt.username, mqtt.password);
    const heard: string[] = [];
    agent.on('message', (topic) => heard.push(topic));
    await agent.subscribeAsync([`ct/v1/${site}/${node}/feedback`, `ct/v1/${site}/someone-else/feedback`, 'ct/v1/_events/#'], { qos: 1 });
    const gateway = await connect(gw['COLDTRACE_MQTT_USERNAME'], gw['COLDTRACE_MQTT_PASSWORD']);
    await gateway.publishAsync(`ct/v1/${site}/${node}/feedback`, '{}', { qos: 1 });
    await gateway.publishAsync(`ct/v1/${site}/someone-else/feedback`, '{}', { qos: 1 });
    await gateway.publishAsync('ct/v1/_events/flag/raised', '{}', { qos: 1 });
    // The agent may not forge flag events for the order hub.
    await agent.publishAsync('ct/v1/_events/flag/raised', '{"forged":true}', { qos: 1 });
    await expect.poll(() => heard, { timeout: 3000 }).toContain(`ct/v1/${site}/${node}/feedback`);
    await new Promise((r) => setTimeout(r, 300));
    expect(heard).toEqual([`ct/v1/${site}/${node}/feedback`]);
  });

  it('lets the gateway’s own MQTT 5 client in with its credentials, and refuses it a wrong password with the reason', async () => {
    const gw = envOf('gateway');
    const { site, node, mqtt } = await loadAgentConfig();
    const options = {
      // A group of its own: the previous test's subscriber is still a member of the configured one.
      url, shareGroup: `${gw['COLDTRACE_MQTT_SHARE_GROUP']!}-own`, clientId: 'compose-gw', connections: 1, receiveMaximum: 100,
      username: gw['COLDTRACE_MQTT_USERNAME']!, password: gw['COLDTRACE_MQTT_PASSWORD']!,
    };
    const received: string[] = [];
    const sub = await startExternalSubscriber(options, (m, done) => { received.push(m.topic); done(null); }, Date.now, pino({ level: 'silent' }));
    try {
      const agent = await connect(mqtt.username, mqtt.password);
      await agent.publishAsync(`ct/v1/${site}/${node}/th-2/data`, '{}', { qos: 1 });
      await expect.poll(() => received, { timeout: 3000 }).toEqual([`ct/v1/${site}/${node}/th-2/data`]);
    } finally {
      await sub.close();
    }
    // Mosquitto answers a wrong password with 0x87 (not authorized), not 0x86.
    await expect(startExternalSubscriber({ ...options, clientId: 'compose-gw-bad', password: 'wrong' }, (_m, done) => done(null), Date.now, pino({ level: 'silent' })))
      .rejects.toThrow(/refused the connection of compose-gw-bad-0: reason code 135 \(not authorized\)/);
  });
});
