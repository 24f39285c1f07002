/**
 * End to end over real sockets: XY-MD02 simulator (Modbus TCP) -> agent (poll, decode, outbox) -> aedes broker.
 * What the agent publishes must equal what the simulator served, and a silent slave must produce a status, never 0.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Xymd02, startModbusTcpServer, type ModbusSimServer } from '../../../simulators/src/devices/index.js';
import { startAgent, validateConfig, type Agent, type AgentConfig } from '../../src/index.js';
import { startBroker, type TestBroker } from '../helpers/broker.js';
import { record, type Recorder } from '../helpers/mqtt.js';

interface DataMsg {
  seq: number;
  time: number;
  readings: { metric: string; value: number; unit: string }[];
}

describe('modbus tcp poll to mqtt', () => {
  let broker: TestBroker;
  let sim: ModbusSimServer;
  let rec: Recorder;
  let agent: Agent;
  let dir: string;
  const sensor = new Xymd02({ unitId: 1, seed: 42, stepMs: 3_600_000 });
  const silent = new Xymd02({ unitId: 2, seed: 7 });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ct-agent-tcp-'));
    broker = await startBroker();
    silent.setAnswering(false);
    sim = await startModbusTcpServer([sensor, silent]);
    rec = await record(broker.url);
    const raw = {
      site: 'it-site',
      node: 'edge-tcp',
      mqtt: { url: broker.url },
      dataDir: dir,
      sources: [
        {
          kind: 'modbus-tcp',
          host: '127.0.0.1',
          port: sim.port,
          devices: [
            {
              id: 'room-1',
              unitId: 1,
              timeoutMs: 300,
              intervalMs: 200,
              registers: [
                { metric: 'temperature', unit: 'Cel', functionCode: 4, address: 1, type: 'int16', scale: 0.1 },
                { metric: 'humidity', unit: '%RH', functionCode: 4, address: 2, type: 'int16', scale: 0.1 },
              ],
            },
            {
              id: 'room-2',
              unitId: 2,
              timeoutMs: 150,
              intervalMs: 200,
              registers: [{ metric: 'temperature', unit: 'Cel', functionCode: 4, address: 1, type: 'int16', scale: 0.1 }],
            },
          ],
        },
      ],
    };
    const result = validateConfig(raw);
    if (!result.ok) throw new Error(result.problems.join('\n'));
    const config: AgentConfig = result.config;
    agent = await startAgent(config, { log: pino({ level: 'silent' }) });
  });

  afterAll(async () => {
    await agent?.stop(1000);
    await rec?.close();
    await sim?.close();
    await broker?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('publishes the values the simulator serves, with increasing sequence numbers', async () => {
    const dataTopic = 'ct/v1/it-site/edge-tcp/room-1/data';
    await rec.waitFor((m) => m.filter((x) => x.topic === dataTopic).length >= 3);
    const msgs = rec.messages.filter((x) => x.topic === dataTopic).map((x) => x.payload as DataMsg);
    for (const m of msgs) {
      const served = sensor.valueAt(m.time);
      expect(m.readings).toEqual([
        { metric: 'temperature', value: served.temperature, unit: 'Cel' },
        { metric: 'humidity', value: served.humidity, unit: '%RH' },
      ]);
    }
    const seqs = msgs.map((m) => m.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);
  });

  it('announces the node with a retained online birth listing its devices', async () => {
    await rec.waitFor((m) => m.some((x) => x.topic === 'ct/v1/it-site/edge-tcp/status'));
    const birth = rec.messages.find((x) => x.topic === 'ct/v1/it-site/edge-tcp/status')?.payload as { state: string; devices: string[] };
    expect(birth.state).toBe('online');
    expect(birth.devices).toEqual(['room-1', 'room-2']);
  });

  it('reports a silent slave as an error status and never publishes a reading for it', async () => {
    const statusTopic = 'ct/v1/it-site/edge-tcp/room-2/status';
    await rec.waitFor((m) => m.some((x) => x.topic === statusTopic));
    const status = rec.messages.find((x) => x.topic === statusTopic)?.payload as { state: string; error: string; errorCount: number };
    expect(status.state).toBe('error');
    expect(status.error).toMatch(/E_MODBUS_TIMEOUT/);
    expect(status.errorCount).toBeGreaterThanOrEqual(1);
    expect(rec.messages.some((x) => x.topic === 'ct/v1/it-site/edge-tcp/room-2/data')).toBe(false);
  });

  it('recovers: the slave answering again yields an ok status and readings', async () => {
    silent.setAnswering(true);
    const statusTopic = 'ct/v1/it-site/edge-tcp/room-2/status';
    await rec.waitFor(
      (m) => m.some((x) => x.topic === statusTopic && (x.payload as { state: string }).state === 'ok') && m.some((x) => x.topic === 'ct/v1/it-site/edge-tcp/room-2/data'),
      15_000,
    );
  });

  it('empties the outbox once everything is acknowledged', async () => {
    await new Promise((r) => setTimeout(r, 300));
    const s = agent.stats();
    expect(s.publisher.connected).toBe(true);
    expect(s.publisher.acked).toBeGreaterThan(3);
    expect(s.outbox.depth).toBeLessThanOrEqual(s.publisher.inflight + 1);
  });
});
