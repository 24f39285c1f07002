/**
 * The built CLI (dist/main.js) as a real child process: --check exit codes, a full run against a real simulator
 * and broker, store-and-forward through a broker outage, kill -9 and restart, and a clean SIGTERM stop.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Xymd02, startModbusTcpServer, type ModbusSimServer } from '../../../simulators/src/devices/index.js';
import { startBroker, type TestBroker } from '../helpers/broker.js';
import { record, type Recorder } from '../helpers/mqtt.js';
import { MAIN, runCli } from './run-cli.js';

async function freePort(): Promise<number> {
  return await new Promise((res) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => res(port));
    });
  });
}

function exitOf(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((res) => child.once('exit', (code, signal) => res({ code, signal })));
}

let dir: string;
beforeAll(async () => {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} missing: run \`npx tsc -b edge-agent\` first`);
  dir = await mkdtemp(join(tmpdir(), 'ct-agent-cli-'));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('coldtrace-agent --check', () => {
  it('exits 0 for the demo config', async () => {
    const r = await runCli(['--config', resolve(import.meta.dirname, '../../config/demo.yaml'), '--check']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('exits 1 and lists every problem with its path', async () => {
    const file = join(dir, 'bad.json');
    await writeFile(
      file,
      JSON.stringify({
        site: 's',
        node: 'n!',
        mqtt: { url: 'mqtt://x' },
        dataDir: 'd',
        sources: [{ kind: 'modbus-tcp', host: 'h', devices: [{ id: 'd1', registers: [{ metric: 'temperature', unit: 'Cel', functionCode: 4, address: 1, type: 'int8' }] }] }],
      }),
    );
    const r = await runCli(['--config', file, '--check']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('node: "n!" does not match ID_PATTERN');
    expect(r.stderr).toContain('sources[0].devices[0].registers[0].type: expected one of int16,uint16,int32,uint32,float32, got "int8"');
  });

  it('exits 1 for an unreadable file and 2 without --config', async () => {
    expect((await runCli(['--config', join(dir, 'nope.yaml'), '--check'])).code).toBe(1);
    expect((await runCli([])).code).toBe(2);
  });

  it('refuses to start (exit 1) on a bad config, without --check', async () => {
    const file = join(dir, 'bad.yaml');
    await writeFile(file, 'site: s\nnode: n\n');
    const r = await runCli(['--config', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/mqtt: expected an object/);
    expect(r.stderr).toMatch(/sources: expected an array/);
  });
});

describe('coldtrace-agent run', () => {
  let sim: ModbusSimServer;
  let broker: TestBroker | undefined;
  let rec: Recorder | undefined;
  let child: ChildProcess | undefined;
  const sensor = new Xymd02({ unitId: 1, seed: 5, stepMs: 3_600_000 });
  let configFile: string;
  let brokerPort: number;

  beforeAll(async () => {
    sim = await startModbusTcpServer([sensor]);
    brokerPort = await freePort();
    configFile = join(dir, 'agent.yaml');
    await writeFile(
      configFile,
      [
        'site: cli-site',
        'node: edge-cli',
        `mqtt: { url: "mqtt://127.0.0.1:${brokerPort}" }`,
        'dataDir: ./data',
        'outbox: { replayRatePerS: 500 }',
        'logLevel: warn',
        'sources:',
        '  - kind: modbus-tcp',
        '    host: 127.0.0.1',
        `    port: ${sim.port}`,
        '    devices:',
        '      - { id: room-1, unitId: 1, timeoutMs: 300, intervalMs: 50, registers: [{ metric: temperature, unit: Cel, functionCode: 4, address: 1, type: int16, scale: 0.1 }] }',
      ].join('\n'),
    );
  });

  afterAll(async () => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await rec?.close();
    await broker?.stop();
    await sim?.close();
  });

  const start = (): ChildProcess => spawn(process.execPath, [MAIN, '--config', configFile], { stdio: ['ignore', 'ignore', 'inherit'] });

  it('collects while the broker is down, survives kill -9, and delivers every sequence number once the broker is up', async () => {
    // An outage of ~100 polls compressed in time (50 ms interval instead of 1 s): the agent polls, is killed, restarts, polls.
    child = start();
    await new Promise((r) => setTimeout(r, 2500));
    child.kill('SIGKILL');
    await exitOf(child);
    child = start(); // restart, broker still down
    await new Promise((r) => setTimeout(r, 2500));
    const brokerUpAt = Date.now();
    broker = await startBroker(brokerPort);
    rec = await record(broker.url);
    const topic = 'ct/v1/cli-site/edge-cli/room-1/data';
    type Msg = { seq: number; time: number; readings: { value: number }[] };
    const data = (): Msg[] => rec!.messages.filter((x) => x.topic === topic).map((x) => x.payload as Msg);
    // Sequence numbers follow poll order, so the first reading taken after the broker came back tells how many were
    // taken during the outage: every number below it must arrive (live readings may overtake the backlog).
    await rec.waitFor(() => data().some((m) => m.time >= brokerUpAt), 15_000);
    const firstAfter = Math.min(...data().filter((m) => m.time >= brokerUpAt).map((m) => m.seq));
    const allBelow = (): boolean => {
      const seqs = new Set(data().map((m) => m.seq));
      return Array.from({ length: firstAfter }, (_, s) => s).every((s) => seqs.has(s));
    };
    await rec.waitFor(allBelow, 15_000).catch((e: unknown) => {
      const seqs = new Set(data().map((m) => m.seq));
      const absent = Array.from({ length: firstAfter }, (_, s) => s).filter((s) => !seqs.has(s));
      throw new Error(`${(e as Error).message}; ${firstAfter} taken during the outage, not received: ${absent.slice(0, 50).join(',')}`);
    });
    const msgs = data();
    const received = new Set(msgs.map((m) => m.seq));
    const missing = Array.from({ length: firstAfter }, (_, s) => s).filter((s) => !received.has(s)).length;
    console.log(`broker outage: ${firstAfter} messages polled while the broker was down (across a kill -9), missing ${missing}`);
    expect({ polledDuringOutage: firstAfter >= 10, missing }).toEqual({ polledDuringOutage: true, missing: 0 });
    // The backlog is replayed in device-time order with its original device times; live readings may overtake it.
    const backlog = msgs.filter((m) => m.seq < firstAfter);
    for (let i = 1; i < backlog.length; i++) expect(backlog[i]!.time).toBeGreaterThan(backlog[i - 1]!.time);
    expect(backlog.map((m) => m.seq)).toEqual([...backlog.map((m) => m.seq)].sort((a, b) => a - b));
    for (const m of msgs) expect(m.readings[0]?.value).toBe(sensor.valueAt(m.time).temperature);
  });

  it('leaves its last will (offline, will: true) when killed while connected', async () => {
    const c = child;
    if (!c || !rec) throw new Error('previous test did not start the agent');
    c.kill('SIGKILL');
    await exitOf(c);
    await rec.waitFor((m) => m.some((x) => x.topic === 'ct/v1/cli-site/edge-cli/status' && (x.payload as { will?: boolean }).will === true));
  });

  it('stops cleanly on SIGTERM with a retained offline status', async () => {
    if (!rec) throw new Error('no broker');
    const r = rec;
    const onlineBefore = r.messages.filter((x) => x.topic === 'ct/v1/cli-site/edge-cli/status' && (x.payload as { state: string }).state === 'online').length;
    const c = start();
    child = c;
    await r.waitFor((m) => m.filter((x) => x.topic === 'ct/v1/cli-site/edge-cli/status' && (x.payload as { state: string }).state === 'online').length > onlineBefore);
    const exited = exitOf(c);
    c.kill('SIGTERM');
    expect(await exited).toEqual({ code: 0, signal: null });
    await r.waitFor((m) => m.at(-1)?.topic === 'ct/v1/cli-site/edge-cli/status' && (m.at(-1)?.payload as { state: string }).state === 'offline');
    const offline = r.messages.filter((x) => x.topic === 'ct/v1/cli-site/edge-cli/status').at(-1)?.payload as { state: string; will?: boolean };
    expect(offline).toMatchObject({ state: 'offline' });
    expect(offline.will).toBeUndefined();
  });
});
