/**
 * An LLRP reader in a whole edge agent (the builtin factory, the outbox, MQTT, the metrics endpoint): a reader that
 * refuses ADD_ROSPEC once shows up as an error status of its devices and in coldtrace_agent_llrp_failures_total with
 * reason `status`; once the agent has set it up again, its tags reach the broker as contract v1 scan messages of
 * each antenna's device, and the scan read counters count them.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LlrpReaderSimulator } from '../../../simulators/src/devices/llrp-reader.js';
import { sgtin96 } from '../../../simulators/src/devices/scan-codes.js';
import { startAgent, validateConfig, type Agent } from '../../src/index.js';
import { startBroker, type TestBroker } from '../helpers/broker.js';
import { record, type Received, type Recorder } from '../helpers/mqtt.js';
import { waitFor } from '../helpers/wait.js';

const GTIN = '00614141123452';

describe('an LLRP reader in the edge agent', () => {
  let broker: TestBroker | undefined;
  let sim: LlrpReaderSimulator | undefined;
  let rec: Recorder | undefined;
  let agent: Agent | undefined;
  let dir = '';
  let source = '';

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ct-llrp-agent-'));
    broker = await startBroker();
    rec = await record(broker.url);
    sim = new LlrpReaderSimulator({ antennas: [1, 2] });
    const port = await sim.start();
    source = `llrp:127.0.0.1:${port}`;
    sim.failNext('ADD_ROSPEC', 'M_FieldError');
    const checked = validateConfig({
      site: 'it-site', node: 'edge-llrp', mqtt: { url: broker.url }, dataDir: dir, metrics: { port: 0 },
      sources: [{ kind: 'llrp', host: '127.0.0.1', port, antennas: [{ id: 1, device: 'dock-3-in' }, { id: 2, device: 'dock-3-out' }], batchMs: 0, reconnectInitialMs: 50, reconnectMaxMs: 50 }],
    });
    if (!checked.ok) throw new Error(checked.problems.join('\n'));
    agent = await startAgent(checked.config, { log: pino({ level: 'silent' }), statsLogIntervalMs: 0 });
  });

  afterAll(async () => {
    await agent?.stop(1000);
    await sim?.stop();
    await rec?.close();
    await broker?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('reports the refused ADD_ROSPEC, sets the reader up again and publishes its tags per antenna device', async () => {
    const scans = (device: string): Received[] => rec!.messages.filter((m) => m.topic.endsWith(`/${device}/scan`));
    await rec!.waitFor((ms) => ms.some((m) => m.topic.endsWith('/dock-3-in/status') && JSON.stringify(m.payload).includes('ADD_ROSPEC: M_FieldError')));
    await waitFor('the ROSpec started', () => sim!.reporting);
    await sim!.report([{ epc: sgtin96(GTIN, 1, 7), antenna: 1 }, { epc: sgtin96(GTIN, 2, 7), antenna: 2 }, { epc: 'E2801160600002054E7B1234', antenna: 2 }]);
    await rec!.waitFor(() => scans('dock-3-in').length === 1 && scans('dock-3-out').length === 1);
    expect(scans('dock-3-in')[0]!.payload).toMatchObject({ v: 1, reads: [{ via: 'rfid', code: { gtin: GTIN, serial: '1' }, antenna: 1 }] });
    expect(scans('dock-3-out')[0]!.payload).toMatchObject({ v: 1, reads: [{ code: { gtin: GTIN, serial: '2' } }, { error: { code: 'E_EPC_SCHEME' } }] });
    const text = await (await fetch(agent!.metricsUrl!)).text();
    expect(text).toContain(`coldtrace_agent_llrp_failures_total{source="${source}",reason="status"} 1`);
    expect(text).toContain(`coldtrace_agent_llrp_failures_total{source="${source}",reason="dropped"} 0`);
    expect(text).toContain(`coldtrace_agent_llrp_sessions_total{source="${source}"} 1`);
    expect(text).toContain(`coldtrace_agent_scan_reads_total{source="${source}",outcome="decoded"} 2`);
    expect(text).toContain(`coldtrace_agent_scan_reads_total{source="${source}",outcome="undecoded"} 1`);
  });
});
