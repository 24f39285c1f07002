/**
 * Mirrors every flag event into the remote time-series store (issue #16), for Grafana's flag annotations and its
 * table of open flags: the rules' changes and people's moves, as they are told to the order hub. The sink is the
 * readings' spool, so an outage of the store delays the points and loses none.
 */
import type { Logger } from 'pino';
import { flagPoints } from '../domain/flags/mirror.js';
import type { Flag } from '../domain/flags/types.js';
import { zonesOf } from '../domain/alerts/alertmanager.js';
import type { FlagPointSink } from '../ports/flag-mirror.js';
import type { FlagChange, FlagStore } from '../ports/flags.js';
import type { RegistryStore } from '../ports/registry.js';

export interface FlagMirrorDeps {
  readonly sink: FlagPointSink;
  /** Sites of zones, sorted, each once. */
  readonly sitesOf: (zones: readonly string[]) => Promise<string[]>;
  /** The gateway's public base URL for the evidence links; '' or absent: links relative to it. */
  readonly publicUrl?: string;
  readonly log: Logger;
}

export class FlagMirror {
  private mirrored = 0;
  private failed = 0;

  constructor(private readonly deps: FlagMirrorDeps) {}

  /** The flag listener. Never rejects: a failure is logged and counted (the flag itself is stored). */
  readonly accept = async (changes: readonly FlagChange[]): Promise<void> => {
    if (changes.length === 0) return;
    try {
      const sites = new Map<string, string[]>();
      for (const c of changes) sites.set(c.flag.id, await this.deps.sitesOf(zonesOf(c.flag)));
      const publicUrl = this.deps.publicUrl ?? '';
      const points = flagPoints(changes, (f: Flag) => ({ sites: sites.get(f.id) ?? [], publicUrl }));
      await this.deps.sink.write(points);
      this.mirrored += points.length;
    } catch (err) {
      this.failed += changes.length;
      this.deps.log.error({ err, flags: changes.map((c) => c.flag.id) }, 'flag events not mirrored to the remote store');
    }
  };

  /**
   * At start: the last event of each flag (the newest `limit` by change, withdrawn ones too), in chunks of `chunk`.
   * Such a point is exactly the one its event wrote (same identity, same fields), so a store that has it keeps one;
   * a store that lacks it (flags older than the mirror, a point lost in a crash between the flag store and the spool)
   * gets each flag's current state. Earlier events of a flag are not rewritten: their fields were the flag as it was.
   */
  async backfill(flags: Pick<FlagStore, 'list'>, limit = 10_000, chunk = 500): Promise<number> {
    const all = await flags.list({ withdrawn: true, limit });
    let n = 0;
    for (let i = 0; i < all.length; i += chunk) {
      const changes = all.slice(i, i + chunk).flatMap((flag) => {
        const last = flag.events.at(-1);
        return last === undefined ? [] : [{ flag, events: [last.kind] }];
      });
      const before = this.mirrored;
      await this.accept(changes);
      n += this.mirrored - before;
    }
    return n;
  }

  /** Points mirrored and changes that could not be, since start. */
  stats(): { mirrored: number; failed: number } {
    return { mirrored: this.mirrored, failed: this.failed };
  }
}

/** Sites of zones from the registry (a zone belongs to one site), sorted, each once. */
export function zoneSites(registry: Pick<RegistryStore, 'get'>): (zones: readonly string[]) => Promise<string[]> {
  return async (zones) => [...new Set((await Promise.all(zones.map((z) => registry.get('zones', z)))).flatMap((z) => (z !== undefined ? [z.site] : [])))].sort();
}
