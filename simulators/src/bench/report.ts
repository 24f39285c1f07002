/** The bench's Markdown table and a console summary, from the JSON results. */
import type { ProductionResult } from './production.js';
import type { ShapeResult, WindowPoint } from './run-shape.js';

export interface Ceilings {
  /** Embedded broker, do-nothing handler, single-reading QoS 1 messages/s (= readings/s): the best of `brokerByWindow`. */
  readonly brokerMessagesPerS: number;
  readonly brokerByWindow: readonly WindowPoint[];
  /** SQLite store alone, batch inserts, rows/s, per durability. */
  readonly storeFull: number;
  readonly storeNormal: number;
}

export interface BenchReport {
  readonly mode: string;
  readonly startedAt: string;
  readonly durationS: number;
  readonly machine: { cpus: number; cpuModel: string; memGiB: number; node: string; kernel: string };
  /** Absent when only the production shapes ran. */
  readonly ceilings?: Ceilings;
  readonly shapes: ShapeResult[];
  /** The production shapes (issue #18): Mosquitto -> gateway -> InfluxDB / VictoriaMetrics, end to end. */
  readonly production: ProductionResult[];
}

const n = (x: number): string => Math.round(x).toLocaleString('en');

export function markdown(r: BenchReport): string {
  const lines = [
    `# Coldtrace bench (${r.mode}), ${r.startedAt}`,
    '',
    `Machine: ${r.machine.cpus} × ${r.machine.cpuModel}, ${r.machine.memGiB} GiB, Node ${r.machine.node}, Linux ${r.machine.kernel}. ` +
      `Load generator and gateway on the same machine (gateway in its own process). Total ${Math.round(r.durationS)} s.`,
    '',
  ];
  if (r.ceilings !== undefined) {
    lines.push(
      '## Ceilings (measured in this run)',
      '',
      '| ceiling | value |',
      '|---|---:|',
      `| embedded broker alone, do-nothing handler, 1 reading/msg QoS 1, best window | ${n(r.ceilings.brokerMessagesPerS)} msg/s |`,
      `| SQLite store alone, batch inserts, synchronous=FULL | ${n(r.ceilings.storeFull)} readings/s |`,
      `| SQLite store alone, batch inserts, synchronous=NORMAL | ${n(r.ceilings.storeNormal)} readings/s |`,
      '',
      ...windowTable(r),
    );
  }
  if (r.shapes.length > 0) {
    lines.push(
      '## Shapes',
      '',
      '| shape | store | readings/s durable | msg/s | p50 ms after warm-up | p99 ms after warm-up | ceiling readings/s | ratio | gw CPU % | gw RSS peak MiB | gen CPU % | counts | target | met |',
      '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---|',
    );
  }
  for (const s of r.shapes) {
    lines.push(`| ${s.name} | ${s.store}/${s.durability} | ${n(s.readingsPerS)} | ${n(s.messagesPerS)} | ${s.latency.p50} | ${s.latency.p99} | ` +
      `${s.ceiling === undefined ? '–' : `${n(s.ceiling.readingsPerS)} (${s.ceiling.kind})`} | ${s.ceiling === undefined ? '–' : `${Math.round(s.ceiling.ratio * 100)} %`} | ` +
      `${s.gateway.cpuPercent} | ${s.gateway.rssPeakMiB} | ${s.generatorCpuPercent} | ${s.countsOk ? 'ok' : 'MISMATCH'} | ${s.target?.text ?? '–'} | ${s.target === undefined ? '–' : s.target.met ? 'yes' : '**no**'} |`);
  }
  if (r.shapes.length > 0) lines.push('', ...latencyTable(r), '## Details', '');
  for (const s of r.shapes) {
    const extra: string[] = [`${s.title}.`, s.countsDetail + '.'];
    const o = s.load.options;
    extra.push(`${o.devices} devices${o.ratePerDevice > 0 ? ` at ${Math.round(o.ratePerDevice * 100) / 100} msg/s each` : ', closed loop'}, ${o.readingsPerMessage} readings/msg, ${o.inflightPerDevice} in flight, ${Math.round(s.load.durationMs / 1000)} s; connect ${s.load.connectMs} ms, drain ${s.load.drainMs} ms; writers held back ${s.gatewayCounts.heldBack} times; ` +
      `gateway RSS peak ${s.gateway.rssPeakMiB} / mean ${s.gateway.rssMeanMiB} / end ${s.gateway.rssEndMiB} MiB (per second in the JSON).`);
    extra.push(`Live latency over the whole run, the first ${o.warmupMs / 1000} s of warm-up included: p50 ${s.latencyWholeRun.p50} ms, p99 ${s.latencyWholeRun.p99} ms (table: after the warm-up; per second in the JSON).`);
    const g = s.internals;
    extra.push(`Inside the gateway: ${n(g.commits)} commits, mean ${g.commitMeanMs} ms, p99 <= ${ms(g.commitP99Ms)} ms; ` +
      `receive -> durable ack of live messages after the warm-up p50 <= ${ms(g.ackP50Ms)} ms, p99 <= ${ms(g.ackP99Ms)} ms; ` +
      `event-loop delay p99 ${g.eventLoopP99Ms} ms; GC pauses ${g.gcSeconds} s; ${n(g.diskBytesPerReading)} bytes written to disk per reading.`);
    const b = s.brokerAlone;
    if (b !== undefined) {
      extra.push(`Broker alone at the same load (same generator, devices, rate and window; own process, do-nothing handler): ${n(b.messagesPerS)} msg/s, ` +
        `p50 ${b.latency.p50} ms, p99 ${b.latency.p99} ms after the warm-up, broker CPU ${b.cpuPercent} %, generator CPU ${b.generatorCpuPercent} %${b.countsOk ? '' : ', counts MISMATCH'}: ` +
        `the latency the MQTT front and this machine give before any ingest.`);
    }
    if (s.replayLatency !== undefined) extra.push(`Replay: ${n(s.load.acked.replay.readings)} readings in ${Math.round((s.replayMs ?? 0) / 100) / 10} s, replay message latency p50 ${s.replayLatency.p50} ms / p99 ${s.replayLatency.p99} ms; live latency above.`);
    if (s.prefill !== undefined) extra.push(`Pre-filled ${n(s.prefill.readings)} readings in ${Math.round(s.prefill.ms / 1000)} s.`);
    if (s.query !== undefined) extra.push(`Queries (device + 1 h range, HTTP API, ${s.query.count} queries, ${n(s.query.rowsPerQuery)} rows each on average): p50 ${s.query.p50} ms, p99 ${s.query.p99} ms.`);
    if (s.forwardMs !== undefined) extra.push(`Spool forwarded everything to InfluxDB ${Math.round(s.forwardMs / 100) / 10} s after the run ended.`);
    lines.push(`- **${s.name}**: ${extra.join(' ')}`);
  }
  lines.push(...productionTable(r.production));
  return `${lines.join('\n')}\n`;
}

/** Issue #18: the production shape end to end, beside the store alone. */
function productionTable(rows: readonly ProductionResult[]): string[] {
  if (rows.length === 0) return [];
  const lines = ['', '## Production shape: Mosquitto -> gateway (external mode) -> spool -> remote store', '',
    'End to end: from the first publish until the store itself (InfluxDB `count`, VictoriaMetrics `count_over_time`) holds every reading the broker acknowledged. ' +
      'Drain: from the last PUBACK of the broker to that moment. Store alone: the same server, batched line-protocol writes of 5,000 points, 4 at once, nothing else running.',
    '',
    '| shape | offered readings/s | stored end to end readings/s | drain ms | late | connections lost | gw CPU % | gw RSS peak MiB | gw disk bytes/reading | store alone readings/s | ratio | counts | targets |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|'];
  for (const r of rows) {
    const targets = r.targets.map((t) => `${t.text}: ${t.met ? 'yes' : '**no**'}`).join('; ');
    lines.push(`| ${r.name} | ${n(r.offeredReadingsPerS)} | ${n(r.endToEndReadingsPerS)} | ${n(r.drainMs)} | ${n(r.lateReadings)} | ${r.connectionsLost} | ${r.gateway.cpuPercent} | ${r.gateway.rssPeakMiB} | ${n(r.diskBytesPerReading)} | ` +
      `${r.storeAloneReadingsPerS === undefined ? '–' : n(r.storeAloneReadingsPerS)} | ${r.ratioToStore === undefined ? '–' : `${Math.round(r.ratioToStore * 100)} %`} | ${r.countsOk ? 'ok' : `MISMATCH: ${r.detail}`} | ${targets} |`);
  }
  lines.push('', ...rows.map((r) => `- **${r.name}**: ${r.title}; ${n(r.publishedReadings)} readings in ${Math.round(r.loadMs / 100) / 10} s of load; ${r.detail}.`));
  return lines;
}

/**
 * The single-reading window sweep: the broker alone and the gateway (short runs) at each window. The ceiling is the
 * broker's best window, the sustained single-qos1 run uses the gateway's best.
 */
function windowTable(r: BenchReport): string[] {
  if (r.ceilings === undefined) return [];
  const sweep = r.shapes.find((s) => s.windowSweep !== undefined)?.windowSweep ?? [];
  const lines = ['## Window sweep, 1 reading/msg QoS 1 (short runs)', '', '| in flight per device | broker alone msg/s | gateway msg/s | gateway / broker |', '|---:|---:|---:|---:|'];
  for (const b of r.ceilings.brokerByWindow) {
    const g = sweep.find((w) => w.inflight === b.inflight);
    const gateway = g === undefined ? '–' : `${n(g.messagesPerS)}${g.countsOk === false ? ' (counts MISMATCH)' : ''}`;
    lines.push(`| ${b.inflight} | ${n(b.messagesPerS)} | ${gateway} | ${g === undefined ? '–' : `${Math.round((g.messagesPerS / Math.max(1, b.messagesPerS)) * 100)} %`} |`);
  }
  return [...lines, ''];
}

/**
 * Rate-mode shapes run again against the broker alone at the same load (ShapeSpec.latencyReference): what part of
 * the latency the MQTT front and the machine take before any ingest.
 */
function latencyTable(r: BenchReport): string[] {
  const rows = r.shapes.filter((s) => s.brokerAlone !== undefined);
  if (rows.length === 0) return [];
  const lines = ['## Latency at the same load: gateway and broker alone', '',
    '| shape | gateway msg/s | broker alone msg/s | gateway p50 ms | gateway p99 ms | broker alone p50 ms | broker alone p99 ms | gateway CPU % | broker alone CPU % | generator CPU % (gateway run / broker run) |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|'];
  for (const s of rows) {
    const b = s.brokerAlone!;
    lines.push(`| ${s.name} | ${n(s.messagesPerS)} | ${n(b.messagesPerS)} | ${s.latency.p50} | ${s.latency.p99} | ${b.latency.p50} | ${b.latency.p99}${b.countsOk ? '' : ' (counts MISMATCH)'} | ` +
      `${s.gateway.cpuPercent} | ${b.cpuPercent} | ${s.generatorCpuPercent} / ${b.generatorCpuPercent} |`);
  }
  return [...lines, ''];
}

/** A histogram bucket bound, ms; Infinity when the quantile is beyond the last finite bucket. */
function ms(bound: number): string {
  return Number.isFinite(bound) ? String(bound) : 'beyond the last bucket';
}
