/** Schemas of flags in the API (docs/rules.md): they shape responses and generate OpenAPI. */
import { Type } from '@sinclair/typebox';

const SampleBody = Type.Object({ t: Type.Number({ description: 'Device time, ms' }), v: Type.Number() });
const Ids = Type.Array(Type.String());

export const EpisodeBody = Type.Object({
  startMs: Type.Number(), endMs: Type.Number(), metAtMs: Type.Number({ description: 'When the alarm condition was met' }), durationMs: Type.Number(),
  firstOffending: SampleBody, lastOffending: SampleBody, min: Type.Number(), max: Type.Number(),
  twa: Type.Number({ description: 'Time-weighted mean' }), mkt: Type.Optional(Type.Number()), device: Type.Optional(Type.String()),
});

export const FlagBody = Type.Object({
  id: Type.String({ description: 'rule@kind:subject: one flag per rule and subject' }),
  rule: Type.String(), params: Type.Record(Type.String(), Type.Unknown(), { description: 'The rule parameters as they were' }),
  subject: Type.Object({ kind: Type.String(), id: Type.String() }),
  severity: Type.Union([Type.Literal('warning'), Type.Literal('major'), Type.Literal('critical')]),
  title: Type.String(), startMs: Type.Number(), endMs: Type.Number(), metAtMs: Type.Number(),
  active: Type.Boolean({ description: 'The condition still holds at the end of the data; false once cleared' }),
  episodes: Type.Array(EpisodeBody), figures: Type.Record(Type.String(), Type.Union([Type.Number(), Type.String()])),
  related: Type.Object({ devices: Ids, zones: Ids, batches: Ids, shipments: Ids, orders: Ids }),
  state: Type.Union([Type.Literal('open'), Type.Literal('acknowledged'), Type.Literal('resolved')]),
  withdrawn: Type.Boolean({ description: 'The data no longer shows it (kept as history)' }),
  raisedAt: Type.Number(), updatedAt: Type.Number(),
  events: Type.Array(Type.Object({ kind: Type.String(), at: Type.Number(), by: Type.String(), comment: Type.Optional(Type.String()) })),
});
