/**
 * Runs a scenario against a gateway (docs/scenarios.md, "How the runner works"): its readings first, in time order,
 * through MQTT with QoS 1 from one connection per node, at `speed` × real time (or as fast as they are acknowledged);
 * then it waits until the gateway has stored every one of them; only then it imports the registry. The rules then
 * judge the whole past in one go, with custody and data complete: no leg is judged while its readings are still on
 * the way, so no transient flag (a tracker "silence" that is only the replay lagging) reaches the order hub.
 */
import mqtt, { type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { dataTopic } from '@coldtrace/contract';
import { isRegistered, putRegistry, ScenarioError, storedReadings } from './gateway-api.js';
import { nextSeqs, payloadOf, planMessages, type PlannedMessage } from './messages.js';
import { MINUTE_MS, type Scenario } from './types.js';
import { anonymous, type LoginOf } from './login.js';

export interface ReplayOptions {
  readonly httpUrl: string;
  readonly mqttUrl: string;
  /** Device time replayed per unit of wall time (600: an hour in 6 s). Default: unpaced, as fast as acknowledged. */
  readonly speed?: number;
  /** Longest wait for the gateway to have stored every reading, ms. Default 120 s. */
  readonly commitTimeoutMs?: number;
  readonly logger?: Logger;
  /** Stops the replay between messages (it then rejects with E_ABORTED); the registry is not imported. */
  readonly signal?: AbortSignal;
  /** How each node logs in to the broker. Default: no credentials. */
  readonly login?: LoginOf;
}

export interface ReplayReport {
  readonly readings: number;
  readonly messages: number;
  /** Wall time from the first publish to the last PUBACK, then to every reading stored, ms. */
  readonly publishMs: number;
  readonly storedMs: number;
  /** The seq each device continues with (live mode goes on from here). */
  readonly nextSeq: ReadonlyMap<string, number>;
  /** The registry import's answer (counts per kind). */
  readonly registry: Record<string, unknown>;
}

/** Unpaced replays still slice device time, so that devices interleave in time order. */
const UNPACED_SLICE_MS = 15 * MINUTE_MS;
/** A paced replay sends what is due about 4 times a second. */
const PACED_TICK_MS = 250;

export const DEFAULT_REPLAY_OPTIONS = { commitTimeoutMs: 120_000 };

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** One MQTT connection per node of the scenario, keyed `site/node`. */
export async function connectNodes(s: Scenario, mqttUrl: string, login: LoginOf = anonymous): Promise<Map<string, MqttClient>> {
  const clients = new Map<string, MqttClient>();
  try {
    for (const src of s.sources) {
      const key = `${src.site}/${src.node}`;
      if (!clients.has(key)) clients.set(key, await mqtt.connectAsync(mqttUrl, { ...(await login(src.site, src.node)), connectTimeout: 10_000, reconnectPeriod: 1000 }));
    }
  } catch (e) {
    await closeNodes(clients);
    throw e;
  }
  return clients;
}

export async function closeNodes(clients: ReadonlyMap<string, MqttClient>): Promise<void> {
  for (const c of clients.values()) await c.endAsync();
}

export async function publish(clients: ReadonlyMap<string, MqttClient>, m: PlannedMessage): Promise<void> {
  const client = clients.get(`${m.site}/${m.node}`);
  if (client === undefined) throw new Error(`no connection for node ${m.site}/${m.node}`);
  await client.publishAsync(dataTopic(m.site, m.node, m.device), payloadOf(m), { qos: 1 });
}

export async function replay(s: Scenario, o: ReplayOptions): Promise<ReplayReport> {
  const paced = o.speed !== undefined && Number.isFinite(o.speed) && o.speed > 0;
  const messages = planMessages(s.readings, s.sources, { sliceMs: paced ? Math.max(1, PACED_TICK_MS * o.speed!) : UNPACED_SLICE_MS });
  const log = o.logger?.child({ scenario: s.name });
  log?.info({ readings: s.readings.length, messages: messages.length, from: new Date(s.startMs).toISOString(), to: new Date(s.nowMs).toISOString(), speed: o.speed ?? 'unpaced' }, 'replaying the past');
  const clients = await connectNodes(s, o.mqttUrl, o.login);
  const started = Date.now();
  try {
    for (const m of messages) {
      if (o.signal?.aborted === true) throw new ScenarioError('E_ABORTED', `${s.name}: replay stopped`);
      if (paced) {
        const due = started + (m.lastMs - s.startMs) / o.speed!;
        if (due > Date.now()) await sleep(due - Date.now());
      }
      await publish(clients, m);
    }
  } finally {
    await closeNodes(clients);
  }
  const published = Date.now();
  await waitStored(s, o.httpUrl, o.commitTimeoutMs ?? DEFAULT_REPLAY_OPTIONS.commitTimeoutMs, o.signal);
  const stored = Date.now();
  log?.info({ publishMs: published - started, storedMs: stored - published }, 'every reading stored; importing the registry');
  const registry = await putRegistry(s, o.httpUrl);
  return { readings: s.readings.length, messages: messages.length, publishMs: published - started, storedMs: stored - published, nextSeq: nextSeqs(messages), registry };
}

/**
 * Waits until the gateway stores every (device, metric, time) of the script. Behind the embedded broker the PUBACK
 * already means stored; behind an external broker it only means the broker has it, hence the check.
 */
export async function waitStored(s: Scenario, httpUrl: string, timeoutMs: number, signal?: AbortSignal): Promise<void> {
  const want = new Map<string, Set<string>>();
  for (const r of s.readings) {
    const set = want.get(r.device) ?? new Set<string>();
    set.add(`${r.metric}@${r.time}`);
    want.set(r.device, set);
  }
  const deadline = Date.now() + timeoutMs;
  const pending = new Set(want.keys());
  for (;;) {
    for (const device of [...pending]) {
      const have = new Set((await storedReadings(httpUrl, device, s.startMs, s.nowMs)).map((r) => `${r.metric}@${r.time}`));
      if ([...want.get(device)!].every((k) => have.has(k))) pending.delete(device);
    }
    if (pending.size === 0) return;
    if (signal?.aborted === true) throw new ScenarioError('E_ABORTED', `${s.name}: stopped while waiting for the readings to be stored`);
    if (Date.now() > deadline) throw new ScenarioError('E_NOT_COMMITTED', `${s.name}: readings of ${[...pending].join(', ')} not all stored after ${timeoutMs} ms`);
    await sleep(250);
  }
}

export { isRegistered };
