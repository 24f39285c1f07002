/** Response and request schemas of the HTTP API: they validate requests, shape responses and generate OpenAPI. */
import { Type } from '@sinclair/typebox';

export const ErrorBody = Type.Object({ code: Type.String(), message: Type.String() }, { $id: 'Error' });

export const ReadingBody = Type.Object({
  site: Type.String(), node: Type.String(), device: Type.String(), metric: Type.String(),
  time: Type.Integer({ description: 'Device time, ms since the epoch' }),
  value: Type.Number(), unit: Type.String(), seq: Type.Integer(),
  receivedAt: Type.Integer({ description: 'Gateway receive time, ms since the epoch' }),
  flags: Type.Integer({ description: 'Bit 1: clock skew; bit 2: late (store-and-forward replay)' }),
});

export const DeviceBody = Type.Object({
  site: Type.String(), node: Type.String(), device: Type.String(),
  lastSeen: Type.Integer({ description: 'Receive time of the last message (stored, refused or status), ms' }),
  lastDeviceTime: Type.Union([Type.Integer(), Type.Null()], { description: 'Latest device time of a stored reading, ms; null: no reading of the device stored since the gateway started (never)' }),
  state: Type.Union([Type.Literal('ok'), Type.Literal('stale'), Type.Literal('error'), Type.Literal('unknown'), Type.Literal('refused')], {
    description: '`refused`: its last data message was refused (quarantined) and none stored since; `ok` again after one is stored. A device status `error` or `stale` wins over it',
  }),
  error: Type.Optional(Type.String()),
  refused: Type.Optional(Type.Object({
    code: Type.String({ description: 'Reject code of the latest refused message' }), detail: Type.String(),
    at: Type.Integer({ description: 'Receive time of the latest refused message, ms' }),
    count: Type.Integer({ description: 'Messages refused since the last stored one' }),
  }, { description: 'Refusals since the last stored message; absent when there are none' })),
  messages: Type.Integer({ description: 'Data messages stored since the gateway started' }),
  sequence: Type.Union([Type.Object({
    first: Type.Integer(), last: Type.Integer(), received: Type.Integer(),
    missing: Type.Integer({ description: 'Sequence numbers between first and last not received (lost, or still in a store-and-forward backlog)' }),
    coverage: Type.Number({ description: 'received / (last - first + 1)' }),
  }), Type.Null()], { description: 'Per-device message sequence coverage since the gateway started; null: no data message stored yet' }),
  metrics: Type.Record(Type.String(), Type.Object({ value: Type.Number(), unit: Type.String(), time: Type.Integer() })),
});

export const NodeBody = Type.Object({
  site: Type.String(), node: Type.String(), state: Type.String(), boot: Type.String(), lastSeen: Type.Integer(), will: Type.Boolean(),
  outbox: Type.Optional(Type.Object({ depth: Type.Integer(), bytes: Type.Integer(), droppedFull: Type.Integer(), droppedExpired: Type.Integer() }, {
    description: 'The outbox as the node last reported it: its online status every minute and its clean offline status carry it; a will does not',
  })),
  outboxReportedAt: Type.Optional(Type.Integer({ description: 'Receive time of the status that reported `outbox`, ms; before `lastSeen` when the last status (a will) carried none' })),
});

export const QuarantineBody = Type.Object({
  id: Type.Integer(), receivedAt: Type.Integer(), topic: Type.String(), clientId: Type.String(),
  device: Type.Union([Type.String(), Type.Null()]), code: Type.String(), detail: Type.String(),
  size: Type.Integer({ description: 'Original payload size, bytes' }),
  payload: Type.String({ description: 'Payload as UTF-8 (invalid bytes replaced), possibly truncated' }),
  payloadBase64: Type.String({ description: 'Payload bytes as kept, base64' }),
  replayedAt: Type.Union([Type.Integer(), Type.Null()]), replayResult: Type.Union([Type.String(), Type.Null()]),
  replays: Type.Array(Type.Object({ at: Type.Integer(), result: Type.String() }), { description: 'Every replay of this entry, oldest first' }),
});

export const StatusEventBody = Type.Object({
  receivedAt: Type.Integer(), site: Type.String(), node: Type.String(), device: Type.Union([Type.String(), Type.Null()]),
  state: Type.String(), time: Type.Integer(), body: Type.String(),
});

export const RollupBody = Type.Object({
  device: Type.String(), metric: Type.String(), unit: Type.String(),
  hour: Type.Integer({ description: 'Start of the hour (device time), ms' }),
  min: Type.Number(), max: Type.Number(), mean: Type.Number({ description: 'Arithmetic mean of the readings in the hour' }),
  count: Type.Integer(), firstTime: Type.Integer(), lastTime: Type.Integer(),
});
