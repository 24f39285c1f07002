#!/usr/bin/env node
/**
 * coldtrace-scenario: runs scenarios against a running gateway (docs/scenarios.md).
 *
 *   node simulators/dist/scenario.js --scenario warehouse-day|reefer-trip[,...] --gateway http://127.0.0.1:8080
 *        --mqtt mqtt://127.0.0.1:1883 [--speed N] [--live] [--resume] [--seed N] [--check] [--out DIR] [--credentials]
 *
 * Replays each scenario's past (readings first, through MQTT; then its registry), waits for its flags and prints
 * how they compare with what the scenario expects; `--check` exits 1 when they differ. `--live` goes on at 1x until
 * SIGINT/SIGTERM. `--resume` skips the past of a scenario whose registry the gateway already holds (an earlier run
 * registered it) and only goes on live. `--out DIR` writes each script as readings.jsonl and registry.json (for
 * `coldtrace-rules replay`) without publishing anything.
 * `--credentials` has the gateway issue each node an MQTT credential through its API (COLDTRACE_API_KEY when the API
 * asks for a key), for a broker that admits only issued credentials (docs/security.md).
 * Logs are JSON lines on stdout.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { allFlags, buildScenario, checkFlags, isRegistered, passed, replay, runLive, ScenarioError, scenarioScope, SCENARIOS, type FlagCheck, type Scenario } from './scenarios/index.js';
import { anonymous, issuedLogin, type LoginOf } from './scenarios/login.js';

const USAGE = `usage: coldtrace-scenario --scenario ${Object.keys(SCENARIOS).join('|')}[,...] --gateway URL --mqtt URL [--speed N] [--live] [--resume] [--seed N] [--check] [--out DIR] [--credentials]`;
/** How long to wait for a scenario's flags after its registry is in, ms. */
const FLAGS_WAIT_MS = 120_000;

const log = pino({ base: { component: 'scenario' } });

function writeScript(s: Scenario, dir: string): void {
  const out = join(dir, s.name);
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'readings.jsonl'), s.readings.map((r) => JSON.stringify({ device: r.device, metric: r.metric, time: r.time, value: r.value, unit: r.unit })).join('\n') + '\n');
  writeFileSync(join(out, 'registry.json'), JSON.stringify(s.registry, null, 2));
  writeFileSync(join(out, 'expected.json'), JSON.stringify({ evaluatedAfter: new Date(s.nowMs).toISOString(), flags: s.expected }, null, 2));
  log.info({ scenario: s.name, dir: out, readings: s.readings.length }, 'script written');
}

/** Polls the flags until every expected one is shown (or the wait is over), then compares once more. */
async function awaitFlags(s: Scenario, httpUrl: string, signal: AbortSignal): Promise<FlagCheck> {
  const scope = scenarioScope(s.registry);
  const deadline = Date.now() + FLAGS_WAIT_MS;
  let check = checkFlags(s.expected, await allFlags(httpUrl), scope);
  while (check.missing.length > 0 && Date.now() < deadline && !signal.aborted) {
    await new Promise((r) => setTimeout(r, 1000));
    check = checkFlags(s.expected, await allFlags(httpUrl), scope);
  }
  // A moment more for the rules' last round (tier 3 follows the flags it counts).
  await new Promise((r) => setTimeout(r, 2000));
  return checkFlags(s.expected, await allFlags(httpUrl), scope);
}

async function runOne(s: Scenario, o: { httpUrl: string; mqttUrl: string; speed?: number; live: boolean; resume: boolean; login: LoginOf }, signal: AbortSignal): Promise<boolean> {
  let nextSeq: ReadonlyMap<string, number> | undefined;
  let ok = true;
  if (o.resume && (await isRegistered(s, o.httpUrl))) {
    log.info({ scenario: s.name }, 'registered by an earlier run: its past is not replayed again');
  } else {
    const report = await replay(s, { httpUrl: o.httpUrl, mqttUrl: o.mqttUrl, logger: log, signal, login: o.login, ...(o.speed !== undefined ? { speed: o.speed } : {}) });
    nextSeq = report.nextSeq;
    log.info({ scenario: s.name, readings: report.readings, messages: report.messages, publishMs: report.publishMs, registry: report.registry }, 'past replayed and registered');
    const check = await awaitFlags(s, o.httpUrl, signal);
    ok = passed(check);
    log.info({ scenario: s.name, expected: s.expected.map((e) => ({ rule: e.rule, subject: `${e.subject.kind}:${e.subject.id}`, orders: e.orders, metAt: new Date(e.metAtMs).toISOString() })), ...check },
      ok ? 'the gateway shows exactly the expected flags' : 'the gateway\'s flags differ from the expected ones');
  }
  if (o.live) await runLive(s, { httpUrl: o.httpUrl, mqttUrl: o.mqttUrl, login: o.login, afterMs: s.nowMs - 60_000, signal, logger: log, ...(nextSeq !== undefined ? { nextSeq } : {}) });
  return ok;
}

async function main(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ options: {
      scenario: { type: 'string' }, gateway: { type: 'string', default: process.env.COLDTRACE_GATEWAY_URL ?? 'http://127.0.0.1:8080' },
      mqtt: { type: 'string', default: 'mqtt://127.0.0.1:1883' }, speed: { type: 'string' }, seed: { type: 'string', default: '1' },
      live: { type: 'boolean', default: false }, resume: { type: 'boolean', default: false }, check: { type: 'boolean', default: false }, out: { type: 'string' },
      credentials: { type: 'boolean', default: false },
    } }));
  } catch (e) {
    process.stderr.write(`coldtrace-scenario: ${(e as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const speed = values.speed === undefined ? undefined : Number(values.speed);
  const seed = Number(values.seed);
  if (values.scenario === undefined || (speed !== undefined && !(speed > 0)) || !Number.isInteger(seed)) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  let scenarios: Scenario[];
  try {
    const nowMs = Date.now();
    scenarios = values.scenario.split(',').map((name) => buildScenario(name.trim(), { nowMs, seed }));
  } catch (e) {
    process.stderr.write(`coldtrace-scenario: ${(e as Error).message}\n`);
    return 2;
  }
  if (values.out !== undefined) {
    for (const s of scenarios) writeScript(s, values.out);
    return 0;
  }
  const abort = new AbortController();
  process.once('SIGINT', () => abort.abort());
  process.once('SIGTERM', () => abort.abort());
  const httpUrl = values.gateway.replace(/\/$/, '');
  const login = values.credentials ? issuedLogin(httpUrl, process.env.COLDTRACE_API_KEY) : anonymous;
  const o = { httpUrl, mqttUrl: values.mqtt, live: values.live, resume: values.resume, login, ...(speed !== undefined ? { speed } : {}) };
  let results: boolean[];
  try {
    results = await Promise.all(scenarios.map((s) => runOne(s, o, abort.signal)));
  } catch (e) {
    if (e instanceof ScenarioError && e.code === 'E_ABORTED') {
      log.info({ reason: e.message }, 'stopped before the end of the past: its registry was not imported');
      return 0;
    }
    throw e;
  }
  // --live keeps the process up (for npm start) even for a scenario with nothing to continue.
  if (values.live && !abort.signal.aborted) await new Promise((r) => abort.signal.addEventListener('abort', r, { once: true }));
  return values.check && results.some((ok) => !ok) ? 1 : 0;
}

main().then((code) => { process.exitCode = code; }, (e: unknown) => {
  log.error({ err: e }, 'scenario failed');
  process.exitCode = 1;
});
