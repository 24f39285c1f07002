/**
 * The walking skeleton, end to end with real sockets and real processes, as `npm start` runs them:
 * XY-MD02 simulator (Modbus TCP) -> edge agent process -> embedded broker in the gateway process -> SQLite -> HTTP.
 * What the API returns must be what the simulator served, with device time and sequence intact. The broker admits only
 * issued credentials, as in production: the agent reads its password from a file at every connection, so a credential
 * issued after it started takes effect at its next attempt.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Xymd02, startModbusTcpServer, type ModbusSimServer } from '../../src/devices/index.js';
import { spawnGateway, type GatewayProcess } from '../../../gateway/test/support/process.js';
import { until } from '../support/until.js';

const AGENT_MAIN = fileURLToPath(new URL('../../../edge-agent/dist/main.js', import.meta.url));

interface Reading { device: string; metric: string; time: number; value: number; seq: number; receivedAt: number }

async function readings(httpUrl: string, device: string, metric: string): Promise<Reading[]> {
  const res = await fetch(`${httpUrl}/api/v1/readings?device=${device}&metric=${metric}&limit=10000`);
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  return ((await res.json()) as { readings: Reading[] }).readings;
}


describe('walking skeleton: sensor to dashboard API', () => {
  const dir = mkdtempSync(join(tmpdir(), 'coldtrace-e2e-'));
  const cold = new Xymd02({ unitId: 1, seed: 3, stepMs: 3_600_000 });
  const ambient = new Xymd02({ unitId: 2, seed: 4, baseC: 19, stepMs: 3_600_000 });
  let sim: ModbusSimServer;
  let gw: GatewayProcess;
  let agent: ChildProcess;
  let agentLog = '';

  beforeAll(async () => {
    sim = await startModbusTcpServer([cold, ambient]);
    gw = await spawnGateway({ COLDTRACE_DATA_DIR: join(dir, 'gateway'), COLDTRACE_LOG_LEVEL: 'warn', COLDTRACE_MQTT_AUTH: 'credentials' });
    const config = join(dir, 'agent.json');
    const registers = [
      { metric: 'temperature', unit: 'Cel', functionCode: 4, address: 1, type: 'int16', scale: 0.1 },
      { metric: 'humidity', unit: '%RH', functionCode: 4, address: 2, type: 'int16', scale: 0.1 },
    ];
    writeFileSync(config, JSON.stringify({
      site: 'e2e', node: 'edge-e2e', mqtt: { url: gw.mqttUrl, username: 'e2e/edge-e2e', passwordFile: join(dir, 'mqtt-password') }, dataDir: join(dir, 'agent'),
      sources: [{ kind: 'modbus-tcp', host: '127.0.0.1', port: sim.port, devices: [
        { id: 'cold-room-1', unitId: 1, timeoutMs: 500, intervalMs: 250, registers },
        { id: 'ambient-1', unitId: 2, timeoutMs: 500, intervalMs: 250, registers },
      ] }],
    }));
    agent = spawn(process.execPath, [AGENT_MAIN, '--config', config], { stdio: ['ignore', 'pipe', 'pipe'] });
    agent.stdout!.on('data', (d: Buffer) => { agentLog = (agentLog + d.toString()).slice(-4000); });
    agent.stderr!.on('data', (d: Buffer) => { agentLog = (agentLog + d.toString()).slice(-4000); });
    // Refused while it has no password file; then the credential is issued and written where it reads it.
    await until(async () => /coldtrace_mqtt_refused_total\{stage="connect",reason="no-credentials"\} [1-9]/.test(await (await fetch(`${gw.httpUrl}/metrics`)).text()) || undefined, 15_000, `a refused connection (agent log: ${agentLog})`);
    const issued = await fetch(`${gw.httpUrl}/api/v1/credentials/nodes/e2e/edge-e2e`, { method: 'POST' });
    expect(issued.status).toBe(201);
    writeFileSync(join(dir, 'mqtt-password'), `${((await issued.json()) as { password: string }).password}\n`, { mode: 0o600 });
  });

  afterAll(async () => {
    if (agent.exitCode === null) {
      const exited = new Promise((r) => agent.once('exit', r));
      agent.kill('SIGTERM');
      await exited;
    }
    gw.child.kill('SIGTERM');
    await gw.exited;
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves through the API the values the simulator served, with device time and sequence intact', async () => {
    const initial = cold.valueAt().temperature;
    cold.set({ temperature: 3.7, humidity: 81.2 });
    ambient.set({ temperature: 19.4, humidity: 44.5 });
    const startedAt = Date.now();
    const first = await until(async () => (await readings(gw.httpUrl, 'cold-room-1', 'temperature')).find((r) => r.value === 3.7), 15_000, `a 3.7 °C reading (agent log: ${agentLog})`);
    expect(first.time).toBeGreaterThanOrEqual(startedAt - 1000);
    expect(first.receivedAt).toBeGreaterThanOrEqual(first.time);
    const hum = await readings(gw.httpUrl, 'cold-room-1', 'humidity');
    expect(hum.find((r) => r.time === first.time)?.value).toBe(81.2);
    // The agent polled while it waited for its credential: those older readings (its outbox) arrive too.
    const amb = await until(async () => (await readings(gw.httpUrl, 'ambient-1', 'temperature')).find((r) => r.time >= first.time), 5000, 'ambient reading');
    expect(amb.value).toBe(19.4);

    // The sensor changes: the next polls carry the new value, later in device time.
    cold.set({ temperature: -1.3 });
    const later = await until(async () => (await readings(gw.httpUrl, 'cold-room-1', 'temperature')).find((r) => r.value === -1.3), 5000, 'the -1.3 °C reading');
    expect(later.time).toBeGreaterThan(first.time);

    // Sequence: one message per poll, +1 each, no gaps, in device-time order (once the outbox has drained: a gap
    // that never fills times out).
    const all = await until(async () => {
      const rs = await readings(gw.httpUrl, 'cold-room-1', 'temperature');
      return rs.length >= 6 && rs.every((r, i) => i === 0 || r.seq === rs[i - 1]!.seq + 1) ? rs : undefined;
    }, 10_000, 'six polls, their sequence without gaps');
    const seqs = all.map((r) => r.seq);
    for (let i = 1; i < seqs.length; i++) expect(seqs[i]).toBe(seqs[i - 1]! + 1);
    // Only values the simulator served (its initial value, then the two set): a failed read is never a 0.
    for (const r of all) expect([initial, 3.7, -1.3]).toContain(r.value);
  });

  it('shows the device on the live view with its latest readings', async () => {
    const res = await fetch(`${gw.httpUrl}/api/v1/devices`);
    const body = (await res.json()) as { devices: { device: string; state: string; metrics: Record<string, { value: number }> }[]; nodes: { node: string; state: string }[] };
    const d = body.devices.find((x) => x.device === 'cold-room-1');
    expect(d?.metrics['temperature']?.value).toBe(-1.3);
    expect(d?.state).toBe('ok');
    expect(body.nodes.find((n) => n.node === 'edge-e2e')?.state).toBe('online');
  });
});
