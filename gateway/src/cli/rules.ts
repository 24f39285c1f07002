#!/usr/bin/env node
/**
 * coldtrace-rules replay: the gateway's rules over a registry document and a file of readings, at a given
 * evaluation time, without a gateway (docs/rules.md, "Replay and backtest"). Prints the flags as JSON.
 *
 *   coldtrace-rules replay --registry registry.json --readings readings.jsonl [--at 2026-12-01T00:00:00Z]
 *                          [--batches B-1,B-2] [--out flags.json]
 *
 * Readings: JSON lines `{"device": "S-1", "metric": "temperature", "time": 1764547200000 | "2025-12-01T00:00:00Z",
 * "value": 4.2, "unit": "Cel"}`. A line that is not a reading stops the replay with its line number.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openDatabase } from '../adapters/sqlite/database.js';
import { SqliteFlagStore } from '../adapters/sqlite/flags/flag-store.js';
import { SqliteRegistryStore } from '../adapters/sqlite/registry/registry-store.js';
import { SqliteTelemetryStore } from '../adapters/sqlite/telemetry-store.js';
import type { StoredReading } from '../domain/reading.js';
import { parseTime } from '../domain/registry/fields.js';
import { CustodyIndex } from '../services/custody.js';
import { EvidenceService } from '../services/evidence.js';
import { RegistryProblems, RegistryService } from '../services/registry.js';
import { RulesService } from '../services/rules.js';
import { pino } from 'pino';

const USAGE = 'usage: coldtrace-rules replay --registry FILE --readings FILE.jsonl [--at ISO] [--batches A,B] [--out FILE]';

/** One line of the readings file -> a reading, or the reason it is not one. */
function readingOf(line: string, receivedAt: number): StoredReading | string {
  let o: unknown;
  try {
    o = JSON.parse(line);
  } catch {
    return 'not JSON';
  }
  if (typeof o !== 'object' || o === null) return 'not an object';
  const r = o as Record<string, unknown>;
  const time = typeof r.time === 'number' ? r.time : typeof r.time === 'string' ? parseTime(r.time) : undefined;
  if (typeof r.device !== 'string' || r.device === '') return "'device' must be a non-empty string";
  if (typeof r.metric !== 'string' || r.metric === '') return "'metric' must be a non-empty string";
  if (time === undefined || !Number.isFinite(time)) return "'time' must be ms since the epoch or an ISO 8601 time with a zone";
  if (typeof r.value !== 'number' || !Number.isFinite(r.value)) return "'value' must be a finite number";
  return {
    site: typeof r.site === 'string' ? r.site : 'replay', node: typeof r.node === 'string' ? r.node : 'replay', device: r.device, metric: r.metric,
    time, value: r.value, unit: typeof r.unit === 'string' ? r.unit : '', seq: 0, receivedAt, flags: 0,
  };
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { registry: { type: 'string' }, readings: { type: 'string' }, at: { type: 'string' }, batches: { type: 'string' }, out: { type: 'string' } },
  });
  if (positionals[0] !== 'replay' || values.registry === undefined || values.readings === undefined) {
    console.error(USAGE);
    return 2;
  }
  const at = values.at === undefined ? Date.now() : parseTime(values.at);
  if (at === undefined) {
    console.error(`--at: '${values.at}' is not an ISO 8601 time with a zone`);
    return 2;
  }
  const dir = mkdtempSync(join(tmpdir(), 'coldtrace-replay-'));
  const store = SqliteTelemetryStore.open(join(dir, 'telemetry.db'), { durability: 'normal' });
  const registryDb = openDatabase(join(dir, 'registry.db'), { durability: 'normal' });
  try {
    const clock = { now: () => at };
    const registryStore = new SqliteRegistryStore(registryDb);
    const registry = new RegistryService(registryStore, clock);
    const custody = new CustodyIndex(registryStore, { linked: () => undefined, unlinked: () => undefined });
    registry.onChange(custody.registryChanged);
    try {
      await registry.importDocument(JSON.parse(readFileSync(values.registry, 'utf8')) as unknown, { actor: 'replay', source: 'coldtrace-rules' });
    } catch (e) {
      if (!(e instanceof RegistryProblems)) throw e;
      console.error(`${values.registry}: refused`);
      for (const p of e.problems) console.error(`  ${p.path}: ${p.message}`);
      return 1;
    }
    await custody.load();
    const lines = readFileSync(values.readings, 'utf8').split('\n');
    let batch: StoredReading[] = [];
    let count = 0;
    for (let i = 0; i < lines.length; i++) {
      if (lines[i]!.trim() === '') continue;
      const r = readingOf(lines[i]!, at);
      if (typeof r === 'string') {
        console.error(`${values.readings} line ${i + 1}: ${r}`);
        return 1;
      }
      batch.push(r);
      count++;
      if (batch.length >= 10_000) {
        await store.write(batch);
        batch = [];
      }
    }
    if (batch.length > 0) await store.write(batch);
    const flags = new SqliteFlagStore(registryDb);
    const evidence = new EvidenceService(registryStore, custody, store, flags);
    const rules = new RulesService({
      registry: registryStore, evidence, store, flags, custody, clock, log: pino({ level: 'silent' }),
      scheduler: { after: () => ({ cancel: () => undefined }) },
    });
    const ids = values.batches?.split(',').map((b) => b.trim()).filter((b) => b !== '') ?? (await registry.list('batches', { limit: 10_000_000 })).map((b) => b.id);
    const found = [];
    for (const id of ids) found.push(...await rules.findings(id, at));
    const out = `${JSON.stringify({ evaluatedAt: new Date(at).toISOString(), batches: ids.length, readings: count, flags: found.map((f) => ({ id: `${f.rule}@${f.subject.kind}:${f.subject.id}`, ...f })) }, null, 2)}\n`;
    if (values.out !== undefined) writeFileSync(values.out, out);
    else process.stdout.write(out);
    return 0;
  } finally {
    await store.close();
    registryDb.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then((code) => process.exit(code), (e: unknown) => {
  console.error(`coldtrace-rules: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
