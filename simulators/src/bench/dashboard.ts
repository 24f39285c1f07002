/**
 * `npm run bench -- --dashboard`: the live dashboard with 500 devices (issue #16). A gateway process (SQLite, rules
 * off) receives 500 devices publishing a temperature and a humidity every 5 s over MQTT (10 nodes of 50 devices,
 * QoS 1); Debian's Chromium (playwright-core) opens the dashboard. Measured:
 *
 * - first paint: navigation start to every one of the 500 device rows showing a temperature value, over fresh loads;
 * - commit to page: a probe device publishes a new value; from its PUBACK (the gateway acknowledges a reading once it
 *   is committed) to the value in the page, seen by a MutationObserver in the page (one clock: same machine); then
 *   the same with the page's live stream (GET /api/v1/live/devices) refused, which leaves its 2 s poll alone.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { dataTopic } from '@coldtrace/contract';
import { spawnGateway } from './processes.js';
import type { BenchMode } from './shapes.js';

const CHROMIUM = '/usr/bin/chromium';
const NODES = 10;
const PER_NODE = 50;
const PERIOD_MS = 5000;

export const DASHBOARD_BENCH_SIZES: Readonly<Record<BenchMode, { loads: number; probes: number }>> = {
  smoke: { loads: 2, probes: 3 }, quick: { loads: 10, probes: 20 }, full: { loads: 20, probes: 50 },
};

export interface Timing { readonly n: number; readonly p50Ms: number; readonly p99Ms: number; readonly maxMs: number; readonly samplesMs: number[] }

export interface DashboardBenchReport {
  readonly mode: BenchMode;
  readonly startedAt: string;
  readonly machine: { readonly cpus: number; readonly cpuModel: string; readonly loadAvg1: number };
  readonly devices: number;
  readonly firstPaint: Timing;
  readonly commitToPage: Timing;
  /** The same with the page's live stream refused: its 2 s poll alone (the page before the stream). */
  readonly commitToPagePolling: Timing;
}

function timing(samples: number[]): Timing {
  const s = [...samples].sort((a, b) => a - b);
  const pct = (p: number): number => Math.round(s[Math.min(s.length - 1, Math.floor(p * s.length))]!);
  return { n: s.length, p50Ms: pct(0.5), p99Ms: pct(0.99), maxMs: pct(1), samplesMs: samples.map(Math.round) };
}

/** 500 devices, each a reading pair every PERIOD_MS, spread evenly over the period. */
async function startDevices(mqttUrl: string): Promise<{ clients: MqttClient[]; stop: () => void }> {
  const clients = await Promise.all(Array.from({ length: NODES }, (_, n) => mqtt.connectAsync(mqttUrl, { clientId: `bench-dash-${n}`, reconnectPeriod: 0 })));
  const timers: NodeJS.Timeout[] = [];
  let seq = 1;
  for (let d = 0; d < NODES * PER_NODE; d++) {
    const n = d % NODES;
    const send = (): void => {
      const time = Date.now();
      const payload = { v: 1, seq: seq++, time, readings: [{ metric: 'temperature', value: 4 + (d % 40) / 10, unit: 'Cel', time }, { metric: 'humidity', value: 50 + (d % 20), unit: '%RH', time }] };
      clients[n]!.publish(dataTopic('bench', `node-${n}`, `dev-${d}`), JSON.stringify(payload), { qos: 1 });
    };
    send();
    timers.push(setTimeout(() => timers.push(setInterval(send, PERIOD_MS)), (d * PERIOD_MS) / (NODES * PER_NODE)));
  }
  return { clients, stop: () => { for (const t of timers) clearInterval(t); } };
}

// The page-side functions are JavaScript text: this package is compiled without the DOM's types.

/** True once `n` device rows show a temperature. */
const ALL_SHOWN = `(n) => {
  let shown = 0;
  for (const c of document.querySelectorAll('#devices-body tr[data-device] td[data-metric="temperature"]')) if (c.textContent !== '—' && c.textContent !== '') shown++;
  return shown >= n;
}`;

/** Records in window.seenAt when the row `k`'s temperature first reads each value (Date.now: the machine's clock). */
const WATCH = `(k) => {
  window.seenAt = {};
  const look = () => {
    const cell = document.querySelector('#devices-body tr[data-device="' + k + '"] td[data-metric="temperature"]');
    const v = cell === null ? NaN : parseFloat(cell.textContent ?? '');
    if (!Number.isNaN(v) && window.seenAt[String(v)] === undefined) window.seenAt[String(v)] = Date.now();
  };
  new MutationObserver(look).observe(document.getElementById('devices-body'), { childList: true, subtree: true, characterData: true });
  look();
}`;

/** Navigation to every device row showing a temperature, ms. */
async function firstPaint(page: Page, url: string, devices: number): Promise<number> {
  const t0 = Date.now();
  await page.goto(url, { waitUntil: 'commit' });
  await page.waitForFunction(`(${ALL_SHOWN})(${devices})`, undefined, { polling: 'raf', timeout: 60_000 });
  return Date.now() - t0;
}

export async function runDashboardBench(o: { mode: BenchMode; startedAt: Date; log: (s: string) => void }): Promise<DashboardBenchReport> {
  const size = DASHBOARD_BENCH_SIZES[o.mode];
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: install chromium (scripts/test.sh does)`);
  const dir = await mkdtemp(join(tmpdir(), 'ct-bench-dashboard-'));
  const gateway = await spawnGateway({ COLDTRACE_DATA_DIR: join(dir, 'gw'), COLDTRACE_RULES: 'off' });
  let context: BrowserContext | undefined;
  let devices: { clients: MqttClient[]; stop: () => void } | undefined;
  let probe: MqttClient | undefined;
  try {
    const http = gateway.ready['httpUrl']!;
    const mqttUrl = gateway.ready['mqttUrl']!;
    devices = await startDevices(mqttUrl);
    probe = await mqtt.connectAsync(mqttUrl, { clientId: 'bench-dash-probe', reconnectPeriod: 0 });
    const probeAt = async (value: number): Promise<number> => {
      const time = Date.now();
      await probe!.publishAsync(dataTopic('bench', 'node-probe', 'probe'), JSON.stringify({ v: 1, seq: Math.floor(value * 10), time, readings: [{ metric: 'temperature', value, unit: 'Cel', time }] }), { qos: 1 });
      return Date.now();
    };
    await probeAt(1);
    const total = NODES * PER_NODE + 1;
    for (let seen = 0; seen < total;) {
      const res = await fetch(`${http}/api/v1/devices`);
      seen = ((await res.json()) as { devices: unknown[] }).devices.length;
      if (seen < total) await new Promise((r) => setTimeout(r, 200));
    }
    o.log(`dashboard: ${total} devices reporting`);
    context = await chromium.launchPersistentContext(join(dir, 'chromium'), {
      // bypassCSP: the page's policy forbids evaluating text, which is how the measuring functions get in.
      executablePath: CHROMIUM, headless: true, viewport: { width: 1300, height: 900 }, bypassCSP: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    const page = context.pages()[0] ?? await context.newPage();
    const paints: number[] = [];
    for (let i = 0; i < size.loads; i++) {
      // A fresh load each time, like a manager opening the dashboard (the browser cache keeps the static files).
      await page.goto('about:blank');
      paints.push(await firstPaint(page, `${http}/`, total));
    }
    o.log(`dashboard: first paint of ${total} devices p50 ${timing(paints).p50Ms} ms`);
    const lags = async (): Promise<number[]> => {
      await page.goto(`${http}/`);
      await page.waitForFunction(`(${ALL_SHOWN})(${total})`, undefined, { timeout: 60_000 });
      await page.evaluate(`(${WATCH})(${JSON.stringify('bench/node-probe/probe')})`);
      const out: number[] = [];
      for (let k = 0; k < size.probes; k++) {
        // Spread over the page's refresh phase: a random pause before each probe.
        await new Promise((r) => setTimeout(r, 500 + Math.random() * 2500));
        const value = 10 + probes++;
        const acked = await probeAt(value);
        const handle = await page.waitForFunction(`window.seenAt[${JSON.stringify(String(value))}]`, undefined, { polling: 50, timeout: 30_000 });
        out.push((await handle.jsonValue() as number) - acked);
      }
      return out;
    };
    let probes = 0;
    const pushed = await lags();
    o.log(`dashboard: commit to page p50 ${timing(pushed).p50Ms} ms, p99 ${timing(pushed).p99Ms} ms`);
    // The page as it was before the live stream of readings: its stream refused, it reads at its 2 s poll only.
    await page.route('**/api/v1/live/devices', (route) => route.abort());
    const polled = await lags();
    o.log(`dashboard: polling only: commit to page p50 ${timing(polled).p50Ms} ms, p99 ${timing(polled).p99Ms} ms`);
    const report: DashboardBenchReport = {
      mode: o.mode, startedAt: o.startedAt.toISOString(), machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', loadAvg1: loadavg()[0]! },
      devices: total, firstPaint: timing(paints), commitToPage: timing(pushed), commitToPagePolling: timing(polled),
    };
    return report;
  } finally {
    devices?.stop();
    await Promise.all([...(devices?.clients ?? []), ...(probe !== undefined ? [probe] : [])].map((c) => c.endAsync()));
    await context?.close();
    await gateway.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

export async function writeDashboardReport(r: DashboardBenchReport, out: string): Promise<{ stem: string; md: string }> {
  await mkdir(out, { recursive: true });
  const stem = join(out, `${r.startedAt.replace(/[:.]/g, '-')}-dashboard-${r.mode}`);
  const row = (name: string, t: Timing, target: string): string => `| ${name} | ${t.n} | ${t.p50Ms} | ${t.p99Ms} | ${t.maxMs} | ${target} |`;
  const md = [
    `# Dashboard with ${r.devices} devices (#16), ${r.mode}`, '',
    `Gateway process, ${r.devices - 1} devices publishing every ${PERIOD_MS / 1000} s and a probe; headless Chromium on the same machine; ${r.machine.cpus} × ${r.machine.cpuModel}, load average ${r.machine.loadAvg1.toFixed(1)} at the end.`, '',
    '| measure | samples | p50 ms | p99 ms | max ms | target |', '|---|---:|---:|---:|---:|---|',
    row('navigation to all devices\' values shown', r.firstPaint, '< 1000 ms'),
    row('commit (PUBACK) to the value in the page', r.commitToPage, '< 2000 ms'),
    row('the same, live stream refused (2 s poll only)', r.commitToPagePolling, '< 2000 ms'), '',
  ].join('\n');
  await writeFile(`${stem}.json`, `${JSON.stringify(r, null, 2)}\n`);
  await writeFile(`${stem}.md`, md);
  return { stem, md };
}
