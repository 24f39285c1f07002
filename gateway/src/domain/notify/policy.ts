/**
 * Notification policies (issue #22, docs/notifications.md): who is told about which flags, through which channels,
 * and who is told next when nobody acknowledges. The file an operator writes (JSON or YAML) is checked here whole,
 * every problem listed (docs/engineering.md 3). Pure: no I/O; the caller reads the file.
 */
import type { Severity } from '../flags/types.js';

export type Language = 'en' | 'zh';
export const LANGUAGES: readonly Language[] = ['en', 'zh'];

/** Chat and SMS providers take a webhook: Slack's and Teams' shapes, or a generic JSON body. */
export type WebhookFormat = 'slack' | 'teams' | 'json';

export type ChannelConfig =
  | {
      readonly kind: 'email'; readonly name: string; readonly from: string;
      readonly host: string; readonly port: number; readonly secure: boolean;
      readonly user?: string; readonly password?: string;
      /** Another channel told when this one keeps failing. */
      readonly failover?: string;
    }
  | { readonly kind: 'webhook'; readonly name: string; readonly format: WebhookFormat; readonly url: string; readonly failover?: string }
  /** The message written to the gateway's log (the demo; a site without a provider yet): delivered once logged. */
  | { readonly kind: 'log'; readonly name: string; readonly failover?: string };

export interface Recipient {
  readonly id: string;
  readonly name: string;
  readonly language: Language;
  /** Channel name -> address on it (an e-mail address, a phone number, a chat handle). */
  readonly contacts: Readonly<Record<string, string>>;
}

export interface Shift {
  /** Local weekdays the shift starts on (mon..sun); all when absent. */
  readonly days?: readonly Weekday[];
  /** Local wall-clock start and end, `HH:MM`; an end at or before the start runs past midnight into the next day. */
  readonly from: string;
  readonly to: string;
  readonly people: readonly string[];
}

export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';
export const WEEKDAYS: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/** Who is on duty when, in the site's time zone (an IANA name: daylight-saving changes follow from it). */
export interface Schedule {
  readonly id: string;
  readonly timeZone: string;
  readonly shifts: readonly Shift[];
}

/** What a policy applies to; an absent field matches everything, a list matches any of its items. */
export interface Match {
  readonly sites?: readonly string[];
  readonly zones?: readonly string[];
  readonly products?: readonly string[];
  /** Rule key prefixes: `excursion/`, `shelf-life/`. */
  readonly rules?: readonly string[];
  readonly severities?: readonly Severity[];
  readonly tiers?: readonly ('1' | '2' | '3')[];
}

/** One escalation step: `afterMin` minutes (fractions allowed) after the alarm was raised, these are told (recipient ids, or `schedule:ID`). */
export interface Step {
  readonly afterMin: number;
  readonly notify: readonly string[];
}

export interface Policy {
  readonly id: string;
  readonly match: Match;
  /** Channels used, in order of preference, for each recipient who has an address on them; absent: all of theirs. */
  readonly channels?: readonly string[];
  readonly steps: readonly Step[];
  /** Grouping of this policy's messages, seconds (Alertmanager's group_wait and group_interval); absent: the service's defaults. */
  readonly group?: { readonly waitSec?: number; readonly intervalSec?: number };
}

/** Planned quiet time of zones or devices (a defrost cycle, a loading slot): flags kept, nobody woken. */
export interface MaintenanceWindow {
  readonly id: string;
  readonly zones?: readonly string[];
  readonly devices?: readonly string[];
  /** First start, ISO 8601. */
  readonly start: string;
  readonly durationMin: number;
  /** Repeats every this many hours (a defrost every 6 h); absent: once. */
  readonly everyHours?: number;
  readonly reason: string;
}

export interface NotifyPolicy {
  readonly channels: readonly ChannelConfig[];
  readonly recipients: readonly Recipient[];
  readonly schedules: readonly Schedule[];
  readonly policies: readonly Policy[];
  readonly windows: readonly MaintenanceWindow[];
}

/** Step delays when a policy's step gives none: the shift's operator at once, the manager at 15 min, quality at 30. */
export const DEFAULT_STEP_DELAYS_MIN: readonly number[] = [0, 15, 30];

export type PolicyResult = { readonly ok: true; readonly policy: NotifyPolicy } | { readonly ok: false; readonly problems: string[] };

const SEVERITIES: readonly Severity[] = ['warning', 'major', 'critical'];
const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;
const ID = /^[A-Za-z0-9_.@-]+$/;

/** Checks a parsed policy document; every problem is listed with where it is. */
export function parsePolicy(doc: unknown, isTimeZone: (tz: string) => boolean): PolicyResult {
  const problems: string[] = [];
  const r = new Reader(problems);
  const root = r.object(doc, '(file)');
  const channels = r.list(root.channels, 'channels').map((c, i) => channel(r, c, `channels[${i}]`));
  const recipients = r.list(root.recipients, 'recipients').map((c, i) => recipient(r, c, `recipients[${i}]`));
  const schedules = r.list(root.schedules ?? [], 'schedules').map((c, i) => schedule(r, c, `schedules[${i}]`, isTimeZone));
  const policies = r.list(root.policies, 'policies').map((c, i) => policy(r, c, `policies[${i}]`));
  const windows = r.list(root.windows ?? [], 'windows').map((c, i) => window(r, c, `windows[${i}]`));
  for (const k of Object.keys(root)) if (!['channels', 'recipients', 'schedules', 'policies', 'windows'].includes(k)) problems.push(`${k}: unknown key`);
  unique(problems, 'channels', channels.map((c) => c.name));
  unique(problems, 'recipients', recipients.map((c) => c.id));
  unique(problems, 'schedules', schedules.map((c) => c.id));
  unique(problems, 'policies', policies.map((c) => c.id));
  const channelNames = new Set(channels.map((c) => c.name));
  const people = new Set(recipients.map((p) => p.id));
  const scheduleIds = new Set(schedules.map((s) => s.id));
  channels.forEach((c) => {
    if (c.failover !== undefined && (!channelNames.has(c.failover) || c.failover === c.name)) problems.push(`channels '${c.name}': failover '${c.failover}' is not another channel`);
  });
  recipients.forEach((p) => Object.keys(p.contacts).forEach((c) => { if (!channelNames.has(c)) problems.push(`recipients '${p.id}': contact on unknown channel '${c}'`); }));
  schedules.forEach((s) => s.shifts.forEach((sh) => sh.people.forEach((p) => { if (!people.has(p)) problems.push(`schedules '${s.id}': unknown recipient '${p}'`); })));
  policies.forEach((p) => {
    p.channels?.forEach((c) => { if (!channelNames.has(c)) problems.push(`policies '${p.id}': unknown channel '${c}'`); });
    p.steps.forEach((st, i) => st.notify.forEach((n) => {
      const known = n.startsWith('schedule:') ? scheduleIds.has(n.slice(9)) : people.has(n);
      if (!known) problems.push(`policies '${p.id}' steps[${i}]: '${n}' is neither a recipient nor schedule:<id> of a schedule`);
    }));
  });
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, policy: { channels, recipients, schedules, policies, windows } };
}

/** A policy applies to an alarm whose facts match every field it gives. */
export function matches(m: Match, facts: AlarmFacts): boolean {
  const any = (want: readonly string[] | undefined, have: readonly string[]): boolean => want === undefined || want.some((w) => have.includes(w));
  return any(m.sites, facts.sites) && any(m.zones, facts.zones) && any(m.products, facts.products)
    && (m.rules === undefined || m.rules.some((p) => facts.rule.startsWith(p)))
    && (m.severities === undefined || m.severities.includes(facts.severity))
    && (m.tiers === undefined || m.tiers.includes(facts.tier));
}

/** What a policy is matched against: a flag and what the registry knows of its places and goods. */
export interface AlarmFacts {
  readonly rule: string;
  readonly severity: Severity;
  readonly tier: '1' | '2' | '3';
  readonly sites: readonly string[];
  readonly zones: readonly string[];
  readonly products: readonly string[];
  readonly devices: readonly string[];
}

function channel(r: Reader, v: unknown, at: string): ChannelConfig {
  const o = r.object(v, at);
  const name = r.id(o.name, `${at}.name`);
  const failover = r.optString(o.failover, `${at}.failover`);
  const kind = r.oneOf(o.kind, `${at}.kind`, ['email', 'webhook', 'log'] as const);
  if (kind === 'log') return { kind, name, ...(failover !== undefined ? { failover } : {}) };
  if (kind === 'webhook') {
    return { kind, name, format: r.oneOf(o.format ?? 'json', `${at}.format`, ['slack', 'teams', 'json'] as const), url: r.url(o.url, `${at}.url`), ...(failover !== undefined ? { failover } : {}) };
  }
  const user = r.optString(o.user, `${at}.user`);
  const password = r.optString(o.password, `${at}.password`);
  return {
    kind: 'email', name, from: r.string(o.from, `${at}.from`), host: r.string(o.host, `${at}.host`),
    port: r.int(o.port ?? 25, `${at}.port`, 1, 65_535), secure: r.bool(o.secure ?? false, `${at}.secure`),
    ...(user !== undefined ? { user } : {}), ...(password !== undefined ? { password } : {}), ...(failover !== undefined ? { failover } : {}),
  };
}

function recipient(r: Reader, v: unknown, at: string): Recipient {
  const o = r.object(v, at);
  const contacts = r.object(o.contacts, `${at}.contacts`);
  const out: Record<string, string> = {};
  for (const [k, c] of Object.entries(contacts)) out[k] = r.string(c, `${at}.contacts.${k}`);
  if (Object.keys(out).length === 0) r.problems.push(`${at}.contacts: at least one address`);
  return { id: r.id(o.id, `${at}.id`), name: r.string(o.name ?? o.id, `${at}.name`), language: r.oneOf(o.language ?? 'en', `${at}.language`, LANGUAGES), contacts: out };
}

function schedule(r: Reader, v: unknown, at: string, isTimeZone: (tz: string) => boolean): Schedule {
  const o = r.object(v, at);
  const timeZone = r.string(o.timeZone, `${at}.timeZone`);
  if (timeZone !== '' && !isTimeZone(timeZone)) r.problems.push(`${at}.timeZone: '${timeZone}' is not an IANA time zone`);
  const shifts = r.list(o.shifts, `${at}.shifts`).map((s, i) => {
    const so = r.object(s, `${at}.shifts[${i}]`);
    const days = so.days === undefined ? undefined : r.list(so.days, `${at}.shifts[${i}].days`).map((d, j) => r.oneOf(d, `${at}.shifts[${i}].days[${j}]`, WEEKDAYS));
    const time = (x: unknown, w: string): string => {
      const t = r.string(x, w);
      if (t !== '' && !HHMM.test(t)) r.problems.push(`${w}: expected HH:MM, got '${t}'`);
      return t;
    };
    return { ...(days !== undefined ? { days } : {}), from: time(so.from, `${at}.shifts[${i}].from`), to: time(so.to, `${at}.shifts[${i}].to`), people: r.list(so.people, `${at}.shifts[${i}].people`).map((p, j) => r.string(p, `${at}.shifts[${i}].people[${j}]`)) };
  });
  return { id: r.id(o.id, `${at}.id`), timeZone, shifts };
}

function policy(r: Reader, v: unknown, at: string): Policy {
  const o = r.object(v, at);
  const m = r.object(o.match ?? {}, `${at}.match`);
  const strings = (x: unknown, w: string): string[] | undefined => (x === undefined ? undefined : r.list(x, w).map((s, i) => r.string(s, `${w}[${i}]`)));
  const match: Match = {
    ...opt('sites', strings(m.sites, `${at}.match.sites`)), ...opt('zones', strings(m.zones, `${at}.match.zones`)),
    ...opt('products', strings(m.products, `${at}.match.products`)), ...opt('rules', strings(m.rules, `${at}.match.rules`)),
    ...opt('severities', m.severities === undefined ? undefined : r.list(m.severities, `${at}.match.severities`).map((s, i) => r.oneOf(s, `${at}.match.severities[${i}]`, SEVERITIES))),
    ...opt('tiers', m.tiers === undefined ? undefined : r.list(m.tiers, `${at}.match.tiers`).map((s, i) => r.oneOf(String(s), `${at}.match.tiers[${i}]`, ['1', '2', '3'] as const))),
  };
  const steps = r.list(o.steps, `${at}.steps`).map((s, i) => {
    const so = r.object(s, `${at}.steps[${i}]`);
    const afterMin = so.afterMin === undefined ? DEFAULT_STEP_DELAYS_MIN[i] ?? 30 * i : r.num(so.afterMin, `${at}.steps[${i}].afterMin`, 0, 7 * 24 * 60);
    return { afterMin, notify: strings(so.notify, `${at}.steps[${i}].notify`) ?? [] };
  });
  if (steps.length === 0) r.problems.push(`${at}.steps: at least one step`);
  steps.forEach((s, i) => {
    if (i > 0 && s.afterMin <= steps[i - 1]!.afterMin) r.problems.push(`${at}.steps[${i}].afterMin: must come after the step before (${steps[i - 1]!.afterMin} min)`);
    if (s.notify.length === 0) r.problems.push(`${at}.steps[${i}].notify: nobody to tell`);
  });
  const channels = strings(o.channels, `${at}.channels`);
  const g = o.group === undefined ? undefined : r.object(o.group, `${at}.group`);
  const group = g === undefined ? undefined : {
    ...opt('waitSec', g.waitSec === undefined ? undefined : r.num(g.waitSec, `${at}.group.waitSec`, 0, 3600)),
    ...opt('intervalSec', g.intervalSec === undefined ? undefined : r.num(g.intervalSec, `${at}.group.intervalSec`, 0, 86_400)),
  };
  return { id: r.id(o.id, `${at}.id`), match, ...opt('channels', channels), steps, ...opt('group', group) };
}

function window(r: Reader, v: unknown, at: string): MaintenanceWindow {
  const o = r.object(v, at);
  const start = r.string(o.start, `${at}.start`);
  if (start !== '' && Number.isNaN(Date.parse(start))) r.problems.push(`${at}.start: not an ISO 8601 time: '${start}'`);
  const zones = o.zones === undefined ? undefined : r.list(o.zones, `${at}.zones`).map((s, i) => r.string(s, `${at}.zones[${i}]`));
  const devices = o.devices === undefined ? undefined : r.list(o.devices, `${at}.devices`).map((s, i) => r.string(s, `${at}.devices[${i}]`));
  if (zones === undefined && devices === undefined) r.problems.push(`${at}: zones or devices`);
  const durationMin = r.int(o.durationMin, `${at}.durationMin`, 1, 7 * 24 * 60);
  const everyHours = o.everyHours === undefined ? undefined : r.int(o.everyHours, `${at}.everyHours`, 1, 24 * 366);
  if (everyHours !== undefined && durationMin >= everyHours * 60) r.problems.push(`${at}.durationMin: must be shorter than everyHours`);
  return { id: r.id(o.id, `${at}.id`), ...opt('zones', zones), ...opt('devices', devices), start, durationMin, ...opt('everyHours', everyHours), reason: r.string(o.reason, `${at}.reason`) };
}

function opt<K extends string, V>(k: K, v: V | undefined): { [P in K]?: V } {
  return (v === undefined ? {} : { [k]: v }) as { [P in K]?: V };
}

function unique(problems: string[], what: string, ids: readonly string[]): void {
  const seen = new Set<string>();
  for (const id of ids) {
    if (seen.has(id)) problems.push(`${what}: '${id}' is given twice`);
    seen.add(id);
  }
}

/** Typed reads that record a problem and return a placeholder, so checking goes on to list every problem. */
class Reader {
  constructor(readonly problems: string[]) {}
  object(v: unknown, at: string): Record<string, unknown> {
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Record<string, unknown>;
    this.problems.push(`${at}: expected an object`);
    return {};
  }
  list(v: unknown, at: string): unknown[] {
    if (Array.isArray(v)) return v;
    this.problems.push(`${at}: expected a list`);
    return [];
  }
  string(v: unknown, at: string): string {
    if (typeof v === 'string' && v.trim() !== '') return v;
    this.problems.push(`${at}: expected a non-empty string`);
    return '';
  }
  optString(v: unknown, at: string): string | undefined {
    return v === undefined ? undefined : this.string(v, at);
  }
  id(v: unknown, at: string): string {
    const s = this.string(v, at);
    if (s !== '' && !ID.test(s)) this.problems.push(`${at}: '${s}' may hold only letters, digits, '.', '_', '@' and '-'`);
    return s;
  }
  int(v: unknown, at: string, min: number, max: number): number {
    if (typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max) return v;
    this.problems.push(`${at}: expected a whole number ${min}-${max}, got ${JSON.stringify(v)}`);
    return min;
  }
  /** A number, fractions allowed (a step 0.5 min after the alarm). */
  num(v: unknown, at: string, min: number, max: number): number {
    if (typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max) return v;
    this.problems.push(`${at}: expected a number ${min}-${max}, got ${JSON.stringify(v)}`);
    return min;
  }
  bool(v: unknown, at: string): boolean {
    if (typeof v === 'boolean') return v;
    this.problems.push(`${at}: expected true or false`);
    return false;
  }
  url(v: unknown, at: string): string {
    const s = this.string(v, at);
    if (s !== '' && !/^https?:\/\/[^\s]+$/.test(s)) this.problems.push(`${at}: '${s}' is not an http(s) URL`);
    return s;
  }
  oneOf<T extends string>(v: unknown, at: string, allowed: readonly T[]): T {
    if (typeof v === 'string' && (allowed as readonly string[]).includes(v)) return v as T;
    this.problems.push(`${at}: expected one of ${allowed.join(', ')}, got ${JSON.stringify(v)}`);
    return allowed[0]!;
  }
}
