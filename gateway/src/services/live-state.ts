/**
 * What the gateway knows about each device right now: last readings, health and sequence coverage. In memory; the
 * store holds the history. Feeds the live dashboard and per-device metrics.
 */
import type { DeviceStatus, NodeStatus } from '@coldtrace/contract';
import type { StoredReading } from '../domain/reading.js';
import { SequenceCoverage, type SequenceCoverageView } from '../domain/sequence-coverage.js';

export interface DeviceView {
  readonly site: string;
  readonly node: string;
  readonly device: string;
  /** Gateway receive time of the last message, ms. */
  lastSeen: number;
  /** Latest device time seen in a reading, ms. */
  lastDeviceTime: number;
  state: 'ok' | 'stale' | 'error' | 'unknown';
  error?: string;
  /** Latest value per metric (by device time). */
  metrics: Record<string, { value: number; unit: string; time: number }>;
  messages: number;
  /** Sequence coverage since the gateway started: gaps are lost or still-travelling messages. */
  sequence: SequenceCoverageView;
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
}

/** A device as kept between messages: its coverage is turned into a view only when the devices are listed. */
type DeviceRecord = Omit<DeviceView, 'sequence'> & { readonly coverage: SequenceCoverage };

export class LiveState {
  private readonly devices = new Map<string, DeviceRecord>();
  private readonly nodes = new Map<string, NodeView>();

  onReadings(site: string, node: string, device: string, seq: number, readings: readonly StoredReading[], receivedAt: number): void {
    const d = this.device(site, node, device);
    d.lastSeen = receivedAt;
    d.messages++;
    d.coverage.add(seq);
    if (d.state === 'unknown') d.state = 'ok';
    for (const r of readings) {
      const cur = d.metrics[r.metric];
      // Updated in place: one object per device and metric, not one per reading.
      if (cur === undefined) d.metrics[r.metric] = { value: r.value, unit: r.unit, time: r.time };
      else if (r.time >= cur.time) {
        cur.value = r.value;
        cur.unit = r.unit;
        cur.time = r.time;
      }
      if (r.time > d.lastDeviceTime) d.lastDeviceTime = r.time;
    }
  }

  onDeviceStatus(site: string, node: string, device: string, s: DeviceStatus, receivedAt: number): void {
    const d = this.device(site, node, device);
    d.lastSeen = receivedAt;
    d.state = s.state;
    if (s.error === undefined) delete d.error;
    else d.error = s.error;
  }

  onNodeStatus(site: string, node: string, s: NodeStatus, receivedAt: number): void {
    // A will carries no outbox figures: keep the last ones the node reported.
    const outbox = s.outbox ?? this.nodes.get(`${site}/${node}`)?.outbox;
    this.nodes.set(`${site}/${node}`, { site, node, state: s.state, boot: s.boot, lastSeen: receivedAt, will: s.will ?? false, ...(outbox !== undefined ? { outbox } : {}) });
  }

  listDevices(): DeviceView[] {
    return [...this.devices.values()].map(({ coverage, ...d }) => ({ ...d, sequence: coverage.view() })).sort((a, b) => a.site.localeCompare(b.site) || a.node.localeCompare(b.node) || a.device.localeCompare(b.device));
  }

  listNodes(): NodeView[] {
    return [...this.nodes.values()];
  }

  private device(site: string, node: string, device: string): DeviceRecord {
    let d = this.devices.get(device);
    if (d === undefined) {
      d = { site, node, device, lastSeen: 0, lastDeviceTime: 0, state: 'unknown', metrics: {}, messages: 0, coverage: new SequenceCoverage() };
      this.devices.set(device, d);
    }
    return d;
  }
}
