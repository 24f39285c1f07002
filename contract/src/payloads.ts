/**
 * Payload schemas, contract v1 (JSON, UTF-8). The schemas are the single source of truth: the gateway validates
 * with them, the agent's types come from them, and docs/contract.md shows them.
 *
 * Times are integers, milliseconds since the Unix epoch, UTC, as measured by the DEVICE ("device time"). The
 * gateway stamps its own receive time separately; the two are never mixed.
 */
import { Type, type Static } from '@sinclair/typebox';
import { ID_PATTERN } from './topics.js';

/** Largest accepted payload. Larger messages are quarantined with E_OVERSIZE (the raw bytes are kept, truncated). */
export const MAX_PAYLOAD_BYTES = 256 * 1024;
/** Most readings in one data message. */
export const MAX_READINGS_PER_MESSAGE = 1000;
/** 2001-09-09: anything earlier is a device with an unset clock, not a measurement. */
export const MIN_DEVICE_TIME_MS = 1_000_000_000_000;
/** 2100-01-01. */
export const MAX_DEVICE_TIME_MS = 4_102_444_800_000;

function epochMs(description = 'Device time, ms since the Unix epoch (UTC)') {
  return Type.Integer({ minimum: MIN_DEVICE_TIME_MS, maximum: MAX_DEVICE_TIME_MS, description });
}

export const ReadingSchema = Type.Object(
  {
    metric: Type.String({ minLength: 1, maxLength: 64, description: 'A name from the metric catalogue' }),
    value: Type.Union([Type.Number(), Type.Boolean()], { description: 'Type pinned by the catalogue' }),
    unit: Type.String({ minLength: 1, maxLength: 16, description: 'Must equal the catalogue unit' }),
    time: Type.Optional(epochMs('Device time of this reading when it differs from the message time')),
  },
  { additionalProperties: false },
);

export const DataMessageSchema = Type.Object(
  {
    v: Type.Literal(1, { description: 'Contract version' }),
    seq: Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: 'Per-device message sequence, +1 per message, never reused across restarts' }),
    time: epochMs(),
    readings: Type.Array(ReadingSchema, { minItems: 1, maxItems: MAX_READINGS_PER_MESSAGE }),
  },
  { additionalProperties: false },
);

export const NodeStatusSchema = Type.Object(
  {
    v: Type.Literal(1),
    state: Type.Union([Type.Literal('online'), Type.Literal('offline')]),
    time: epochMs(),
    /** Changes every time the agent process starts; lets a consumer tell a restart from a reconnect. */
    boot: Type.String({ minLength: 1, maxLength: 64 }),
    /** True when this is the broker-published last will (the agent died without a clean disconnect). */
    will: Type.Optional(Type.Boolean()),
    version: Type.Optional(Type.String({ maxLength: 32 })),
    devices: Type.Optional(Type.Array(Type.String({ pattern: ID_PATTERN }), { maxItems: 1000 })),
    /** The node's store-and-forward outbox at `time`; drop counts are since `boot`. */
    outbox: Type.Optional(Type.Object({
      depth: Type.Integer({ minimum: 0, description: 'Messages waiting for a PUBACK' }),
      bytes: Type.Integer({ minimum: 0 }),
      droppedFull: Type.Integer({ minimum: 0, description: 'Oldest messages dropped because the outbox was full' }),
      droppedExpired: Type.Integer({ minimum: 0, description: 'Messages dropped because they were older than the outbox max age' }),
    }, { additionalProperties: false })),
  },
  { additionalProperties: false },
);

export const DeviceStatusSchema = Type.Object(
  {
    v: Type.Literal(1),
    time: epochMs(),
    state: Type.Union([Type.Literal('ok'), Type.Literal('stale'), Type.Literal('error')]),
    /** Last error seen reading the device (timeout, CRC, exception code ...). */
    error: Type.Optional(Type.String({ maxLength: 512 })),
    errorCount: Type.Optional(Type.Integer({ minimum: 0 })),
    lastGoodTime: Type.Optional(epochMs()),
  },
  { additionalProperties: false },
);

export type Reading = Static<typeof ReadingSchema>;
export type DataMessage = Static<typeof DataMessageSchema>;
export type NodeStatus = Static<typeof NodeStatusSchema>;
export type DeviceStatus = Static<typeof DeviceStatusSchema>;
