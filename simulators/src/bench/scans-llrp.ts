/**
 * The scan bench's LLRP row (issue #21): the same portal rate, but from an LLRP reader (the simulator, llrpjs'
 * server) through a real edge agent (its llrp source, the durable outbox, MQTT) into the gateway, beside the same
 * ingest load. Offered: tag reads the reader reported; delivered: reads the gateway logged (its scan-read counter),
 * polled every 100 ms, so the drain is the time from the reader's last report to the last read logged.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pino } from 'pino';
import { startAgent, validateConfig } from '@coldtrace/edge-agent';
import { LlrpReaderSimulator } from '../devices/llrp-reader.js';
import { sgtin96 } from '../devices/scan-codes.js';
import { runLoad, type LoadOptions } from '../load/index.js';

export interface LlrpPortalFigures {
  readonly tagsOffered: number;
  readonly offeredReadsPerS: number;
  readonly readsLogged: number;
  readonly loggedReadsPerS: number;
  /** From the reader's last report to the gateway's last read logged, ms (100 ms polling). */
  readonly drainMs: number;
  readonly ingestBesideReadingsPerS: number;
}

export interface LlrpPortalInput {
  readonly mqttUrl: string;
  /** Total of the gateway's scan reads so far (all outcomes). */
  readonly readsLogged: () => Promise<number>;
  /** The items' GTIN, its company prefix length, and the serials to read. */
  readonly gtin: string;
  readonly companyDigits: number;
  readonly serials: readonly number[];
  readonly tagsPerSecond: number;
  /**
   * The devices of antennas 1 and 2: doors of their own, since the gateway knows a message by device and sequence
   * number, and the agent numbers from 1 again.
   */
  readonly devices: readonly [string, string];
  readonly durationMs: number;
  readonly load: Partial<LoadOptions> & Pick<LoadOptions, 'url'>;
  readonly log: (s: string) => void;
}

export async function runLlrpPortal(i: LlrpPortalInput): Promise<LlrpPortalFigures> {
  const dir = await mkdtemp(join(tmpdir(), 'coldtrace-llrp-bench-'));
  const sim = new LlrpReaderSimulator({ tags: i.serials.map((s) => sgtin96(i.gtin, s, i.companyDigits)), antennas: [1, 2], tagsPerSecond: i.tagsPerSecond, reportEveryMs: 200 });
  const port = await sim.start();
  const checked = validateConfig({
    site: 'bench', node: 'dock-llrp', mqtt: { url: i.mqttUrl, clientId: 'bench-llrp-agent' }, dataDir: dir, logLevel: 'silent',
    // Every tag read goes through (no hold time): the reader's rate is what reaches the gateway.
    sources: [{ kind: 'llrp', host: '127.0.0.1', port, antennas: [{ id: 1, device: i.devices[0] }, { id: 2, device: i.devices[1] }], dedupeMs: 0 }],
  });
  if (!checked.ok) throw new Error(`llrp bench config: ${checked.problems.join('; ')}`);
  const base = await i.readsLogged();
  const agent = await startAgent(checked.config, { log: pino({ level: 'silent' }), statsLogIntervalMs: 0 });
  try {
    const deadline = performance.now() + 30_000;
    while (!sim.reporting) {
      if (performance.now() > deadline) throw new Error('llrp bench: the agent did not start the ROSpec within 30 s');
      await new Promise((r) => setTimeout(r, 20));
    }
    const t0 = performance.now();
    const beside = await runLoad({ ...i.load, durationMs: i.durationMs, devicePrefix: 'llrp' });
    sim.stopStream();
    const tEnd = performance.now();
    const offered = sim.tagsSent;
    let logged = (await i.readsLogged()) - base;
    let lastChange = performance.now();
    // Drained when every reported tag is logged, or nothing changed for 10 s (reads lost: the figures say so).
    while (logged < offered && performance.now() - lastChange < 10_000) {
      await new Promise((r) => setTimeout(r, 100));
      const now = (await i.readsLogged()) - base;
      if (now !== logged) lastChange = performance.now();
      logged = now;
    }
    const r: LlrpPortalFigures = {
      tagsOffered: offered, offeredReadsPerS: Math.round(offered / ((tEnd - t0) / 1000)), readsLogged: logged,
      loggedReadsPerS: Math.round(logged / ((lastChange - t0) / 1000)), drainMs: Math.round(Math.max(0, lastChange - tEnd)),
      ingestBesideReadingsPerS: Math.round(beside.ackedReadingsPerS),
    };
    i.log(`LLRP portal agent: ${JSON.stringify(agent.stats())}`);
    i.log(`LLRP portal: ${r.readsLogged} of ${offered} tag reads logged (${r.offeredReadsPerS}/s offered, ${r.loggedReadsPerS}/s logged), drain ${r.drainMs} ms; ingest beside ${r.ingestBesideReadingsPerS} readings/s`);
    return r;
  } finally {
    await agent.stop(2000);
    await sim.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
