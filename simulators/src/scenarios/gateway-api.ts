/** The few gateway HTTP calls a scenario runner makes (docs/registry.md, docs/rules.md). */
import type { Scenario } from './types.js';

export interface ApiFlag {
  readonly id: string;
  readonly rule: string;
  readonly subject: { readonly kind: string; readonly id: string };
  readonly metAtMs: number;
  readonly active: boolean;
  readonly withdrawn: boolean;
  readonly related: { readonly orders: readonly string[] };
}

export class ScenarioError extends Error {
  constructor(readonly code: 'E_REGISTRY_REFUSED' | 'E_NOT_COMMITTED' | 'E_HTTP' | 'E_ABORTED', message: string) {
    super(message);
  }
}

/** The API key the runner sends ($COLDTRACE_API_KEY: npm start sets the demo's admin key); none: no header. */
function apiAuth(): Record<string, string> {
  const key = process.env['COLDTRACE_API_KEY'];
  return key === undefined || key === '' ? {} : { authorization: `Bearer ${key}` };
}

export async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url, { headers: apiAuth() });
  if (!res.ok) throw new ScenarioError('E_HTTP', `${url}: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** Stored readings of a device in [fromMs, toMs], all metrics (time and seq only). */
export async function storedReadings(httpUrl: string, device: string, fromMs: number, toMs: number): Promise<{ time: number; metric: string; seq: number }[]> {
  const q = `device=${encodeURIComponent(device)}&from=${fromMs}&to=${toMs + 1}&limit=100000`;
  return (await getJson<{ readings: { time: number; metric: string; seq: number }[] }>(`${httpUrl}/api/v1/readings?${q}`)).readings;
}

/** Whether the gateway holds the scenario's registry already (a run before this one registered it). */
export async function isRegistered(s: Scenario, httpUrl: string): Promise<boolean> {
  const res = await fetch(`${httpUrl}/api/v1/registry/${s.marker.kind}/${encodeURIComponent(s.marker.id)}`, { headers: apiAuth() });
  if (res.status === 404) return false;
  if (!res.ok) throw new ScenarioError('E_HTTP', `registry lookup: HTTP ${res.status}`);
  return true;
}

/** Imports the scenario's registry document: one transaction; a refusal lists every problem. */
export async function putRegistry(s: Scenario, httpUrl: string): Promise<Record<string, unknown>> {
  const res = await fetch(`${httpUrl}/api/v1/registry`, {
    method: 'PUT', body: JSON.stringify(s.registry),
    headers: { 'content-type': 'application/json', 'x-coldtrace-actor': 'scenario-runner', 'x-coldtrace-source': `scenario:${s.name}`, ...apiAuth() },
  });
  const body = (await res.json()) as Record<string, unknown>;
  if (res.status !== 200) throw new ScenarioError('E_REGISTRY_REFUSED', `${s.name}: registry refused (HTTP ${res.status}): ${JSON.stringify(body)}`);
  return body;
}

/** Every flag, withdrawn ones included (a scenario has none: they would be flags the data no longer shows). */
export async function allFlags(httpUrl: string, order?: string): Promise<ApiFlag[]> {
  const q = `withdrawn=true&limit=10000${order !== undefined ? `&order=${encodeURIComponent(order)}` : ''}`;
  return (await getJson<{ flags: ApiFlag[] }>(`${httpUrl}/api/v1/flags?${q}`)).flags;
}
