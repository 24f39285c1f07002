/**
 * Escalation (issue #22): the steps of a policy at their times, who each step tells (people, or whoever a schedule
 * has on duty at that moment), on which channels, and the maintenance windows that keep people asleep. Pure: times
 * are arguments.
 */
import type { AlarmFacts, MaintenanceWindow, NotifyPolicy, Policy, Recipient } from './policy.js';
import { onDuty } from './schedule.js';

/** When step `index` (0-based) of a policy is due for an alarm whose escalation started at `startMs`. */
export function stepDueAt(policy: Policy, index: number, startMs: number): number | undefined {
  const s = policy.steps[index];
  return s === undefined ? undefined : startMs + s.afterMin * 60_000;
}

/** The recipients of a step at `atMs`: named people, and those on duty by each schedule named; each once. */
export function stepRecipients(np: NotifyPolicy, policy: Policy, index: number, atMs: number): string[] {
  const out: string[] = [];
  for (const n of policy.steps[index]?.notify ?? []) {
    const people = n.startsWith('schedule:') ? scheduleOnDuty(np, n.slice(9), atMs) : [n];
    for (const p of people) if (!out.includes(p)) out.push(p);
  }
  return out;
}

/** The (recipient, channel, address) a policy sends on: its channels (or all of the person's), where the person has an address. */
export function routesOf(policy: Policy, r: Recipient): { channel: string; address: string }[] {
  const channels = policy.channels ?? Object.keys(r.contacts);
  return channels.flatMap((c) => (r.contacts[c] !== undefined ? [{ channel: c, address: r.contacts[c] }] : []));
}

/**
 * The end of the maintenance window that covers the alarm at `atMs` (a zone or device of the alarm inside a window
 * at that moment), the latest when several do; undefined outside every window.
 */
export function windowEndAt(windows: readonly MaintenanceWindow[], facts: Pick<AlarmFacts, 'zones' | 'devices'>, atMs: number): { end: number; window: string } | undefined {
  let best: { end: number; window: string } | undefined;
  for (const w of windows) {
    const applies = (w.zones ?? []).some((z) => facts.zones.includes(z)) || (w.devices ?? []).some((d) => facts.devices.includes(d));
    if (!applies) continue;
    const start = Date.parse(w.start);
    if (atMs < start) continue;
    const period = w.everyHours === undefined ? Infinity : w.everyHours * 3_600_000;
    const since = Number.isFinite(period) ? (atMs - start) % period : atMs - start;
    if (since < w.durationMin * 60_000) {
      const end = atMs - since + w.durationMin * 60_000;
      if (best === undefined || end > best.end) best = { end, window: w.id };
    }
  }
  return best;
}

function scheduleOnDuty(np: NotifyPolicy, id: string, atMs: number): string[] {
  const s = np.schedules.find((x) => x.id === id);
  return s === undefined ? [] : onDuty(s, atMs);
}

/** An ad-hoc silence (as Alertmanager has them): who, why, until when; it holds the alarms it matches. */
export interface Silence {
  readonly id: string;
  readonly zones?: readonly string[];
  readonly devices?: readonly string[];
  readonly sites?: readonly string[];
  /** Rule key prefixes; absent: every rule. */
  readonly rules?: readonly string[];
  /** Gateway ms. */
  readonly startsAt: number;
  readonly endsAt: number;
  readonly author: string;
  readonly reason: string;
}

/**
 * The end of the silence that holds an alarm at `atMs` (the latest when several do): a silence holds an alarm when
 * it is in force, one of its places (zones, devices, sites) is the alarm's and, if it names rules, the alarm's rule
 * starts with one of them.
 */
export function silenceEndAt(silences: readonly Silence[], facts: Pick<AlarmFacts, 'zones' | 'devices' | 'sites' | 'rule'>, atMs: number): { end: number; silence: string } | undefined {
  let best: { end: number; silence: string } | undefined;
  for (const s of silences) {
    if (atMs < s.startsAt || atMs >= s.endsAt) continue;
    const place = (s.zones ?? []).some((z) => facts.zones.includes(z)) || (s.devices ?? []).some((d) => facts.devices.includes(d)) || (s.sites ?? []).some((x) => facts.sites.includes(x));
    if (!place || (s.rules !== undefined && !s.rules.some((r) => facts.rule.startsWith(r)))) continue;
    if (best === undefined || s.endsAt > best.end) best = { end: s.endsAt, silence: s.id };
  }
  return best;
}
