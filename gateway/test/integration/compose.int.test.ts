/**
 * docker-compose.yml checked against the code it deploys, without Docker: every command runs a file the build
 * produces, ports and env match what the real config parsers accept, the mounted agent config passes the agent's
 * validator, Grafana talks to InfluxDB with InfluxDB's own credentials, and the agent's credential is issued by the
 * gateway. The broker's arrangement runs for real in compose-mosquitto.int.test.ts.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { GATEWAY_NODE_FLAGS, loadGatewayConfig } from '@coldtrace/gateway';
import { argAfter, compose, containerPorts, envOf, hostPathOf, interpolate, listenerPorts, loadAgentConfig, read, ROOT, service, services } from '../support/compose.js';

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
    // The long-running ones; the provision one-shot runs a script (its own test below).
    const built = Object.entries(services).filter(([, s]) => s.build !== undefined && s.entrypoint === undefined);
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

describe('the agent\u2019s MQTT credential', () => {
  it('is issued by the gateway through coldtrace-credentials, once, into the file the agent reads, before the agent starts', async () => {
    const { site, node, mqtt } = await loadAgentConfig();
    const provision = service('provision');
    const script = interpolate((provision.command ?? []).join('\n'));
    // The CLI the build produces, against the gateway's port, with the admin key the gateway boots with.
    const cli = /node (gateway\/dist\/cli\/\S+\.js) issue (\S+) --out-dir (\S+) --url (\S+)/.exec(script);
    expect(cli, script).not.toBeNull();
    const [, file, who, dir, url] = cli!;
    expect(existsSync(join(ROOT, file!.replace('/dist/', '/src/').replace(/\.js$/, '.ts')))).toBe(true);
    expect(who).toBe(`${site}/${node}`);
    expect(new URL(url!).hostname).toBe('gateway');
    expect(Number(new URL(url!).port)).toBe(containerPorts(service('gateway'))[0]);
    expect(envOf('provision')['COLDTRACE_API_KEY']).toBe(envOf('gateway')['COLDTRACE_ADMIN_KEY']);
    expect(loadGatewayConfig(envOf('gateway')).ok).toBe(true);
    // The CLI names a node's file SITE_NODE in its directory: the agent reads that file, as that user and client id.
    expect(mqtt.passwordFile).toBe(posix.join(dir!, `${site}_${node}`));
    expect(mqtt.username).toBe(`${site}/${node}`);
    expect(mqtt.clientId).toBe(`ct-${site}-${node}`);
    expect(script).toContain(`[ -s ${mqtt.passwordFile} ]`);
    const volumeAt = (name: string, path: string) => (service(name).volumes ?? []).find((v) => v.split(':')[1] === path)?.split(':')[0];
    expect(volumeAt('provision', dir!)).toBeDefined();
    expect(volumeAt('agent', dir!)).toBe(volumeAt('provision', dir!));
    expect(provision.depends_on).toEqual({ gateway: { condition: 'service_healthy' } });
    expect(service('agent').depends_on?.['provision']).toEqual({ condition: 'service_completed_successfully' });
  });

  it('reaches Mosquitto through the password and ACL files the gateway writes into a volume the broker reads', () => {
    const gw = envOf('gateway');
    const files = [gw['COLDTRACE_MOSQUITTO_PASSWORD_FILE'], gw['COLDTRACE_MOSQUITTO_ACL_FILE']];
    expect(files.map((f) => posix.dirname(f ?? ''))).toEqual(['/mosquitto-auth', '/mosquitto-auth']);
    const gatewayVolume = (service('gateway').volumes ?? []).find((v) => v.split(':')[1] === '/mosquitto-auth')?.split(':')[0];
    const brokerMount = (service('mosquitto').volumes ?? []).find((v) => v.split(':')[0] === gatewayVolume);
    expect(brokerMount).toBe(`${gatewayVolume}:/mosquitto/auth:ro`);
    // run.sh reads them there (its default AUTH_DIR) and points Mosquitto at its copies, which mosquitto.conf names.
    expect(service('mosquitto').command).toEqual(['sh', '/mosquitto/config/run.sh']);
    const run = read('deploy/mosquitto/run.sh');
    expect(run).toContain('AUTH_DIR=${AUTH_DIR:-/mosquitto/auth}');
    expect(run).toContain('LIVE_DIR=${LIVE_DIR:-/mosquitto/live}');
    const conf = read('deploy/mosquitto/mosquitto.conf');
    expect(conf).toMatch(/^password_file \/mosquitto\/live\/passwd$/m);
    expect(conf).toMatch(/^acl_file \/mosquitto\/live\/acl$/m);
    // The gateway waits for the broker's reload at its first connection; the image has the directory, owned by its user.
    expect(Number(gw['COLDTRACE_MQTT_CONNECT_WAIT_S'])).toBeGreaterThanOrEqual(10);
    expect(read('Dockerfile')).toMatch(/chown node:node [^\n]*\/mosquitto-auth/);
  });
});

