/**
 * Line-protocol schema of a flag event (issue #16), beside the readings' (schema.ts), for Grafana's annotations and
 * its table of open flags (dashboards/grafana, docs/dashboard.md "Grafana").
 *
 *   flag_event,flag=…,event=raised,rule=…,severity=major,tier=2,subject_kind=batch,subject_id=…,site=…,zone=…,shipment=…
 *     state="open",active=true,title="…",orders="O-1,O-2",…,start_ms=…i,end_ms=…i,met_at_ms=…i,figure_max=9.4 {event time, ms}
 *
 * - One measurement for every flag event; time = the event's gateway time (raised, acknowledged ... when it happened).
 * - Point identity = measurement + tags + time. Every tag is a function of (flag, event, time): the same event
 *   mirrored again rewrites the same point (stored once); two events of a flag at one moment differ by `event`.
 * - The fields are the flag as it is after the event, so a flag's last point is its current state.
 * - Figures are float fields `figure_{name}`, the rules' numeric evidence numbers (min, max, twa, totalBeyondMin,
 *   ...); text figures are in `notes` (a field's type is fixed per shard: a name must never be both).
 */
import { Point } from '@influxdata/influxdb-client';
import type { FlagPoint } from '../../domain/flags/mirror.js';

export const FLAG_MEASUREMENT = 'flag_event';
/** Tags, in the order they are set (Point sorts them when writing). */
export const FLAG_TAGS = ['flag', 'event', 'rule', 'severity', 'tier', 'subject_kind', 'subject_id', 'site', 'zone', 'shipment'] as const;
/** Fields every point has (`comment` only when there was one; figures besides, see FLAG_FIGURE_PREFIX). */
export const FLAG_FIELDS = ['state', 'active', 'title', 'orders', 'batches', 'devices', 'start_ms', 'end_ms', 'met_at_ms', 'actor', 'comment',
  'evidence_url', 'flag_url', 'notes'] as const;
/** Prefix of the numeric figure fields: `figure_max`, `figure_twa` ... */
export const FLAG_FIGURE_PREFIX = 'figure_';

export type FlagTag = (typeof FLAG_TAGS)[number];
export type FlagField = (typeof FLAG_FIELDS)[number];

/** The point of one flag event. */
export function flagPoint(p: FlagPoint): Point {
  const tags: Record<FlagTag, string> = {
    flag: p.flag, event: p.event, rule: p.rule, severity: p.severity, tier: p.tier, subject_kind: p.subjectKind,
    subject_id: p.subjectId, site: p.site, zone: p.zone, shipment: p.shipment,
  };
  const point = new Point(FLAG_MEASUREMENT);
  for (const t of FLAG_TAGS) point.tag(t, tags[t]);
  point.stringField('state', p.state).booleanField('active', p.active).stringField('title', p.title)
    .stringField('orders', p.orders).stringField('batches', p.batches).stringField('devices', p.devices)
    .intField('start_ms', p.startMs).intField('end_ms', p.endMs).intField('met_at_ms', p.metAtMs)
    .stringField('actor', p.actor).stringField('evidence_url', p.evidenceUrl).stringField('flag_url', p.flagUrl).stringField('notes', p.notes);
  if (p.comment !== undefined) point.stringField('comment', p.comment);
  for (const [k, v] of Object.entries(p.figures)) point.floatField(`${FLAG_FIGURE_PREFIX}${k}`, v);
  return point.timestamp(Math.floor(p.at));
}

/** Line protocol of flag events, one line each (ms timestamps). Throws on a point that cannot be encoded. */
export function flagLines(points: readonly FlagPoint[]): string[] {
  return points.map((p) => {
    const line = flagPoint(p).toLineProtocol();
    if (line === undefined) throw new Error(`flag ${p.flag}: no line protocol`);
    return line;
  });
}
