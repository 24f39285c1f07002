/** The registry bench's Markdown: one table of figures, targets and ratios, then the details behind them. */
import type { RegistryBenchReport } from './run.js';

const n = (x: number): string => Math.round(x).toLocaleString('en');
const mib = (bytes: number): string => (bytes / 2 ** 20).toFixed(1);
const pct = (ratio: number): string => `${Math.round(ratio * 1000) / 10} %`;
const signed = (x: number): string => `${x >= 0 ? '+' : '−'}${Math.abs(Math.round(x * 10) / 10)}`;
/** Background work an import left: shown when the gateway stayed busy after answering. */
const busy = (p: { busyAfterS: number; stillBusy: boolean }): string =>
  (p.busyAfterS > 2 ? `; then busy ${p.stillBusy ? 'for more than ' : ''}${Math.round(p.busyAfterS)} s more in the background${p.stillBusy ? ' (the bench went on)' : ''}` : '');
const yes = (ok: boolean): string => (ok ? 'yes' : '**no**');

export function registryMarkdown(r: RegistryBenchReport): string {
  const i = r.import;
  const q = r.queries;
  const entities = Object.values(r.counts).reduce((a, b) => a + b, 0);
  const scaled = r.mode === 'full' ? '' : ` (the targets are for the full size; this is ${r.mode})`;
  const lines = [
    `# Coldtrace registry bench (${r.mode}), ${r.startedAt}`,
    '',
    `Machine: ${r.machine.cpus} × ${r.machine.cpuModel}, ${r.machine.memGiB} GiB, Node ${r.machine.node}, Linux ${r.machine.kernel}. ` +
      `Gateway in its own process (embedded broker, SQLite), built from ${r.gatewayBuild}. Total ${Math.round(r.durationS)} s.`,
    '',
    `Registry: ${Object.entries(r.counts).map(([k, c]) => `${n(c)} ${k}`).join(', ')} (${n(entities)} entities); generated in ${(r.generateMs / 1000).toFixed(1)} s, ` +
      `written in ${(r.writeMs / 1000).toFixed(1)} s as ${i.parts === 1 ? `one document of ${mib(i.bytes)} MiB` : `**${i.parts} documents** in dependency order (${r.documentParts.map((p) => `${mib(p.bytes)} MiB: ${Object.keys(p.counts).join(', ')}`).join('; ')}): one would exceed the longest string a request body can be read into`}.`,
    '',
    `## Figures${scaled}`,
    '',
    '| figure | measured | target | met |',
    '|---|---:|---|---|',
    `| import through PUT /api/v1/registry${i.parts === 1 ? '' : ` (${i.parts} requests)`} | ${i.first.seconds.toFixed(1)} s, ${n(i.rowsPerS)} rows/s${busy(i.first)} | < 60 s | ${yes(i.first.seconds < 60 && i.createdOk)} |`,
    `| re-import of the same document | ${i.again.seconds.toFixed(1)} s, ${i.idempotent ? 'every count unchanged' : 'NOT all unchanged'}${busy(i.again)} | idempotent | ${yes(i.idempotent)} |`,
    `| document size | ${mib(i.bytes)} MiB | – | – |`,
    `| registry.db | ${mib(i.registryDbBytes)} MiB | – | – |`,
    `| gateway RSS: fresh / import peak / after import / after re-import (each once idle) | ${i.rss.freshMiB} / ${i.rss.importPeakMiB} / ${i.rss.afterImportMiB} / ${i.rss.afterReimportMiB} MiB | – | – |`,
    `| gateway RSS after a restart with the registry loaded (the registry's cost over fresh) | ${i.rss.restartedMiB} MiB (${signed(i.rss.restartedMiB - i.rss.freshMiB)}) | – | – |`,
    `| gateway stop after the imports (idle) / start with the registry | ${n(i.stopMs)} / ${n(i.restartMs)} ms | – | – |`,
  ];
  for (const c of r.custody) {
    lines.push(`| ${c.shape}: readings/s custody on / off${r.gatewayHasRules ? ' (rules off in both)' : ''} | ${n(c.onReadingsPerS)} / ${n(c.offReadingsPerS)} = ${pct(c.ratio)} | >= 90 % | ${yes(c.ratio >= 0.9 && c.linkedOk)} |`);
    if (c.rulesReadingsPerS !== undefined) lines.push(`| ${c.shape}: readings/s custody and rules on (defaults) / off | ${n(c.rulesReadingsPerS)} / ${n(c.offReadingsPerS)} = ${pct(c.rulesRatio ?? 0)} | – | – |`);
  }
  const e = q.evidence;
  lines.push(
    `| order timeline, ${n(q.timeline.count)} random orders, ${n(q.prefill.readings)} readings stored: p50 / p95 / p99 / max | ${q.timeline.p50} / ${q.timeline.p95} / ${q.timeline.p99} / ${q.timeline.max} ms | p99 < 50 ms | ${yes(q.timeline.p99 < 50 && q.timeline.errors === 0)} |`,
    `| order evidence ?limit=${e.limit}, ${n(e.count)} orders: p50 / p99 / max | ${e.p50} / ${e.p99} / ${e.max} ms | – | – |`,
    '',
    '## Details',
    '',
    `- **Import**: ${i.parts === 1 ? 'one transaction' : `${i.parts} transactions (${i.first.partSeconds.map((s) => `${s.toFixed(1)} s`).join(', ')})`}; applied ` +
      `${Object.entries(i.first.applied).map(([k, c]) => `${k} +${n(c.created)}`).join(', ')}; every entity created: ${yes(i.createdOk)}. Re-import: ` +
      `${Object.entries(i.again.applied).map(([k, c]) => `${k} =${n(c.unchanged)}${c.created + c.updated + c.deleted > 0 ? ` (+${c.created} ~${c.updated} -${c.deleted})` : ''}`).join(', ')}. ` +
      `Times are request sent to answer read (upload, parse, checks, one transaction, custody index rebuilt); ` +
      `"busy in the background": CPU of the gateway process above 10 % of a core after the answer. After the restart: ${i.resolveCheck}.`,
  );
  for (const c of r.custody) {
    const runs = c.runs.map((x) => `${x.custody === 'rules' ? 'custody+rules' : x.custody} ${n(x.readingsPerS)} (linked ${n(x.linked)}, unlinked ${n(x.unlinked)}, p99 ${x.p99Ms} ms, gw CPU ${x.gatewayCpuPercent} % = ${x.cpuUsPerReading} µs/reading, GC ${x.gcSeconds} s, RSS peak ${x.rssPeakMiB} MiB${x.countsOk ? '' : `, ${x.detail}`})`);
    lines.push(`- **${c.shape}** (${c.devices} registered zone sensors, ${c.readingsPerMessage} readings/msg, ${c.inflightPerDevice} in flight, ${c.durationS} s per run, fresh data directory with the registry each run): ` +
      `${runs.join('; ')}. On / off per repetition: ${c.pairRatios.map(pct).join(', ')}. With custody on every reading linked to its zone and counts agree: ${yes(c.linkedOk)}.`);
  }
  lines.push(
    `- **History**: ${n(q.prefill.readings)} readings of ${n(q.prefill.devices)} devices every 5 min (temperature, humidity), ${new Date(q.prefill.from).toISOString()} .. ${new Date(q.prefill.end).toISOString()}, ` +
      `written straight into the store in ${Math.round(q.prefill.ms / 1000)} s; telemetry.db ${mib(q.telemetryDbBytes)} MiB. Gateway start on it ${n(q.startMs)} ms, RSS ${q.rssMiB} MiB.`,
    `- **Timeline**: ${n(q.timeline.warmup)} orders of warm-up, then ${n(q.timeline.count)} random orders one at a time; ${q.timeline.eventsMean} events each on average; mean ${q.timeline.mean} ms; ${q.timeline.errors} errors${q.timeline.firstError !== undefined ? ` (${q.timeline.firstError})` : ''}.`,
    `- **Evidence**: ${n(e.count)} orders (after ${n(e.warmup)} of warm-up) drawn from ${q.evidenceInHistory ? `the ${n(q.evidenceCandidates)} whose shipment left within the stored history` : `the latest ${n(q.evidenceCandidates)} (too few shipments left within the stored history)`}; ` +
      `${n(e.readingsMean)} readings and ${e.segmentsMean} custody segments per answer on average, ${e.withReadings} answers with readings, ${e.truncated} cut at the limit; p95 ${e.p95} ms, mean ${e.mean} ms; ${e.errors} errors${e.firstError !== undefined ? ` (${e.firstError})` : ''}.`,
  );
  return `${lines.join('\n')}\n`;
}
