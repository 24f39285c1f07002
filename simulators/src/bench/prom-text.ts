/** Reading the gateway's /metrics (Prometheus text) between two scrapes, for the bench's "inside the gateway" figures. */

/** Sum of the samples of metric `name` (exact name, any labels) on lines that contain every one of `labels`. */
export function sample(text: string, name: string, ...labels: string[]): number {
  let n = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name) || (line[name.length] !== ' ' && line[name.length] !== '{')) continue;
    if (!labels.every((l) => line.includes(l))) continue;
    n += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return n;
}

/**
 * Upper bound, ms, of the histogram bucket holding quantile `q` of what was observed between the scrapes `before`
 * and `after`; with `labels` (e.g. `lane="live"`), of the series carrying them. Infinity beyond the last finite bound.
 */
export function bucketQuantile(before: string, after: string, name: string, q: number, ...labels: string[]): number {
  const count = sample(after, `${name}_count`, ...labels) - sample(before, `${name}_count`, ...labels);
  // Buckets are cumulative and listed in rising order: the first whose count reaches q of the total holds it.
  for (const m of after.matchAll(new RegExp(`^${name}_bucket\\{([^}]*)\\} (\\d+)$`, 'gm'))) {
    const set = m[1]!;
    const le = /le="([^"+]+)"/.exec(set)?.[1];
    if (le === undefined || !labels.every((l) => set.includes(l))) continue;
    if (Number(m[2]) - sample(before, `${name}_bucket`, `le="${le}"`, ...labels) >= count * q) return Number(le) * 1000;
  }
  return Infinity;
}
