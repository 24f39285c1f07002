/** The rules bench's Markdown: the targets, then each part's figures and what they were measured on. */
import type { RulesBenchReport } from './run.js';

const n = (x: number): string => Math.round(x).toLocaleString('en');
const pct = (ratio: number): string => `${Math.round(ratio * 1000) / 10} %`;
const yes = (ok: boolean): string => (ok ? 'yes' : '**no**');
/** A latency, ms; null: beyond the bench's wait (probes whose flag never showed, the histogram's last bucket). */
const ms = (x: number | null): string => (x === null ? '> 30,000' : String(x));

const bound = (x: number | null): string => (x === null ? '> 30,000 ms' : `<= ${x} ms`);

export function rulesMarkdown(r: RulesBenchReport): string {
  const t = r.throughput;
  const l = r.latency;
  const p = r.replay;
  const scaled = r.mode === 'full' ? '' : ` (the targets are for the full size; this is ${r.mode})`;
  const lines = [
    `# Coldtrace rules bench (${r.mode}), ${r.startedAt}`,
    '',
    `Machine: ${r.machine.cpus} × ${r.machine.cpuModel}, ${r.machine.memGiB} GiB, Node ${r.machine.node}, Linux ${r.machine.kernel}. ` +
      `Gateway built from ${r.gatewayBuild}. Total ${Math.round(r.durationS)} s.`,
    '',
    `## Targets${scaled}`,
    '',
    '| figure | measured | target | met |',
    '|---|---:|---|---|',
    ...r.targets.map((x) => `| ${x.figure} | ${x.measured} | ${x.target} | ${yes(x.met)} |`),
    '',
    `## Rule evaluation throughput, one core (${t.msPerFamily / 1000} s per family after a warm-up)`,
    '',
    `A batch: pharma-2-8 with an Arrhenius shelf-life model, 7 days of 60 s readings over 3 custody legs (cold room, 2 sensors; truck, its tracker; cold room, 2 sensors): ` +
      `${n(t.batchReadings)} temperature readings. A shipment: one tracker, 2 days of 30 s readings (temperature, shock, vibration, free falls, GPS; a 40 min silence): ` +
      `${n(t.shipmentReadings)} readings, ${n(t.gpsFixes)} fixes.`,
    '',
    '| family | what | readings per call | ms per call | readings/s | ns/reading | found |',
    '|---|---|---:|---:|---:|---:|---|',
    ...t.families.map((f) => `| ${f.family} | ${f.what} | ${n(f.readingsPerCall)} | ${f.msPerCall} | ${n(f.readingsPerS)} | ${f.nsPerReading} | ${f.rules.length === 0 ? '–' : f.rules.join(', ')} |`),
    '',
    `## Ingest with custody and rules on against both off (${r.registry.counts.batches.toLocaleString('en')} batches, ${r.registry.counts.devices.toLocaleString('en')} devices in the registry)`,
    '',
    '| shape | custody + rules on, readings/s | both off | ratio (per repetition) | CPU µs/reading on / off | ratio by CPU | custody alone / off |',
    '|---|---:|---:|---|---:|---:|---:|',
    ...r.ingest.map((x) => `| ${x.shape} | ${n(x.rulesReadingsPerS)} | ${n(x.offReadingsPerS)} | ${pct(x.ratio)} (${x.pairRatios.map(pct).join(', ')}) | ${x.rulesCpuUsPerReading} / ${x.offCpuUsPerReading} | ${pct(x.cpuRatio)} | ${pct(x.custodyRatio)} |`),
    '',
    ...r.ingest.map((x) => `- **${x.shape}** (${x.title}; ${x.durationS} s per run, ${x.repetitions} of each variant, interleaved, each on a fresh copy of the registry): ` +
      x.comparison.runs.map((u) => `${u.custody === 'rules' ? 'custody+rules' : u.custody} ${n(u.readingsPerS)} (p99 ${u.p99Ms} ms, ${u.cpuUsPerReading} µs/reading${u.countsOk ? '' : `, ${u.detail}`})`).join('; ') +
      `. Counts agree and custody linked every reading: ${yes(x.countsOk)}.`),
    '',
    '## Flag latency at half of peak',
    '',
    `${l.devices} registered zone sensors at ${n(l.offeredMessagesPerS)} msg/s offered (half of ${n(l.peakMessagesPerS)}, the single-reading peak with custody and rules on above), ` +
      `${n(l.loadMessagesPerS)} acknowledged, ack p99 ${l.loadP99Ms} ms. ${l.probes} probes, one a second: a reading above its own batch's instant limit, then GET /api/v1/flags?subject=batch:… every 10 ms for a second, every 100 ms after, for at most 30 s.`,
    '',
    '| from -> to | probes with a flag | p50 | p95 | p99 | max (ms) |',
    '|---|---:|---:|---:|---:|---:|',
    `| PUBACK (after the commit) -> flag visible in the API | ${l.ackToVisible.count} | ${ms(l.ackToVisible.p50)} | ${ms(l.ackToVisible.p95)} | ${ms(l.ackToVisible.p99)} | ${ms(l.ackToVisible.max)} |`,
    `| publish -> flag visible (upper bound) | ${l.publishToVisible.count} | ${ms(l.publishToVisible.p50)} | ${ms(l.publishToVisible.p95)} | ${ms(l.publishToVisible.p99)} | ${ms(l.publishToVisible.max)} |`,
    `| PUBACK -> the alarm received by the notification webhook (1 s group wait included) | ${l.ackToNotified.count} | ${ms(l.ackToNotified.p50)} | ${ms(l.ackToNotified.p95)} | ${ms(l.ackToNotified.p99)} | ${ms(l.ackToNotified.max)} |`,
    `| flag visible -> notified, per probe (what the notification path adds) | ${l.visibleToNotified.count} | ${ms(l.visibleToNotified.p50)} | ${ms(l.visibleToNotified.p95)} | ${ms(l.visibleToNotified.p99)} | ${ms(l.visibleToNotified.max)} |`,
    `| publish -> PUBACK | ${l.publishToAck.count} | ${ms(l.publishToAck.p50)} | ${ms(l.publishToAck.p95)} | ${ms(l.publishToAck.p99)} | ${ms(l.publishToAck.max)} |`,
    '',
    `Probes whose flag never showed: ${l.missing}. The gateway's coldtrace_rules_flag_latency_seconds over the same window (every batch the load marked, ` +
      `first marking commit -> reconciled, bucket bounds): ${n(l.histogram.count)} evaluations, p50 ${bound(l.histogram.p50Ms)}, p99 ${bound(l.histogram.p99Ms)}.`,
    '',
    '## Replay',
    '',
    `\`node gateway/dist/cli/rules.js replay\` as a child process on ${p.devices} devices (${p.size.zoneSensors} zone sensors every 60 s, temperature and humidity; ` +
      `${p.size.trackers} trackers every 30 s on 20 h shipments, temperature and GPS), ${p.size.hours} h: ${n(p.readings)} readings (${p.readingsFileMiB} MiB of JSON lines), ` +
      `${n(p.batches)} batches. ${p.seconds} s start to exit, ${n(p.readingsPerS)} readings/s; ${n(p.flags)} flags (${Object.entries(p.flagsByFamily).map(([k, c]) => `${k} ${c}`).join(', ') || 'none'}); ` +
      `batches and readings as in the files: ${yes(p.countsOk)}.`,
  ];
  return `${lines.join('\n')}\n`;
}
