/**
 * What a notification says about a flag and what a policy matches it on (issue #22): the flag's own fields, and
 * from the registry the sites of its zones and the products of its batches. Lookups are cached per call, so a
 * site-wide power cut of 1,000 flags reads each zone and batch once.
 */
import { tierOf, zonesOf } from '../domain/alerts/alertmanager.js';
import type { Flag } from '../domain/flags/types.js';
import type { AlarmInfo } from '../domain/notify/message.js';
import type { AlarmFacts } from '../domain/notify/policy.js';
import type { RegistryStore } from '../ports/registry.js';

export interface FlagFacts {
  readonly facts: AlarmFacts;
  readonly info: Omit<AlarmInfo, 'id'>;
}

export type FactsOf = (flags: readonly Flag[]) => Promise<FlagFacts[]>;

/** `publicUrl`: the gateway as people reach it, for the evidence links (none: no links). */
export function flagFacts(registry: Pick<RegistryStore, 'get'>, publicUrl: string | undefined): FactsOf {
  return async (flags) => {
    const sites = new Map<string, Promise<string | undefined>>();
    const products = new Map<string, Promise<{ id: string; name: string } | undefined>>();
    const siteOf = (zone: string): Promise<string | undefined> => cached(sites, zone, async () => (await registry.get('zones', zone))?.site);
    const productOf = (batch: string): Promise<{ id: string; name: string } | undefined> => cached(products, batch, async () => {
      const b = await registry.get('batches', batch);
      if (b === undefined) return undefined;
      return { id: b.product, name: (await registry.get('products', b.product))?.name ?? b.product };
    });
    return Promise.all(flags.map(async (f) => {
      const zones = zonesOf(f);
      const siteList = uniq(await Promise.all(zones.map(siteOf)));
      const goods = (await Promise.all(f.related.batches.map(productOf))).filter((p) => p !== undefined);
      const productList = uniq(goods.map((p) => p.name));
      const devices = uniq([...f.related.devices, ...f.episodes.flatMap((e) => (e.device !== undefined ? [e.device] : []))]);
      // A policy may name a product by its id or its name.
      const facts: AlarmFacts = { rule: f.rule, severity: f.severity, tier: tierOf(f), sites: siteList, zones, products: uniq(goods.flatMap((p) => [p.id, p.name])), devices };
      const base = publicUrl?.replace(/\/+$/, '');
      const info: Omit<AlarmInfo, 'id'> = {
        flagId: f.id, title: f.title, rule: f.rule, severity: f.severity, subject: `${f.subject.kind} ${f.subject.id}`, metAtMs: f.metAtMs,
        figures: f.figures, sites: siteList, zones, devices, batches: f.related.batches, products: productList, orders: f.related.orders,
        ...(base !== undefined ? { evidenceUrl: `${base}/api/v1/flags/${encodeURIComponent(f.id)}` } : {}),
      };
      return { facts, info };
    }));
  };
}

function cached<T>(m: Map<string, Promise<T>>, k: string, load: () => Promise<T>): Promise<T> {
  let p = m.get(k);
  if (p === undefined) {
    p = load();
    m.set(k, p);
  }
  return p;
}

function uniq(xs: readonly (string | undefined)[]): string[] {
  return [...new Set(xs.filter((x): x is string => x !== undefined))].sort();
}
