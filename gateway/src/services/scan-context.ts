/**
 * What the scan service looks up in the registry, cached where it is asked for on every read: a scanner's door as
 * its registration stood at a read's device time (from the device's history, so a loading door moved to the next
 * truck does not take a late read of the last one with it), and the product a GTIN names. Both are forgotten when
 * the registry says the device or a product changed.
 */
import type { Device, Product } from '../domain/registry/types.js';
import type { ScannerRegistration } from '../domain/scans/registration.js';
import type { Clock } from '../ports/clock.js';
import type { RegistryStore } from '../ports/registry.js';
import type { RegistryChangeSet } from './registry.js';

interface Version {
  readonly fromMs: number;
  readonly door: ScannerRegistration | undefined;
}

/** A GTIN no product has reloads the products at most this often, ms. */
const RELOAD_ON_MISS_MS = 2000;

/** Most devices whose history is held; beyond it the cache starts again (a site has tens of scanners, not millions). */
const MAX_DEVICES = 10_000;

export class ScanContext {
  private readonly versions = new Map<string, Version[]>();
  private gtins: Map<string, Product> | undefined;
  private gtinsLoadedAt = -Infinity;

  constructor(private readonly store: RegistryStore, private readonly clock: Clock) {}

  /**
   * The door of `device` at device time `t`: the registration written last at or before `t`; a read older than the
   * device's first registration takes that one (the registry was set up after the scanner started).
   */
  async doorAt(device: string, t: number): Promise<ScannerRegistration | undefined> {
    let list = this.versions.get(device);
    if (list === undefined) {
      const history = await this.store.history('devices', device);
      list = history.map((h) => ({ fromMs: Date.parse(h.at), door: h.change === 'deleted' ? undefined : (h.after as Device | undefined)?.scanner }));
      if (this.versions.size >= MAX_DEVICES) this.versions.clear();
      this.versions.set(device, list);
    }
    let door = list[0]?.door;
    for (const v of list) if (v.fromMs <= t) door = v.door;
    return door;
  }

  /**
   * The product whose `gtins` hold `gtin`. A GTIN not found reloads the products when the last load is older than
   * RELOAD_ON_MISS_MS: the registry names the products it replaced, not those it created.
   */
  async productOf(gtin: string): Promise<Product | undefined> {
    const now = this.clock.now();
    if (this.gtins === undefined || (!this.gtins.has(gtin) && now - this.gtinsLoadedAt > RELOAD_ON_MISS_MS)) {
      const map = new Map<string, Product>();
      let after: string | undefined;
      for (;;) {
        const page = await this.store.list('products', { ...(after !== undefined ? { after } : {}), limit: 1000 });
        for (const p of page) for (const g of p.gtins ?? []) map.set(g, p);
        if (page.length < 1000) break;
        after = page[page.length - 1]!.id;
      }
      this.gtins = map;
      this.gtinsLoadedAt = now;
    }
    return this.gtins.get(gtin);
  }

  /** Registry listener: what changed is looked up again when next asked for. */
  readonly registryChanged = (change: RegistryChangeSet): void => {
    for (const d of change.registeredDevices) this.versions.delete(d);
    if (change.products.length > 0) this.gtins = undefined;
  };
}
