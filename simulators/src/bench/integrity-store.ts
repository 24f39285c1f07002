/**
 * What chaining costs the store's writer thread (issue #17), measured where the machine's load matters least: one
 * process, two embedded stores on fresh files (chaining on, chaining off, durability full, writer thread as in the
 * gateway), the same commits written to each in turn, many short rounds, and the process's CPU time (all threads)
 * per reading of each. Two commit shapes: single-reading messages (each series a reading per commit, the ingest
 * log's case) and 50-reading messages (chunks written directly). The end-to-end pairs in integrity.ts share the
 * machine with whatever else runs; CPU time per reading of alternating rounds does not depend on it as much.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteTelemetryStore, type StoredReading, type TelemetryStore } from '@coldtrace/gateway';
import type { BenchMode } from './shapes.js';

export interface StoreChainCost {
  readonly shape: string;
  readonly readingsPerCommit: number;
  readonly rounds: number;
  /** Process CPU (all threads) per reading written, µs, with chaining on and off; on - off: the chain's cost. */
  readonly onCpuUsPerReading: number;
  readonly offCpuUsPerReading: number;
  readonly chainCpuUsPerReading: number;
}

const ROUNDS: Record<BenchMode, number> = { smoke: 4, quick: 20, full: 60 };
const SHAPES = [
  { shape: 'single (200 series x 1 reading a commit)', series: 200, perSeries: 1, commitsPerRound: 50 },
  { shape: 'batch-50 (100 series x 50 readings a commit)', series: 100, perSeries: 50, commitsPerRound: 4 },
];

/** A store on a fresh file, chained or not: the embedded store by default (the remote's spool: integrity-remote.ts). */
export type OpenStore = (path: string, chain: boolean) => TelemetryStore;

const openSqlite: OpenStore = (path, chain) => SqliteTelemetryStore.open(path, { chain });

export async function measureStoreChainCost(mode: BenchMode, log: (s: string) => void, open: OpenStore = openSqlite, label = 'store alone'): Promise<StoreChainCost[]> {
  const out: StoreChainCost[] = [];
  for (const s of SHAPES) {
    const dir = await mkdtemp(join(tmpdir(), 'ct-bench-chain-store-'));
    const stores = { on: open(join(dir, 'on.db'), true), off: open(join(dir, 'off.db'), false) };
    const cpu = { on: 0, off: 0 };
    let readings = 0;
    let t = 1_790_000_000_000;
    try {
      for (let round = 0; round < ROUNDS[mode] + 1; round++) {
        const commits: StoredReading[][] = [];
        for (let c = 0; c < s.commitsPerRound; c++) {
          const rs: StoredReading[] = [];
          for (let d = 0; d < s.series; d++) {
            for (let k = 0; k < s.perSeries; k++) {
              rs.push({ site: 'wh1', node: `n${d % 10}`, device: `chain-${d}`, metric: 'temperature', unit: 'Cel', time: t + k * 1000, value: 4 + ((d + k) % 40) / 10, seq: round, receivedAt: t + 50, flags: 0 });
            }
          }
          t += s.perSeries * 1000;
          commits.push(rs);
        }
        // Alternate which store goes first, so neither always follows the other's fsync.
        for (const which of round % 2 === 0 ? (['on', 'off'] as const) : (['off', 'on'] as const)) {
          const before = process.cpuUsage();
          for (const rs of commits) await stores[which].write(rs);
          const used = process.cpuUsage(before);
          if (round > 0) cpu[which] += used.user + used.system; // round 0 warms both up
        }
        if (round > 0) readings += commits.length * s.series * s.perSeries;
      }
    } finally {
      await stores.on.close();
      await stores.off.close();
      await rm(dir, { recursive: true, force: true });
    }
    const on = cpu.on / readings;
    const off = cpu.off / readings;
    const r: StoreChainCost = {
      shape: s.shape, readingsPerCommit: s.series * s.perSeries, rounds: ROUNDS[mode],
      onCpuUsPerReading: Math.round(on * 1000) / 1000, offCpuUsPerReading: Math.round(off * 1000) / 1000, chainCpuUsPerReading: Math.round((on - off) * 1000) / 1000,
    };
    log(`${label}, ${s.shape}: ${r.onCpuUsPerReading} / ${r.offCpuUsPerReading} µs CPU a reading with chaining on / off: the chain ${r.chainCpuUsPerReading} µs`);
    out.push(r);
  }
  return out;
}
