/**
 * The notification policy file (COLDTRACE_NOTIFY_CONFIG; docs/notifications.md): JSON, or YAML by its `.yaml`/`.yml`
 * name, read once at start and checked whole; a file that cannot be read or parsed is a problem like any other.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { parsePolicy, type NotifyPolicy } from '../domain/notify/policy.js';
import { isTimeZone } from '../domain/notify/schedule.js';

/** The policy in `path`, or undefined with every problem pushed to `problems` (each prefixed with the key and file). */
export function loadNotifyPolicy(path: string, problems: string[], key = 'COLDTRACE_NOTIFY_CONFIG'): NotifyPolicy | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    problems.push(`${key}: cannot read '${path}': ${(e as Error).message}`);
    return undefined;
  }
  let doc: unknown;
  try {
    doc = /\.ya?ml$/i.test(path) ? parseYaml(text) : JSON.parse(text);
  } catch (e) {
    problems.push(`${key}: '${path}' is not valid ${/\.ya?ml$/i.test(path) ? 'YAML' : 'JSON'}: ${(e as Error).message}`);
    return undefined;
  }
  const r = parsePolicy(doc, isTimeZone);
  if (r.ok) return r.policy;
  for (const p of r.problems) problems.push(`${key} (${path}): ${p}`);
  return undefined;
}
