/**
 * Custody at ingest speed: which zone or shipment a device was in at a reading's device time. Device placements are
 * held in memory per device (sorted spans, binary search); batches and orders stay in the registry store and are
 * looked up when asked. Sees committed readings through the hook after the commit and keeps, per device, what it
 * could not link: readings of devices the registry does not know (unassigned) and readings outside every placement
 * of a known device (unlinked). Nothing is dropped: the readings are stored either way, and a placement recorded
 * later links them (linking is computed from placements when evidence is asked for, never copied onto readings).
 */
import { locate, type LocatedSpan, type Location } from '../domain/custody/spans.js';
import type { StoredReading } from '../domain/reading.js';
import type { Placement } from '../domain/registry/types.js';
import type { RegistryStore } from '../ports/registry.js';
import type { RegistryChangeSet } from './registry.js';
import { UnlinkedRuns, type UnlinkedRun } from './unlinked-runs.js';

export interface CustodyCounters {
  /** Readings of committed commits resolved to a zone or shipment / to none, counted once per commit. */
  linked(n: number): void;
  unlinked(n: number): void;
}

export interface UnassignedDevice {
  readonly device: string;
  readonly site: string;
  readonly node: string;
  readonly readings: number;
  readonly firstTime: number;
  readonly lastTime: number;
}

export interface DeviceUnlinked {
  readonly device: string;
  readonly runs: readonly UnlinkedRun[];
}

/** Above this many placements in one registry change, the whole index is rebuilt rather than patched. */
const REBUILD_ABOVE = 1000;

export function locationOf(p: Placement): Location {
  return p.zone !== undefined ? { kind: 'zone', id: p.zone } : { kind: 'shipment', id: p.shipment ?? '' };
}

export function spanOfPlacement(p: Placement): LocatedSpan {
  return { fromMs: Date.parse(p.from), toMs: p.to === undefined ? Infinity : Date.parse(p.to), location: locationOf(p), placement: p.id };
}

export class CustodyIndex {
  private spans = new Map<string, LocatedSpan[]>();
  /** Placement id -> device, so a placement moved to another device updates both. */
  private deviceOfPlacement = new Map<string, string>();
  private known = new Set<string>();
  private readonly unassigned = new Map<string, { site: string; node: string; readings: number; firstTime: number; lastTime: number }>();
  private readonly runs = new UnlinkedRuns();

  constructor(private readonly registry: RegistryStore, private readonly counters: CustodyCounters) {}

  /** Builds the index from the registry (at start, and after a large import). */
  async load(): Promise<void> {
    const spans = new Map<string, LocatedSpan[]>();
    const byPlacement = new Map<string, string>();
    for (const p of await this.registry.devicePlacements()) {
      const d = p.device!;
      (spans.get(d) ?? spans.set(d, []).get(d)!).push(spanOfPlacement(p));
      byPlacement.set(p.id, d);
    }
    for (const list of spans.values()) list.sort((a, b) => a.fromMs - b.fromMs);
    const known = new Set<string>();
    let after: string | undefined;
    for (;;) {
      const page = await this.registry.list('devices', { ...(after !== undefined ? { after } : {}), limit: 10_000 });
      for (const d of page) known.add(d.id);
      if (page.length < 10_000) break;
      after = page[page.length - 1]!.id;
    }
    this.spans = spans;
    this.deviceOfPlacement = byPlacement;
    this.known = known;
    for (const d of known) this.unassigned.delete(d);
    for (const [d, list] of spans) this.runs.cover(d, list);
  }

  /** The registry changed: placements of these devices are re-read; what they now cover is no longer unlinked. */
  readonly registryChanged = async (change: RegistryChangeSet): Promise<void> => {
    if (change.placements.length > REBUILD_ABOVE) return this.load();
    for (const d of change.registeredDevices) {
      this.known.add(d);
      this.unassigned.delete(d);
    }
    const devices = new Set(change.devices);
    for (const p of change.placements) {
      const before = this.deviceOfPlacement.get(p.id);
      if (before !== undefined) devices.add(before);
    }
    if (devices.size === 0) return;
    const fresh = await this.registry.placementsOf([...devices].map((d) => `device:${d}`));
    for (const d of devices) {
      for (const s of this.spans.get(d) ?? []) this.deviceOfPlacement.delete(s.placement);
      this.spans.delete(d);
    }
    for (const p of fresh) {
      const d = p.device!;
      (this.spans.get(d) ?? this.spans.set(d, []).get(d)!).push(spanOfPlacement(p));
      this.deviceOfPlacement.set(p.id, d);
    }
    for (const d of devices) {
      const list = this.spans.get(d);
      if (list === undefined) continue;
      list.sort((a, b) => a.fromMs - b.fromMs);
      this.runs.cover(d, list);
    }
  };

  /** Where a device was at device time `t`: the zone or shipment and the placement, or undefined. */
  locate(device: string, t: number): LocatedSpan | undefined {
    const list = this.spans.get(device);
    return list === undefined ? undefined : locate(list, t);
  }

  /** The hook after the commit (WriteBatcher.onCommitted): counts and remembers what did not link. */
  readonly committed = (readings: readonly StoredReading[]): void => {
    let linked = 0;
    let unlinked = 0;
    let lastDevice = '';
    let list: LocatedSpan[] | undefined;
    for (const r of readings) {
      // Commits hold a device's readings together: its span list is looked up once per run of them.
      if (r.device !== lastDevice) {
        lastDevice = r.device;
        list = this.spans.get(r.device);
      }
      if (list !== undefined && locate(list, r.time) !== undefined) {
        linked++;
        continue;
      }
      unlinked++;
      if (!this.known.has(r.device)) this.noteUnassigned(r);
      else this.runs.add(r.device, r.time);
    }
    if (linked > 0) this.counters.linked(linked);
    if (unlinked > 0) this.counters.unlinked(unlinked);
  };

  private noteUnassigned(r: StoredReading): void {
    const u = this.unassigned.get(r.device);
    if (u === undefined) this.unassigned.set(r.device, { site: r.site, node: r.node, readings: 1, firstTime: r.time, lastTime: r.time });
    else {
      u.readings++;
      if (r.time < u.firstTime) u.firstTime = r.time;
      if (r.time > u.lastTime) u.lastTime = r.time;
    }
  }

  /** Devices publishing that the registry does not know, since the gateway started. */
  unassignedDevices(): UnassignedDevice[] {
    return [...this.unassigned].map(([device, u]) => ({ device, ...u })).sort((a, b) => (a.device < b.device ? -1 : 1));
  }

  /** Known devices with readings outside every placement, since the gateway started. */
  unlinkedDevices(): DeviceUnlinked[] {
    return this.runs.list();
  }

  /** Devices placed in a zone at `t` (its sensors), with the zone. */
  zoneSensorsAt(t: number): { device: string; zone: string }[] {
    const out: { device: string; zone: string }[] = [];
    for (const [device, list] of this.spans) {
      const s = locate(list, t);
      if (s !== undefined && s.location.kind === 'zone') out.push({ device, zone: s.location.id });
    }
    return out.sort((a, b) => (a.device < b.device ? -1 : a.device > b.device ? 1 : 0));
  }

  /** Shipments with a device placed on them at `t` (their trackers). */
  shipmentsWithTrackers(t: number): string[] {
    const out = new Set<string>();
    for (const list of this.spans.values()) {
      const s = locate(list, t);
      if (s !== undefined && s.location.kind === 'shipment') out.add(s.location.id);
    }
    return [...out].sort();
  }

  /** Memory the index holds: devices and spans (for the benchmark's report). */
  size(): { devices: number; spans: number } {
    let spans = 0;
    for (const l of this.spans.values()) spans += l.length;
    return { devices: this.spans.size, spans };
  }
}
