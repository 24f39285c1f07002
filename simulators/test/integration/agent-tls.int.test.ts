/**
 * An edge agent process over MQTT with TLS (docs/security.md, "Transport"): it verifies the gateway's certificate
 * against the CA it is given and logs in with its client certificate instead of a password; given another CA, it
 * refuses the server and says why.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Xymd02, startModbusTcpServer, type ModbusSimServer } from '../../src/devices/index.js';
import { makeCa, type TestCa } from '../../../gateway/test/support/pki.js';
import { startTestGateway, type TestGateway } from '../../../gateway/test/support/gateway.js';
import { until } from '../support/until.js';

const AGENT_MAIN = fileURLToPath(new URL('../../../edge-agent/dist/main.js', import.meta.url));

describe('an edge agent over MQTT with TLS and a client certificate', () => {
  const dir = mkdtempSync(join(tmpdir(), 'coldtrace-agent-tls-'));
  const room = new Xymd02({ unitId: 1, seed: 5, stepMs: 3_600_000 });
  let ca: TestCa;
  let sim: ModbusSimServer;
  let gw: TestGateway;
  const agents: { child: ChildProcess; log: () => string }[] = [];

  const get = (path: string): Promise<{ status: number; text: string }> => new Promise((resolve, reject) => {
    httpsRequest(`${gw.httpUrl}${path}`, { ca: ca.cert }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    }).on('error', reject).end();
  });
  const startAgent = (node: string, caFile: string): { child: ChildProcess; log: () => string } => {
    const cert = ca.issue(node, `tls/${node}`);
    const config = join(dir, `${node}.json`);
    writeFileSync(config, JSON.stringify({
      site: 'tls', node, mqtt: { url: gw.mqttUrl, caFile, certFile: cert.certFile, keyFile: cert.keyFile }, dataDir: join(dir, node),
      sources: [{ kind: 'modbus-tcp', host: '127.0.0.1', port: sim.port, devices: [{ id: `room-${node}`, unitId: 1, timeoutMs: 500, intervalMs: 250, registers: [
        { metric: 'temperature', unit: 'Cel', functionCode: 4, address: 1, type: 'int16', scale: 0.1 },
      ] }] }],
    }));
    let log = '';
    const child = spawn(process.execPath, [AGENT_MAIN, '--config', config], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (d: Buffer) => { log = (log + d.toString()).slice(-8000); });
    child.stderr!.on('data', (d: Buffer) => { log = (log + d.toString()).slice(-8000); });
    const agent = { child, log: () => log };
    agents.push(agent);
    return agent;
  };

  beforeAll(async () => {
    ca = makeCa(dir);
    const server = ca.issue('server', '127.0.0.1', { server: true });
    sim = await startModbusTcpServer([room]);
    gw = await startTestGateway({
      COLDTRACE_MQTT_AUTH: 'credentials', COLDTRACE_MQTT_PLAIN: 'off', COLDTRACE_MQTT_TLS_PORT: '0',
      COLDTRACE_MQTT_TLS_CERT: server.certFile, COLDTRACE_MQTT_TLS_KEY: server.keyFile, COLDTRACE_MQTT_TLS_CLIENT_CA: ca.certFile,
      COLDTRACE_HTTP_TLS_CERT: server.certFile, COLDTRACE_HTTP_TLS_KEY: server.keyFile,
    });
  });
  afterAll(async () => {
    for (const a of agents) {
      if (a.child.exitCode !== null) continue;
      const exited = new Promise((r) => a.child.once('exit', r));
      a.child.kill('SIGTERM');
      await exited;
    }
    await gw?.destroy();
    await sim?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('verifies the gateway and logs in with its certificate: its readings are stored', async () => {
    const issued = await new Promise<number>((resolve, reject) => {
      httpsRequest(`${gw.httpUrl}/api/v1/credentials/nodes/tls/edge-1`, { method: 'POST', ca: ca.cert }, (res) => { res.resume(); resolve(res.statusCode ?? 0); }).on('error', reject).end();
    });
    expect(issued).toBe(201);
    const agent = startAgent('edge-1', ca.certFile);
    const body = await until(async () => {
      const r = await get('/api/v1/readings?device=room-edge-1');
      return (JSON.parse(r.text) as { readings: unknown[] }).readings.length > 0 ? r.text : undefined;
    }, 20_000, `a stored reading (agent log: ${agent.log()})`);
    expect(body).toContain('"temperature"');
  });

  it("refuses a gateway whose certificate the agent's CA did not issue, and says why", async () => {
    const other = makeCa(dir, 'other-ca');
    const agent = startAgent('edge-2', other.certFile);
    await until(async () => (/self[- ]signed certificate|unable to verify|certificate/i.test(agent.log()) ? true : undefined), 20_000, `a certificate error in the agent's log (${agent.log()})`);
    const r = await get('/api/v1/readings?device=room-edge-2');
    expect((JSON.parse(r.text) as { readings: unknown[] }).readings).toHaveLength(0);
  });
});
