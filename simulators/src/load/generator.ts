/**
 * The load generator: N live devices (rate mode or closed loop), optional store-and-forward replay devices, counts
 * of what was published and acknowledged, and latency from message creation (= device time) to PUBACK, which the
 * gateway sends only after the readings are durable.
 */
import { performance } from 'node:perf_hooks';
import { LatencyHistogram, type LatencySummary } from './latency.js';
import { LoadDevice, type DeviceSink, type TrafficKind } from './device.js';
import { DEFAULT_LOAD_OPTIONS, type LoadOptions } from './options.js';

export interface TrafficCounts {
  messages: number;
  readings: number;
  /** Malformed messages (no readings counted for them). */
  malformed: number;
}

export interface LoadResult {
  /** The run's options; of the credentials only how many there were (a result file never holds a secret). */
  readonly options: Omit<LoadOptions, 'url' | 'credentials'> & { readonly credentials?: number };
  readonly devicesConnected: number;
  readonly connectFailures: number;
  /** Time to open every connection, ms. */
  readonly connectMs: number;
  /** Measured run, ms (from the first publish to the end of `durationMs`). */
  readonly durationMs: number;
  /** Time spent waiting for the last PUBACKs after the run, ms. */
  readonly drainMs: number;
  readonly published: Record<TrafficKind, TrafficCounts>;
  readonly acked: Record<TrafficKind, TrafficCounts>;
  /** In flight when a connection closed: not acknowledged. */
  readonly lost: { messages: number; readings: number };
  /** Rate mode: messages dropped because a device's outbox was full. */
  readonly dropped: number;
  /** Messages still queued or in flight when the drain timed out. */
  readonly unfinished: number;
  /** Acknowledged readings per second during the measured run (live + replay). */
  readonly ackedReadingsPerS: number;
  readonly ackedMessagesPerS: number;
  /** Acknowledged readings in each second of the run. */
  readonly timeline: number[];
  readonly latency: Record<TrafficKind, LatencySummary>;
  /** Live latency of the messages created after the warm-up (`warmupMs`): the sustained figure. */
  readonly latencySteady: LatencySummary;
  /** Live latency p50/p99 of the PUBACKs that arrived in each second of the run, ms. */
  readonly latencyPerSecond: { p50: number; p99: number }[];
  /** When replay was on: ms from its start to its last PUBACK. */
  readonly replayMs?: number;
}

const zero = (): TrafficCounts => ({ messages: 0, readings: 0, malformed: 0 });

/** Runs one load shape against a broker and resolves with its counts. Closes every connection before resolving. */
export async function runLoad(partial: Partial<LoadOptions> & Pick<LoadOptions, 'url'>): Promise<LoadResult> {
  const o: LoadOptions = { ...DEFAULT_LOAD_OPTIONS, ...partial };
  const { hostname, port } = new URL(o.url);
  const host = hostname.replace(/^\[|\]$/g, '');
  const published = { live: zero(), replay: zero() };
  const acked = { live: zero(), replay: zero() };
  const hist = { live: new LatencyHistogram(), replay: new LatencyHistogram() };
  const steady = new LatencyHistogram();
  const perSecond: LatencyHistogram[] = [];
  const lost = { messages: 0, readings: 0 };
  let dropped = 0;
  let runStart = 0;
  let runEnd = Infinity;
  let replayStart = 0;
  let replayDone = 0;
  const timeline: number[] = [];
  let ackedInRun = { readings: 0, messages: 0 };
  const sink: DeviceSink = {
    published: (k, readings, malformed) => {
      const c = published[k];
      c.messages++; c.readings += readings; if (malformed) c.malformed++;
    },
    acked: (k, readings, malformed, ms) => {
      const c = acked[k];
      c.messages++; c.readings += readings; if (malformed) c.malformed++;
      hist[k].record(ms);
      const now = performance.now();
      if (k === 'live' && now - ms - runStart >= o.warmupMs) steady.record(ms);
      if (now <= runEnd) {
        ackedInRun.readings += readings; ackedInRun.messages++;
        const sec = Math.floor((now - runStart) / 1000);
        timeline[sec] = (timeline[sec] ?? 0) + readings;
        if (k === 'live') (perSecond[sec] ??= new LatencyHistogram()).record(ms);
      }
      if (k === 'replay') replayDone = now;
    },
    lost: (_k, messages, readings) => { lost.messages += messages; lost.readings += readings; },
    dropped: (n) => { dropped += n; },
  };

  const live = Array.from({ length: o.devices }, (_, i) => new LoadDevice({
    index: i, kind: 'live', site: o.site, prefix: o.devicePrefix, seed: o.seed, readingsPerMessage: o.readingsPerMessage,
    qos: o.qos, inflight: o.inflightPerDevice, malformedShare: o.malformedShare, outboxCap: o.outboxCap,
    ...loginOf(o, i),
  }, sink));
  const replayStartTime = Date.now() - (o.replay?.ageMs ?? 0);
  const replay = o.replay === undefined ? [] : Array.from({ length: o.replay.devices }, (_, i) => {
    const r = o.replay!;
    const d = new LoadDevice({
      index: i, kind: 'replay', site: o.site, prefix: `${o.devicePrefix}-replay`, seed: o.seed, readingsPerMessage: r.readingsPerMessage,
      qos: 1, inflight: r.inflightPerDevice, malformedShare: 0, outboxCap: 0, replayFrom: replayStartTime, stepMs: r.stepMs,
    }, sink);
    d.remaining = Math.floor(r.readings / r.devices) + (i < r.readings % r.devices ? 1 : 0);
    return d;
  });
  const all = [...live, ...replay];

  // Connect with bounded concurrency.
  const t0 = performance.now();
  let connectFailures = 0;
  let stopping = false;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < all.length) {
      const d = all[next++]!;
      try {
        await d.connect(host, Number(port), () => undefined);
      } catch {
        connectFailures++;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(o.connectConcurrency, all.length) }, worker));
  const connectMs = performance.now() - t0;
  const connected = all.filter((d) => d.connected).length;

  const closedLoop = o.ratePerDevice <= 0;
  for (const d of live) d.onRoom = closedLoop ? () => { if (!stopping) d.fill(); } : () => d.flushOutbox();
  for (const d of replay) d.onRoom = () => d.fill();

  runStart = performance.now();
  const timers: NodeJS.Timeout[] = [];
  if (closedLoop) {
    for (const d of live) d.fill();
  } else {
    // One scheduler for every device: the total rate is spread round-robin, so each device sends at its own rate
    // with the devices' phases evenly staggered. Every 1 ms: independent devices do not send in step, and a 5 ms tick
    // sent ~100 messages at once at half-peak, so the last of each burst queued behind the other 99 (p50 7 -> 4 ms).
    let credit = 0;
    let last = runStart;
    let cursor = 0;
    const tick = (): void => {
      const now = performance.now();
      const inBurst = o.burst !== undefined && now - runStart >= o.burst.atMs && now - runStart < o.burst.atMs + o.burst.durationMs;
      credit += ((now - last) / 1000) * o.ratePerDevice * o.devices * (inBurst ? o.burst!.factor : 1);
      last = now;
      while (credit >= 1 && !stopping) {
        credit--;
        live[cursor]!.due(now);
        cursor = (cursor + 1) % live.length;
      }
    };
    timers.push(setInterval(tick, 1));
  }
  if (o.replay !== undefined) {
    timers.push(setTimeout(() => { replayStart = performance.now(); for (const d of replay) d.fill(); }, o.replay.startAtMs));
  }
  await new Promise((r) => setTimeout(r, o.durationMs));
  stopping = true;
  runEnd = performance.now();
  for (const t of timers) clearInterval(t);
  const runMs = runEnd - runStart;
  const snapshot = ackedInRun;
  ackedInRun = { readings: 0, messages: 0 };

  // Drain: everything queued or in flight gets its PUBACK, or the drain times out. Replay finishes its backlog.
  const drainStart = performance.now();
  const outstanding = (): number => all.reduce((n, d) => n + (d.connected ? d.inFlight + d.queued + (d.remaining > 0 && d.remaining !== Infinity ? 1 : 0) : 0), 0);
  while (outstanding() > 0 && performance.now() - drainStart < o.drainTimeoutMs) await new Promise((r) => setTimeout(r, 20));
  const drainMs = performance.now() - drainStart;
  const unfinished = outstanding();
  for (const d of all) d.disconnect();
  await new Promise((r) => setTimeout(r, 50));
  for (const d of all) d.destroy();

  const { url: _url, credentials, ...rest } = o;
  const opts = { ...rest, ...(credentials !== undefined ? { credentials: credentials.size } : {}) };
  return {
    options: opts, devicesConnected: connected, connectFailures, connectMs: Math.round(connectMs), durationMs: Math.round(runMs),
    drainMs: Math.round(drainMs), published, acked, lost, dropped, unfinished,
    ackedReadingsPerS: Math.round(snapshot.readings / (runMs / 1000)), ackedMessagesPerS: Math.round(snapshot.messages / (runMs / 1000)),
    timeline: Array.from({ length: Math.ceil(runMs / 1000) }, (_, i) => timeline[i] ?? 0),
    latency: { live: hist.live.summary(), replay: hist.replay.summary() }, latencySteady: steady.summary(),
    latencyPerSecond: Array.from({ length: Math.ceil(runMs / 1000) }, (_, i) => {
      const h = perSecond[i];
      return h === undefined ? { p50: 0, p99: 0 } : { p50: Math.round(h.quantile(0.5) * 100) / 100, p99: Math.round(h.quantile(0.99) * 100) / 100 };
    }),
    ...(o.replay !== undefined ? { replayMs: Math.round(replayDone > replayStart ? replayDone - replayStart : 0) } : {}),
  };
}

/** Device `i`'s credential, when the run has them (LoadOptions.credentials); a missing one is a setup error. */
function loginOf(o: LoadOptions, i: number): { login?: { username: string; password: string; clientId: string } } {
  if (o.credentials === undefined) return {};
  const login = o.credentials.get(`${o.devicePrefix}-node-${i}`);
  if (login === undefined) throw new Error(`no MQTT credential for node ${o.devicePrefix}-node-${i}`);
  return { login };
}
