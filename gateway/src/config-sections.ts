/**
 * The parts of the gateway configuration read from more than one key (config.ts): each checks its keys together and
 * lists every problem.
 */
import type { GatewayConfig } from './config.js';
import type { ClaimProfiles } from './domain/rules/claim-params.js';
import { loadClaimProfiles } from './services/claims-config.js';
import { loadNotifyPolicy } from './services/notify-config.js';

/** COLDTRACE_CLAIMS_CONFIG: the profile file read and checked whole. */
export function claimsConfig(path: string, problems: string[]): { claims?: ClaimProfiles } {
  if (path === '') return {};
  const claims = loadClaimProfiles(path, problems);
  return claims === undefined ? {} : { claims };
}

/** Both Mosquitto files or neither. */
export function mosquittoFiles(passwordFile: string | undefined, aclFile: string | undefined, pidFile: string | undefined, problems: string[]): Pick<GatewayConfig, 'mosquittoFiles'> {
  if (passwordFile === undefined && aclFile === undefined) {
    if (pidFile !== undefined) problems.push('COLDTRACE_MOSQUITTO_PID_FILE: only with COLDTRACE_MOSQUITTO_PASSWORD_FILE and COLDTRACE_MOSQUITTO_ACL_FILE');
    return {};
  }
  if (passwordFile === undefined || aclFile === undefined) {
    problems.push('COLDTRACE_MOSQUITTO_PASSWORD_FILE and COLDTRACE_MOSQUITTO_ACL_FILE: set both or neither');
    return {};
  }
  return { mosquittoFiles: { passwordFile, aclFile, ...(pidFile !== undefined ? { pidFile } : {}) } };
}

export function optional<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: string };
}

/** COLDTRACE_HTTP_AUTH, COLDTRACE_ADMIN_KEY, COLDTRACE_HTTP_CORS_ORIGINS (docs/security.md "HTTP access"). */
export function httpAccessConfig(auth: 'keys' | 'off', adminKey: string, origins: string, problems: string[]): GatewayConfig['httpAccess'] {
  if (adminKey !== '' && adminKey.length < 32) problems.push('COLDTRACE_ADMIN_KEY: at least 32 characters (e.g. openssl rand -base64 32)');
  const corsOrigins: string[] = [];
  for (const item of origins.split(',').map((x) => x.trim()).filter((x) => x !== '')) {
    let origin: string | undefined;
    try {
      const u = new URL(item);
      if (['http:', 'https:'].includes(u.protocol) && u.origin === item.replace(/\/$/, '')) origin = u.origin;
    } catch {
      // reported below
    }
    if (origin === undefined) problems.push(`COLDTRACE_HTTP_CORS_ORIGINS: '${item}' is not an origin (scheme://host[:port], no path, no *)`);
    else corsOrigins.push(origin);
  }
  return { auth, corsOrigins, ...optional('adminKey', adminKey === '' ? undefined : adminKey) };
}

/** COLDTRACE_NOTIFY_CONFIG and COLDTRACE_NOTIFY_SECRET: the policy file read and checked whole. */
export function notifyConfig(path: string, secret: string, problems: string[]): { notify?: NonNullable<GatewayConfig['notify']> } {
  if (secret !== '' && secret.length < 32) problems.push('COLDTRACE_NOTIFY_SECRET: at least 32 characters (e.g. openssl rand -base64 32)');
  if (path === '') return {};
  const policy = loadNotifyPolicy(path, problems);
  return policy === undefined ? {} : { notify: { policy, ...optional('secret', secret === '' ? undefined : secret) } };
}

/** The gateway's one public address, or none. */
export function publicUrl(v: string, problems: string[]): string | undefined {
  const urls = httpUrls('COLDTRACE_PUBLIC_URL', v, problems);
  if (urls.length > 1) problems.push(`COLDTRACE_PUBLIC_URL: one URL expected, got ${urls.length}`);
  return urls[0];
}

/** Comma-separated http(s) URLs, each bad one listed. */
export function httpUrls(key: string, list: string, problems: string[]): string[] {
  const urls: string[] = [];
  for (const item of list.split(',').map((x) => x.trim()).filter((x) => x !== '')) {
    try {
      if (!['http:', 'https:'].includes(new URL(item).protocol)) throw new Error('scheme');
      urls.push(item);
    } catch {
      problems.push(`${key}: '${item}' is not an http(s) URL`);
    }
  }
  return urls;
}

/** `name=url,name=url` -> webhook targets, every mistake listed. */
export function eventsConfig(list: string, secret: string, linkTemplate: string, problems: string[]): GatewayConfig['events'] {
  const webhooks: { name: string; url: string; secret: string }[] = [];
  for (const item of list.split(',').map((x) => x.trim()).filter((x) => x !== '')) {
    const eq = item.indexOf('=');
    const name = item.slice(0, eq).trim();
    const url = item.slice(eq + 1).trim();
    if (eq <= 0 || !/^[A-Za-z0-9_-]+$/.test(name)) {
      problems.push(`COLDTRACE_WEBHOOKS: '${item}' is not name=url (a name of letters, digits, - and _)`);
      continue;
    }
    try {
      if (!['http:', 'https:'].includes(new URL(url).protocol)) throw new Error('scheme');
    } catch {
      problems.push(`COLDTRACE_WEBHOOKS: '${url}' of '${name}' is not an http(s) URL`);
      continue;
    }
    if (webhooks.some((w) => w.name === name)) problems.push(`COLDTRACE_WEBHOOKS: the name '${name}' is used twice`);
    webhooks.push({ name, url, secret });
  }
  if (webhooks.length > 0 && secret === '') problems.push('COLDTRACE_WEBHOOK_SECRET: required with COLDTRACE_WEBHOOKS (the receivers verify the signature with it)');
  return { webhooks, ...(linkTemplate !== '' ? { linkTemplate } : {}) };
}

/** COLDTRACE_CALIBRATION_REMIND_DAYS: whole days 1-365, comma-separated, each once; largest first. */
export function remindDays(list: string, problems: string[]): number[] {
  const days: number[] = [];
  for (const item of list.split(',').map((x) => x.trim())) {
    const n = Number(item);
    if (!/^\d+$/.test(item) || n < 1 || n > 365) problems.push(`COLDTRACE_CALIBRATION_REMIND_DAYS: '${item}' is not a whole number of days 1-365`);
    else if (days.includes(n)) problems.push(`COLDTRACE_CALIBRATION_REMIND_DAYS: ${n} is listed twice`);
    else days.push(n);
  }
  return days.sort((a, b) => b - a);
}
