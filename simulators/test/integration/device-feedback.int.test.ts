/**
 * Feedback to devices (issue #24), end to end with real sockets and processes: an XY-MD02 simulator on Modbus TCP
 * whose temperature register serves an impossible value, an edge agent process polling it, the gateway on its
 * embedded broker and behind a real Mosquitto. The refused messages reach the node's feedback topic; the agent logs
 * the refusal once and counts every one; the device is `refused` in the API until an accepted message makes it `ok`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connectAsync, type MqttClient } from 'mqtt';
import { feedbackTopic, parseFeedback, type FeedbackMessage } from '@coldtrace/contract';
import { Xymd02, startModbusTcpServer, type ModbusSimServer } from '../../src/devices/index.js';
import { getJson, startTestGateway, type Body, type TestGateway } from '../../../gateway/test/support/gateway.js';
import { startMosquitto, type Mosquitto } from '../../../gateway/test/support/mosquitto.js';

const AGENT_MAIN = fileURLToPath(new URL('../../../edge-agent/dist/main.js', import.meta.url));
const SITE = 'fb';
const NODE = 'edge-fb';
const DEVICE = 'room-1';
/** The throttle interval of these gateways, ms: short, so the agent hears of the same refusal several times. */
const FEEDBACK_INTERVAL_MS = 500;

async function until<T>(probe: () => Promise<T | undefined> | T | undefined, ms: number, what: () => string): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function freePort(): Promise<number> {
  return await new Promise((res) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => res(port));
    });
  });
}

/** The agent as a child process, its JSON log lines collected. */
function spawnAgent(dir: string, mqttUrl: string, modbusPort: number): { child: ChildProcess; lines: Body[]; exited: Promise<number | null> } {
  const registers = [
    { metric: 'temperature', unit: 'Cel', functionCode: 4, address: 1, type: 'int16', scale: 0.1 },
    { metric: 'humidity', unit: '%RH', functionCode: 4, address: 2, type: 'int16', scale: 0.1 },
  ];
  const config = join(dir, 'agent.json');
  writeFileSync(config, JSON.stringify({
    site: SITE, node: NODE, mqtt: { url: mqttUrl }, dataDir: join(dir, 'agent'), metrics: { host: '127.0.0.1', port: 0 },
    outbox: { replayRatePerS: 500 },
    sources: [{ kind: 'modbus-tcp', host: '127.0.0.1', port: modbusPort, devices: [{ id: DEVICE, unitId: 1, timeoutMs: 500, intervalMs: 200, registers }] }],
  }));
  const child = spawn(process.execPath, [AGENT_MAIN, '--config', config], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: Body[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => {
    try {
      lines.push(JSON.parse(line));
    } catch {
      lines.push({ msg: line });
    }
  });
  child.stderr!.on('data', (d: Buffer) => lines.push({ stderr: d.toString() }));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, lines, exited };
}

async function stopAgent(a: { child: ChildProcess; exited: Promise<number | null> }): Promise<number | null> {
  if (a.child.exitCode === null) a.child.kill('SIGTERM');
  return await a.exited;
}

/** The value of a Prometheus sample line `name{labels} value`, or undefined. */
function sample(text: string, name: string, labels: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}} `));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

async function device(gw: TestGateway): Promise<Body> {
  return (await getJson<Body>(`${gw.httpUrl}/api/v1/devices`)).devices.find((d: Body) => d.device === DEVICE);
}

describe.each(['embedded', 'external'] as const)('refusal feedback to devices, %s broker', (mode) => {
  const dir = mkdtempSync(join(tmpdir(), `coldtrace-feedback-${mode}-`));
  const sensor = new Xymd02({ unitId: 1, seed: 11, stepMs: 3_600_000 });
  let sim: ModbusSimServer;
  let mosquitto: Mosquitto | undefined;
  let gw: TestGateway;
  let agent: ReturnType<typeof spawnAgent>;
  let listener: MqttClient;
  const heard: FeedbackMessage[] = [];
  let lastHeardAt = 0;
  const agentLog = (): string => JSON.stringify(agent.lines.slice(-20));

  beforeAll(async () => {
    sim = await startModbusTcpServer([sensor]);
    const modbusPort = sim.port;
    if (modbusPort === undefined) throw new Error('the Modbus TCP simulator reported no port');
    sensor.set({ temperature: 4.2, humidity: 60 });
    let brokerUrl: string;
    if (mode === 'embedded') {
      // The agent starts first and collects while the broker is not there yet: its birth then reports a backlog.
      const port = await freePort();
      brokerUrl = `mqtt://127.0.0.1:${port}`;
      agent = spawnAgent(dir, brokerUrl, modbusPort);
      await until(() => agent.lines.find((l) => l.msg === 'source started'), 15_000, () => `the agent's source (log: ${agentLog()})`);
      await until(() => (agent.lines.some((l) => typeof l.msg === 'string' && l.msg.includes('mqtt error')) ? true : undefined), 15_000, () => `a failed connection (log: ${agentLog()})`);
      gw = await startTestGateway({ COLDTRACE_MQTT_PORT: String(port) }, { feedback: { intervalMs: FEEDBACK_INTERVAL_MS } });
    } else {
      mosquitto = await startMosquitto();
      brokerUrl = mosquitto.url;
      gw = await startTestGateway({ COLDTRACE_MQTT_MODE: 'external', COLDTRACE_MQTT_URL: brokerUrl, COLDTRACE_MQTT_CONNECTIONS: '2', COLDTRACE_MQTT_CLIENT_ID: `gw-feedback-${process.pid}` }, { feedback: { intervalMs: FEEDBACK_INTERVAL_MS } });
      agent = spawnAgent(dir, brokerUrl, modbusPort);
    }
    listener = await connectAsync(brokerUrl, { clientId: `feedback-listener-${mode}-${process.pid}`, reconnectPeriod: 0 });
    listener.on('message', (_topic, payload) => {
      const f = parseFeedback(payload);
      if (!f.ok) throw new Error(`feedback off contract: ${f.error}`);
      heard.push(f.feedback);
      lastHeardAt = Date.now();
    });
    await listener.subscribeAsync(feedbackTopic(SITE, NODE), { qos: 1 });
  });

  afterAll(async () => {
    await listener?.endAsync();
    if (agent !== undefined) await stopAgent(agent);
    await gw?.destroy();
    await mosquitto?.stop();
    await sim?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores the good readings and shows the device ok', async () => {
    await until(async () => ((await device(gw))?.state === 'ok' ? true : undefined), 20_000, () => `room-1 ok (agent log: ${agentLog()})`);
  });

  it("tells the node of every refused message, logs it once on the agent and counts it; the device is refused until a message is accepted", async () => {
    const metricsUrl = await until(() => agent.lines.find((l) => l.msg === 'metrics endpoint listening')?.url as string | undefined, 10_000, () => 'the agent metrics url');
    const refusingSince = Date.now();
    sensor.set({ temperature: 500, humidity: 60 }); // 500 °C: outside the catalogue's plausible range
    const refused = await until(async () => {
      const d = await device(gw);
      return d?.state === 'refused' ? d : undefined;
    }, 15_000, () => 'room-1 refused');
    expect(refused.refused).toMatchObject({ code: 'E_VALUE_RANGE' });

    // The node's feedback topic carries the refusal: the device, the code, the offending metric only, the message's facts.
    await until(() => (heard.length >= 3 ? true : undefined), 20_000, () => `three feedback messages (${heard.length})`);
    const first = heard[0]!;
    expect(first).toMatchObject({ device: DEVICE, code: 'E_VALUE_RANGE', metrics: ['temperature'], topic: `ct/v1/${SITE}/${NODE}/${DEVICE}/data` });
    expect(first.seq).toBeGreaterThanOrEqual(0);
    expect(first.deviceTime).toBeGreaterThan(0);
    expect((await getJson<Body>(`${gw.httpUrl}/api/v1/quarantine/${first.quarantineId}`)).code).toBe('E_VALUE_RANGE');

    // The sensor recovers: the next poll is accepted and the device is ok again.
    sensor.set({ temperature: 4.4, humidity: 60 });
    const ok = await until(async () => {
      const d = await device(gw);
      return d?.state === 'ok' ? d : undefined;
    }, 15_000, () => 'room-1 ok again');
    expect(ok.refused).toBeUndefined();

    // Every refusal is accounted for: the agent's count and the feedback heard reach the quarantine's count, through
    // the sends and the last flush (re-read: a refusal may still be on its way into quarantine).
    const quarantined = await until(async () => {
      const q: number = (await getJson<Body>(`${gw.httpUrl}/api/v1/quarantine?device=${DEVICE}&limit=1000`)).entries.length;
      const counted = sample(await (await fetch(metricsUrl)).text(), 'coldtrace_agent_refusals_total', `device="${DEVICE}",code="E_VALUE_RANGE"`);
      return counted === q && heard.reduce((n, f) => n + 1 + f.suppressed, 0) === q ? q : undefined;
    }, 15_000, () => `the agent and the listener to count every refusal (heard ${JSON.stringify(heard.map((f) => f.suppressed))})`);
    expect(quarantined).toBeGreaterThanOrEqual(3);
    // Throttled: sends are at least an interval apart, so there are at most (span / interval) + 1 of them.
    expect(heard.length).toBeLessThanOrEqual(Math.floor((lastHeardAt - refusingSince) / FEEDBACK_INTERVAL_MS) + 1);

    // Logged once for (room-1, temperature, E_VALUE_RANGE), however many feedback messages came.
    const warned = agent.lines.filter((l) => l.component === 'feedback' && l.level === 40);
    expect(warned.map((l) => [l.device, l.metric, l.code])).toEqual([[DEVICE, 'temperature', 'E_VALUE_RANGE']]);

    const gwMetrics = await (await fetch(`${gw.httpUrl}/metrics`)).text();
    expect(sample(gwMetrics, 'coldtrace_feedback_messages_total', 'outcome="published"')).toBe(heard.length);
    expect(sample(gwMetrics, 'coldtrace_feedback_messages_total', 'outcome="failed"')).toBe(0);
  });

  // Embedded only: there the agent could start before the broker (a port chosen beforehand), so its birth reports a backlog.
  if (mode === 'embedded') it("shows the node's final outbox figures after a clean stop, not those of its birth", async () => {
    const nodeOf = async (): Promise<Body> => (await getJson<Body>(`${gw.httpUrl}/api/v1/devices`)).nodes.find((n: Body) => n.node === NODE);
    const statuses = await getJson<Body>(`${gw.httpUrl}/api/v1/status-events?node=${NODE}&limit=1000`);
    const birth = JSON.parse(statuses.events.at(-1).body);
    // The agent collected before the broker was up: its birth reported a backlog (the situation of the issue).
    expect(birth).toMatchObject({ state: 'online' });
    expect(birth.outbox.depth).toBeGreaterThan(0);
    expect(await stopAgent(agent)).toBe(0);
    const node = await until(async () => {
      const n = await nodeOf();
      return n?.state === 'offline' ? n : undefined;
    }, 15_000, () => 'the node offline');
    expect(node).toMatchObject({ will: false, outbox: { depth: 0, bytes: 0 } });
    expect(node.outboxReportedAt).toBe(node.lastSeen);
  });
});
