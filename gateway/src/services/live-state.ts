/**
 * What the gateway knows about each device right now: last readings, health, refusals and sequence coverage. In
 * memory; the store holds the history. Feeds the live dashboard and per-device metrics.
 */
import type { DeviceStatus, NodeStatus } from '@coldtrace/contract';
import type { StoredReading } from '../domain/reading.js';
import { SequenceCoverage, type SequenceCoverageView } from '../domain/sequence-coverage.js';

/**
 * `refused`: the device's last message was refused (quarantined), and none has been stored since (issue #24). A failed
 * read (`error`) or silence the agent reports (`stale`) wins over it: then no data flows to be refused.
 */
export type DeviceState = 'ok' | 'stale' | 'error' | 'unknown' | 'refused';

/** Refusals of a device since its last stored message. */
export interface RefusedView {
  /** Reject code and detail of the latest refused message. */
  code: string;
  detail: string;
  /** Gateway receive time of the latest refused message, ms. */
  at: number;
  /** Refused messages since the last stored one (since the gateway started). */
  count: number;
}

export interface DeviceView {
  readonly site: string;
  readonly node: string;
  readonly device: string;
  /** Gateway receive time of the last message (stored, refused or status), ms. */
  lastSeen: number;
  /** Latest device time of a stored reading, ms; null: no reading stored since the gateway started ("never"). */
  lastDeviceTime: number | null;
  state: DeviceState;
  error?: string;
  /** Refusals since the device's last stored message; absent when none (or its last data message was stored). */
  refused?: RefusedView;
  /** Latest value per metric (by device time). */
  metrics: Record<string, { value: number; unit: string; time: number }>;
  /** Stored data messages. */
  messages: number;
  /** Sequence coverage since the gateway started: gaps are lost or still-travelling messages. Null before the first stored message. */
  sequence: SequenceCoverageView | null;
}

export interface NodeView {
  readonly site: string;
  readonly node: string;
  state: 'online' | 'offline';
  boot: string;
  lastSeen: number;
  will: boolean;
  /** The node's outbox as it last reported it (depth, bytes, drops since its boot). */
  outbox?: NonNullable<NodeStatus['outbox']>;
  /** Receive time of the status that reported `outbox`, ms: before `lastSeen` when the last status (a will) had none. */
  outboxReportedAt?: number;
}

/** A device as kept between messages: its state is derived and its coverage turned into a view when listed. */
type DeviceRecord = Omit<DeviceView, 'sequence' | 'state'> & {
  /** The device's own health, from its status messages (or `ok` once data is stored). */
  health: 'ok' | 'stale' | 'error' | 'unknown';
  readonly coverage: SequenceCoverage;
};

export class LiveState {
  private readonly devices = new Map<string, DeviceRecord>();
  private readonly nodes = new Map<string, NodeView>();

  onReadings(site: string, node: string, device: string, seq: number, readings: readonly StoredReading[], receivedAt: number): void {
    const d = this.device(site, node, device);
    d.lastSeen = receivedAt;
    d.messages++;
    d.coverage.add(seq);
    if (d.health === 'unknown') d.health = 'ok';
    if (d.refused !== undefined) delete d.refused;
    for (const r of readings) {
      const cur = d.metrics[r.metric];
      // Updated in place: one object per device and metric, not one per reading.
      if (cur === undefined) d.metrics[r.metric] = { value: r.value, unit: r.unit, time: r.time };
      else if (r.time >= cur.time) {
        cur.value = r.value;
        cur.unit = r.unit;
        cur.time = r.time;
      }
      if (d.lastDeviceTime === null || r.time > d.lastDeviceTime) d.lastDeviceTime = r.time;
    }
  }

  onDeviceStatus(site: string, node: string, device: string, s: DeviceStatus, receivedAt: number): void {
    const d = this.device(site, node, device);
    d.lastSeen = receivedAt;
    d.health = s.state;
    if (s.error === undefined) delete d.error;
    else d.error = s.error;
  }

  /** A message of the device was refused and is kept in quarantine. */
  onRefused(site: string, node: string, device: string, code: string, detail: string, receivedAt: number): void {
    const d = this.device(site, node, device);
    d.lastSeen = Math.max(d.lastSeen, receivedAt);
    const count = (d.refused?.count ?? 0) + 1;
    d.refused = { code, detail, at: receivedAt, count };
  }

  onNodeStatus(site: string, node: string, s: NodeStatus, receivedAt: number): void {
    const key = `${site}/${node}`;
    const prev = this.nodes.get(key);
    // A will carries no outbox figures (it was set at connect): keep the last ones, with when they were reported.
    const reported = s.outbox !== undefined ? { outbox: s.outbox, outboxReportedAt: receivedAt }
      : prev?.outbox !== undefined && prev.outboxReportedAt !== undefined ? { outbox: prev.outbox, outboxReportedAt: prev.outboxReportedAt } : {};
    this.nodes.set(key, { site, node, state: s.state, boot: s.boot, lastSeen: receivedAt, will: s.will ?? false, ...reported });
  }

  listDevices(): DeviceView[] {
    return [...this.devices.values()]
      .map(({ coverage, health, ...d }) => ({ ...d, state: stateOf(health, d.refused), sequence: d.messages === 0 ? null : coverage.view() }))
      .sort((a, b) => a.site.localeCompare(b.site) || a.node.localeCompare(b.node) || a.device.localeCompare(b.device));
  }

  listNodes(): NodeView[] {
    return [...this.nodes.values()];
  }

  private device(site: string, node: string, device: string): DeviceRecord {
    let d = this.devices.get(device);
    if (d === undefined) {
      d = { site, node, device, lastSeen: 0, lastDeviceTime: null, health: 'unknown', metrics: {}, messages: 0, coverage: new SequenceCoverage() };
      this.devices.set(device, d);
    }
    return d;
  }
}

function stateOf(health: DeviceRecord['health'], refused: RefusedView | undefined): DeviceState {
  if (health === 'error' || health === 'stale') return health;
  return refused !== undefined ? 'refused' : health;
}
