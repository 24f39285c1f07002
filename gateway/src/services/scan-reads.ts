/**
 * One scan message read by read (docs/scans.md): which batch each code names (created from the code when the
 * registry lacks it), whether the door refuses it, and what it does to custody. Reads of one message see each
 * other's moves; nothing is written here: the caller writes the registry changes and the log.
 */
import type { ScanCode } from '@coldtrace/contract';
import { decideCustody, type TruckFix, type Whereabouts } from '../domain/scans/decide.js';
import { doorVerdict, endOfDayMs } from '../domain/scans/door.js';
import type { CheckedRead, ScanTopic } from '../domain/scans/check.js';
import type { ScannerRegistration } from '../domain/scans/registration.js';
import type { Batch, Placement, Product, Shipment, Site, Zone } from '../domain/registry/types.js';
import type { FlagStore } from '../ports/flags.js';
import type { RegistryStore } from '../ports/registry.js';
import { identityKeys, type ScanEntry, type ScanLog } from '../ports/scans.js';
import type { ScanContext } from './scan-context.js';
import type { TelemetryStore } from '../ports/telemetry-store.js';
import { truckFixAt } from './scan-trucks.js';

export interface MessageOutcome {
  readonly entries: ScanEntry[];
  readonly batches: Batch[];
  /** Placements to put, by id (the last decision on one wins). */
  readonly placements: Map<string, Placement>;
}

type Verdict = Pick<ScanEntry, 'outcome' | 'reasonCode' | 'reason' | 'placement' | 'batch' | 'createdBatch'>;

export class MessageReads {
  private readonly batches = new Map<string, Batch | undefined>();
  private readonly placementsOf = new Map<string, Placement[]>();
  private readonly zones = new Map<string, Zone | undefined>();
  private readonly sites = new Map<string, Site | undefined>();
  private readonly shipments = new Map<string, Shipment | undefined>();
  /** Identity keys read with their lot in this message, and those looked up in the log. */
  private readonly seenHere = new Map<string, string>();
  private readonly learntCache = new Map<string, string | undefined>();
  /** Looked up once per message: an RFID portal reads a pallet's hundred tags in one. */
  private readonly products = new Map<string, Product | undefined>();
  private readonly dynamicExpiry = new Map<string, number>();
  readonly out: MessageOutcome = { entries: [], batches: [], placements: new Map() };

  constructor(
    private readonly store: RegistryStore, private readonly context: ScanContext, private readonly flags: Pick<FlagStore, 'list'> | undefined,
    private readonly identities: Pick<ScanLog, 'batchesOf'>,
    /** Trackers' GPS readings: a move to or from a truck that was far away is a contradiction. Absent: not checked. */
    private readonly telemetry: Pick<TelemetryStore, 'query'> | undefined,
    private readonly topic: ScanTopic, private readonly seq: number, private readonly receivedAt: number,
    /** What names this message in the ids of the placements it opens: its number (and time, for a reused number). */
    private readonly idPart = String(seq),
  ) {}

  async read(r: CheckedRead): Promise<void> {
    if (r.code?.batch !== undefined) for (const k of identityKeys(r.code)) this.seenHere.set(k, r.code.batch);
    const { site, node, device } = this.topic;
    const base = { site, node, device, seq: this.seq, index: r.index, time: r.time, receivedAt: this.receivedAt, via: r.via, raw: r.raw, ...(r.code !== undefined ? { code: r.code } : {}) };
    this.out.entries.push({ ...base, ...(await this.verdict(r)) });
  }

  private async verdict(r: CheckedRead): Promise<Verdict> {
    if (r.error !== undefined || r.code === undefined) return { outcome: 'bad-code', reasonCode: r.error?.code ?? 'E_SCAN_NO_CODE', reason: r.error?.reason ?? 'no code' };
    const door = await this.context.doorAt(this.topic.device, r.time);
    if (door === undefined) return unresolved('E_SCAN_NO_DOOR', `device ${this.topic.device} has no scanner registration (the device's 'scanner' field, docs/scans.md)`);
    const code = r.code;
    const id = code.batch ?? (await this.learnt(code));
    if (id === undefined) {
      return unresolved('E_SCAN_NO_BATCH', `the code names no batch (no AI 10)${identityKeys(code).length > 0 ? ', and no read of this pallet or item with its lot was seen before' : ''}`);
    }
    const named = await this.batchOf(id, code);
    if ('outcome' in named) return named;
    const { batch, created } = named;
    const mine = { batch: id, ...(created ? { createdBatch: true } : {}) };
    const gtin = code.gtin ?? code.content;
    if (!created && gtin !== undefined) {
      if (!this.products.has(batch.product)) this.products.set(batch.product, await this.store.get('products', batch.product));
      const product = this.products.get(batch.product);
      if (product?.gtins !== undefined && !product.gtins.includes(gtin)) {
        return { ...mine, outcome: 'contradiction', reasonCode: 'E_SCAN_GTIN_MISMATCH', reason: `batch ${id} is of product ${product.id}, whose GTINs do not include ${gtin}` };
      }
    }
    if (door.direction === 'in' && door.zone !== undefined) {
      const refusal = await this.refusal(r.time, code, batch, door.zone);
      if (refusal !== undefined) return { ...mine, outcome: 'refused', reasonCode: refusal.code, reason: refusal.reason };
    }
    return { ...mine, ...(await this.custody(id, r, door)) };
  }

  /** The batch an SSCC or a GTIN and serial was last read with (an RFID tag, a bare pallet label), this message's reads included. */
  private async learnt(code: ScanCode): Promise<string | undefined> {
    const keys = identityKeys(code);
    if (keys.length === 0) return undefined;
    for (const k of keys) {
      const here = this.seenHere.get(k);
      if (here !== undefined) return here;
    }
    const missing = keys.filter((k) => !this.learntCache.has(k));
    if (missing.length > 0) {
      const found = await this.identities.batchesOf(missing);
      for (const k of missing) this.learntCache.set(k, found.get(k));
    }
    for (const k of keys) {
      const b = this.learntCache.get(k);
      if (b !== undefined) return b;
    }
    return undefined;
  }

  /** The batch a lot names: the registry's, or one created from the code (then marked `created`). */
  private async batchOf(id: string, code: ScanCode): Promise<{ batch: Batch; created: boolean } | Verdict> {
    if (!this.batches.has(id)) this.batches.set(id, await this.store.get('batches', id));
    const known = this.batches.get(id);
    if (known !== undefined) return { batch: known, created: this.out.batches.some((b) => b.id === id) };
    const gtin = code.gtin ?? code.content;
    const product = gtin !== undefined ? await this.context.productOf(gtin) : undefined;
    if (product === undefined) return unresolved('E_SCAN_UNKNOWN_PRODUCT', `batch ${id} is not in the registry and ${gtin === undefined ? 'the code names no GTIN' : `no product lists GTIN ${gtin}`} to create it from`, id);
    if (code.producedOn === undefined || code.expiresOn === undefined) {
      return unresolved('E_SCAN_BATCH_INCOMPLETE', `batch ${id} is not in the registry and the code lacks its ${code.producedOn === undefined ? 'production date (AI 11)' : 'expiry (AI 17)'} to create it from`, id);
    }
    const batch: Batch = { id, product: product.id, quantity: code.count ?? 1, producedAt: code.producedOn, expiresAt: code.expiresOn };
    if (Date.parse(batch.expiresAt) <= Date.parse(batch.producedAt)) return unresolved('E_SCAN_BATCH_INCOMPLETE', `batch ${id}: expiry ${code.expiresOn} is not after production ${code.producedOn}`, id);
    this.batches.set(id, batch);
    this.out.batches.push(batch);
    return { batch, created: true };
  }

  private async refusal(t: number, code: ScanCode, batch: Batch, zone: string): Promise<{ code: string; reason: string } | undefined> {
    const site = await this.siteOfZone(zone);
    if (!this.dynamicExpiry.has(batch.id)) {
      const shelf = (await this.flags?.list({ subject: { kind: 'batch', id: batch.id }, rule: 'shelf-life/', limit: 1 }))?.[0];
      this.dynamicExpiry.set(batch.id, typeof shelf?.figures['dynamicExpiry'] === 'string' ? Date.parse(shelf.figures['dynamicExpiry']) : NaN);
    }
    const dynamic = this.dynamicExpiry.get(batch.id) ?? NaN;
    const v = doorVerdict(t, {
      labelledExpiryMs: code.expiresOn !== undefined ? endOfDayMs(code.expiresOn) : Date.parse(batch.expiresAt),
      ...(Number.isFinite(dynamic) ? { dynamicExpiryMs: dynamic } : {}),
      ...(site?.minRemainingShelfLifeDays !== undefined ? { minRemainingDays: site.minRemainingShelfLifeDays } : {}),
    });
    return v.ok ? undefined : { code: v.code, reason: v.reason };
  }

  private async custody(id: string, r: CheckedRead, door: ScannerRegistration): Promise<Verdict> {
    let list = this.placementsOf.get(id);
    if (list === undefined) {
      list = await this.store.placementsOf([`batch:${id}`]);
      this.placementsOf.set(id, list);
    }
    if (door.zone !== undefined) await this.siteOfZone(door.zone);
    if (door.shipment !== undefined) await this.shipment(door.shipment);
    for (const p of list) {
      if (p.zone !== undefined) await this.siteOfZone(p.zone);
      if (p.shipment !== undefined) await this.shipment(p.shipment);
    }
    this.fixes.clear();
    if (this.telemetry !== undefined) {
      const holding = list.find((p) => Date.parse(p.from) <= r.time && (p.to === undefined || r.time < Date.parse(p.to)));
      for (const s of new Set([holding?.shipment, door.shipment])) {
        if (s === undefined) continue;
        // Per minute of device time: a portal's reads of one message share the lookup.
        const key = `${s}@${Math.floor(r.time / 60_000)}`;
        if (!this.fixCache.has(key)) this.fixCache.set(key, await truckFixAt(s, r.time, this.store, this.telemetry));
        const fix = this.fixCache.get(key);
        if (fix !== undefined) this.fixes.set(s, fix);
      }
    }
    const newId = `scan-${this.topic.device}-${this.idPart}-${r.index}`;
    const d = decideCustody(id, list, r.time, door, this.whereabouts, newId);
    switch (d.kind) {
      case 'repeat':
        return { outcome: 'repeat', reason: d.reason };
      case 'contradiction':
        return { outcome: 'contradiction', reasonCode: d.code, reason: d.reason };
      case 'move': {
        const byId = new Map(list.map((p) => [p.id, p]));
        for (const p of d.put) {
          byId.set(p.id, p);
          this.out.placements.set(p.id, p);
        }
        this.placementsOf.set(id, [...byId.values()]);
        return { outcome: 'moved', placement: (d.opened ?? d.put[0]!).id };
      }
    }
  }

  private readonly whereabouts: Whereabouts = {
    zoneSite: (z) => this.zones.get(z)?.site,
    shipmentEnds: (s) => this.shipments.get(s),
    siteGeofence: (s) => this.sites.get(s)?.geofence,
    truckFix: (s) => this.fixes.get(s),
  };
  /** The trucks' fixes at the read being judged, and those looked up in this message. */
  private readonly fixes = new Map<string, TruckFix>();
  private readonly fixCache = new Map<string, TruckFix | undefined>();

  private async siteOfZone(zone: string): Promise<Site | undefined> {
    if (!this.zones.has(zone)) this.zones.set(zone, await this.store.get('zones', zone));
    const site = this.zones.get(zone)?.site;
    if (site === undefined) return undefined;
    if (!this.sites.has(site)) this.sites.set(site, await this.store.get('sites', site));
    return this.sites.get(site);
  }

  private async shipment(id: string): Promise<void> {
    if (!this.shipments.has(id)) this.shipments.set(id, await this.store.get('shipments', id));
    // Its ends' geofences: the truck's fix is measured against them.
    const s = this.shipments.get(id);
    for (const site of s !== undefined ? [s.origin, s.destination] : []) if (!this.sites.has(site)) this.sites.set(site, await this.store.get('sites', site));
  }
}

function unresolved(reasonCode: string, reason: string, batch?: string): Verdict {
  return { outcome: 'unresolved', reasonCode, reason, ...(batch !== undefined ? { batch } : {}) };
}
