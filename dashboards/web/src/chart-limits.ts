/**
 * The product ranges a zone sensor's chart shows as limit lines (issue #16): where the device is now (custody), the
 * batches stored there, their products' limits on the chart's metric. Best effort: without a registry, a placement
 * or limits the chart simply has no lines. Reads a handful of small registry entities per chart refresh.
 */
import type { ApiClient } from './api.js';

export interface LimitLine {
  readonly value: number;
  readonly bound: 'upper' | 'lower';
  /** Products with this limit. */
  readonly products: readonly string[];
}

interface Resolved { readonly batches: readonly string[] }
interface BatchBody { readonly product: string }
interface ProductBody { readonly id: string; readonly name: string; readonly limits: readonly { readonly metric: string; readonly bound: 'upper' | 'lower'; readonly value: number }[] }

/** Most batches whose products are read per refresh (a zone may hold hundreds; their products repeat). */
const MAX_BATCHES = 20;

export async function zoneLimits(api: ApiClient, device: string, metric: string, time: number): Promise<LimitLine[]> {
  const q = new URLSearchParams({ device, time: String(Math.round(time)) });
  const resolved = await api.getJson<Resolved>(`/api/v1/custody/resolve?${q.toString()}`);
  const products = new Set<string>();
  for (const b of resolved.batches.slice(0, MAX_BATCHES)) {
    products.add((await api.getJson<BatchBody>(`/api/v1/registry/batches/${encodeURIComponent(b)}`)).product);
  }
  const lines = new Map<string, { value: number; bound: 'upper' | 'lower'; products: string[] }>();
  for (const id of products) {
    const p = await api.getJson<ProductBody>(`/api/v1/registry/products/${encodeURIComponent(id)}`);
    for (const l of p.limits) {
      if (l.metric !== metric) continue;
      const key = `${l.bound}:${l.value}`;
      const line = lines.get(key) ?? { value: l.value, bound: l.bound, products: [] };
      if (!line.products.includes(p.name)) line.products.push(p.name);
      lines.set(key, line);
    }
  }
  return [...lines.values()].sort((a, b) => a.value - b.value);
}
