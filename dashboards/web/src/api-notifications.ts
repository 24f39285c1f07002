/**
 * The notification routes the Duty view reads (docs/notifications.md): who is on duty, alarms with their escalation
 * step, the delivery log, silences; acknowledging an alarm. Types mirror the gateway's responses.
 */
import type { ApiClient } from './api.js';

export interface Roster {
  readonly at: number;
  readonly schedules: ReadonlyArray<{ readonly id: string; readonly timeZone: string; readonly onDuty: ReadonlyArray<{ readonly id: string; readonly name: string }> }>;
  readonly policies: ReadonlyArray<{ readonly id: string; readonly steps: ReadonlyArray<{ readonly afterMin: number; readonly notify: readonly string[] }> }>;
}

export interface Alarm {
  readonly id: string;
  readonly flagId: string;
  readonly policy: string;
  readonly status: 'open' | 'held' | 'acknowledged' | 'closed';
  /** Escalation steps taken so far. */
  readonly step: number;
  readonly nextStepAt?: number;
  readonly heldBy?: string;
  readonly createdAt: number;
  readonly ackAt?: number;
  readonly ackBy?: string;
  readonly closedReason?: string;
  readonly info: { readonly title: string; readonly subject: string; readonly severity: string; readonly sites: readonly string[]; readonly zones: readonly string[]; readonly orders: readonly string[] };
}

export interface Attempt {
  readonly seq: number;
  readonly at: number;
  readonly recipient: string;
  readonly channel: string;
  readonly address: string;
  readonly alarms: readonly string[];
  readonly ok: boolean;
  readonly error?: string;
}

export interface Silence {
  readonly id: string;
  readonly zones?: readonly string[];
  readonly devices?: readonly string[];
  readonly sites?: readonly string[];
  readonly rules?: readonly string[];
  readonly endsAt: number;
  readonly author: string;
  readonly reason: string;
}

export const roster = (api: ApiClient): Promise<Roster> => api.getJson<Roster>('/api/v1/notifications/roster');

export async function openAlarms(api: ApiClient): Promise<Alarm[]> {
  const [open, held] = await Promise.all(['open', 'held'].map((s) => api.getJson<{ alarms: Alarm[] }>(`/api/v1/notifications/alarms?status=${s}&limit=200`)));
  return [...(open?.alarms ?? []), ...(held?.alarms ?? [])].sort((a, b) => b.createdAt - a.createdAt);
}

export async function deliveries(api: ApiClient, limit: number): Promise<Attempt[]> {
  return (await api.getJson<{ attempts: Attempt[] }>(`/api/v1/notifications/deliveries?limit=${limit}`)).attempts;
}

export async function activeSilences(api: ApiClient): Promise<Silence[]> {
  return (await api.getJson<{ silences: Silence[] }>('/api/v1/notifications/silences?active=true')).silences;
}

export function acknowledgeAlarm(api: ApiClient, id: string, actor: string): Promise<{ status: number; body: unknown }> {
  return api.postJson(`/api/v1/notifications/alarms/${encodeURIComponent(id)}/acknowledge`, {}, { 'x-coldtrace-actor': actor });
}

/** A policy's test alarm (docs/notifications.md "Testing the alarm system"): what went into the outbox. */
export interface TestAlarm {
  readonly id: string;
  readonly messages: ReadonlyArray<{ readonly recipient: string; readonly channel: string; readonly step: number }>;
  readonly unreached: readonly number[];
}

export function testAlarm(api: ApiClient, policy: string, actor: string): Promise<{ status: number; body: unknown }> {
  return api.postJson(`/api/v1/notifications/policies/${encodeURIComponent(policy)}/test`, {}, { 'x-coldtrace-actor': actor });
}

/** A device's calibration state now (docs/calibration.md). */
export interface DeviceCalibration {
  readonly device: string;
  readonly mark: 'calibrated' | 'due-soon' | 'overdue' | 'uncalibrated';
  readonly dueAt?: string;
  readonly current?: { readonly certificate: string; readonly laboratory: string };
}

export async function calibrationStates(api: ApiClient): Promise<DeviceCalibration[]> {
  return (await api.getJson<{ devices: DeviceCalibration[] }>('/api/v1/calibration/devices')).devices;
}
