/**
 * After the past, at 1x (`--live`): the series whose custody is still open at the scenario's "now" (the warehouse's
 * zone sensors) go on following their curve, a reading per interval at its wall-clock time. The first round
 * catches up from the end of the past to the wall clock (the replay took time), so the zone series has no hole
 * longer than one interval. Seq numbers continue where the replay left them, or, when the past was replayed by an
 * earlier run, after the highest the gateway stored.
 */
import type { Logger } from 'pino';
import { storedReadings } from './gateway-api.js';
import { planMessages } from './messages.js';
import { closeNodes, connectNodes, publish } from './runner.js';
import type { Scenario, ScenarioReading } from './types.js';
import type { LoginOf } from './login.js';

export interface LiveOptions {
  readonly httpUrl: string;
  readonly mqttUrl: string;
  /** Device time of the last reading already sent per series; the next is one interval later. */
  readonly afterMs: number;
  /** Seq per device to go on with; devices missing here continue after the highest seq stored. */
  readonly nextSeq?: ReadonlyMap<string, number>;
  readonly signal: AbortSignal;
  readonly logger?: Logger;
  /** How each node logs in to the broker. Default: no credentials. */
  readonly login?: LoginOf;
  /** Wall clock, ms. Default Date.now. */
  readonly now?: () => number;
}

/** The readings of `s.live` due in (afterMs, untilMs], in time order. */
export function dueReadings(s: Scenario, afterMs: number, untilMs: number): ScenarioReading[] {
  const out: ScenarioReading[] = [];
  for (const series of s.live) {
    const first = (Math.floor(afterMs / series.intervalMs) + 1) * series.intervalMs;
    for (let t = first; t <= untilMs; t += series.intervalMs) out.push({ device: series.device, metric: series.metric, unit: series.unit, time: t, value: series.value(t) });
  }
  return out.sort((a, b) => a.time - b.time);
}

/** Highest seq stored for the device over the last two days, plus one (0 when none). */
async function seqAfterStored(httpUrl: string, device: string, nowMs: number): Promise<number> {
  const rs = await storedReadings(httpUrl, device, nowMs - 2 * 86_400_000, nowMs + 3_600_000);
  return rs.reduce((m, r) => Math.max(m, r.seq + 1), 0);
}

/** Runs until `signal` aborts; resolves then. Nothing to do when the scenario has no live series. */
export async function runLive(s: Scenario, o: LiveOptions): Promise<void> {
  if (s.live.length === 0 || o.signal.aborted) return;
  const now = o.now ?? Date.now;
  const seq = new Map(o.nextSeq ?? []);
  for (const device of new Set(s.live.map((l) => l.device))) if (!seq.has(device)) seq.set(device, await seqAfterStored(o.httpUrl, device, now()));
  const clients = await connectNodes(s, o.mqttUrl, o.login);
  const log = o.logger?.child({ scenario: s.name });
  const step = Math.min(...s.live.map((l) => l.intervalMs));
  let after = o.afterMs;
  log?.info({ devices: [...new Set(s.live.map((l) => l.device))], from: new Date(after).toISOString() }, 'going on live at 1x');
  try {
    while (!o.signal.aborted) {
      const until = now();
      const due = dueReadings(s, after, until);
      if (due.length > 0) {
        const messages = planMessages(due, s.sources, { sliceMs: step, firstSeq: seq });
        for (const m of messages) {
          await publish(clients, m);
          seq.set(m.device, m.seq + 1);
        }
        after = due[due.length - 1]!.time;
      }
      const next = (Math.floor(after / step) + 1) * step;
      await new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          o.signal.removeEventListener('abort', done);
          resolve();
        };
        const timer = setTimeout(done, Math.max(50, next - now()));
        o.signal.addEventListener('abort', done, { once: true });
      });
    }
  } finally {
    await closeNodes(clients);
  }
}
