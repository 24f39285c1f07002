/**
 * The notification policy file (COLDTRACE_NOTIFY_CONFIG; docs/notifications.md): JSON, or YAML by its `.yaml`/`.yml`
 * name, read once at start and checked whole; a file that cannot be read or parsed is a problem like any other.
 */
import { parsePolicy, type NotifyPolicy } from '../domain/notify/policy.js';
import { isTimeZone } from '../domain/notify/schedule.js';
import { readConfigDocument } from './config-file.js';

/** The policy in `path`, or undefined with every problem pushed to `problems` (each prefixed with the key and file). */
export function loadNotifyPolicy(path: string, problems: string[], key = 'COLDTRACE_NOTIFY_CONFIG'): NotifyPolicy | undefined {
  const doc = readConfigDocument(path, key, problems);
  if (doc === undefined) return undefined;
  const r = parsePolicy(doc, isTimeZone);
  if (r.ok) return r.policy;
  for (const p of r.problems) problems.push(`${key} (${path}): ${p}`);
  return undefined;
}
