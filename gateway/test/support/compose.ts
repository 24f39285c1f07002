/**
 * docker-compose.yml as the compose tests read it (compose.int.test.ts, compose-mosquitto.int.test.ts): the file
 * parsed with its YAML merge keys, interpolated as `docker compose` does with no .env file, and the mounted agent
 * config through the agent's own loader.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { ConfigError, loadConfig } from '@coldtrace/edge-agent';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const read = (rel: string): string => readFileSync(join(ROOT, rel), 'utf8');

export type Env = Record<string, string>;
export interface Service {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string | number | boolean>;
  ports?: string[];
  expose?: string[];
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  entrypoint?: string[];
}

/** Compose interpolation as `docker compose` does it with no .env file: `${X:-default}`, `${X}`, `$$`. */
export function interpolate(value: string, env: Env = {}): string {
  return value.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (m, braced, def, bare) => {
    if (m === '$$') return '$';
    const v = env[(braced ?? bare) as string];
    return v !== undefined && v !== '' ? v : ((def as string | undefined) ?? '');
  });
}

export const compose = parse(read('docker-compose.yml'), { merge: true }) as { services: Record<string, Service>; volumes?: Record<string, unknown> };
export const services = compose.services;
export const service = (name: string): Service => {
  const s = services[name];
  if (s === undefined) throw new Error(`docker-compose.yml has no service ${name}`);
  return s;
};
export const envOf = (name: string): Env =>
  Object.fromEntries(Object.entries(service(name).environment ?? {}).map(([k, v]) => [k, interpolate(String(v))]));
/** Host file of a bind mount into `name` at container path `target` (or under a mounted directory). */
export function hostPathOf(name: string, target: string): string | undefined {
  for (const v of service(name).volumes ?? []) {
    const [src, dst] = v.split(':');
    if (src === undefined || dst === undefined || !src.startsWith('./')) continue;
    if (target === dst) return join(ROOT, src);
    if (target.startsWith(`${dst}/`)) return join(ROOT, src, posix.relative(dst, target));
  }
  return undefined;
}
export const containerPorts = (s: Service): number[] => (s.ports ?? []).map((p) => Number(p.split(':').at(-1)));
export const argAfter = (cmd: readonly string[], flag: string): string | undefined => cmd[cmd.indexOf(flag) + 1];

export const mosquittoConf = read('deploy/mosquitto/mosquitto.conf');
export const listenerPorts = [...mosquittoConf.matchAll(/^listener\s+(\d+)/gm)].map((m) => Number(m[1]));
export const agentYamlPath = hostPathOf('agent', argAfter(service('agent').command ?? [], '--config') ?? '');
/** The mounted agent config through the agent's own loader (YAML parse + validateConfig); problems listed on failure. */
export async function loadAgentConfig(): Promise<Awaited<ReturnType<typeof loadConfig>>> {
  if (agentYamlPath === undefined) throw new Error('the agent --config file is not bind-mounted from the repository');
  try {
    return await loadConfig(agentYamlPath);
  } catch (err) {
    if (err instanceof ConfigError) throw new Error(`${agentYamlPath}: ${err.code}\n${err.problems.join('\n')}`);
    throw err;
  }
}
