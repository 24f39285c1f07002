/**
 * Scan messages, contract v1 (issue #21): what a barcode scanner or an RFID reader behind an edge node read, on
 * `ct/v1/{site}/{node}/{device}/scan` (topics.ts), QoS 1, through the node's durable outbox like readings.
 *
 * The edge decodes each code (GS1 element string, GS1 Digital Link, SGTIN-96 / SSCC-96 EPC) and sends both the raw
 * code and what it means; a code it could not decode travels too, with the reason, so it is kept, never dropped
 * silently. One message carries up to MAX_READS_PER_SCAN_MESSAGE reads (an RFID portal reads hundreds a second).
 * Times follow payloads.ts: device time, ms since the Unix epoch.
 */
import { Type, type Static } from '@sinclair/typebox';
import { MAX_DEVICE_TIME_MS, MIN_DEVICE_TIME_MS } from './payloads.js';

/** Most reads in one scan message. */
export const MAX_READS_PER_SCAN_MESSAGE = 1000;

/** GS1 AI encodable character set 82 (General Specifications §7.11): batch and serial numbers. */
export const GS1_SET_82_PATTERN = '^[!"%&\'()*+,\\-./0-9:;<=>?A-Z_a-z]{1,20}$';
const ISO_DATE = '^\\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])$';

function epochMs(description: string) {
  return Type.Integer({ minimum: MIN_DEVICE_TIME_MS, maximum: MAX_DEVICE_TIME_MS, description });
}

/** What a code says, decoded at the edge. Dates are ISO calendar dates; a GS1 day 00 is already the month's last day. */
export const ScanCodeSchema = Type.Object(
  {
    gtin: Type.Optional(Type.String({ pattern: '^\\d{14}$', description: 'GTIN-14 of the trade item (AI 01, or from an SGTIN EPC)' })),
    content: Type.Optional(Type.String({ pattern: '^\\d{14}$', description: 'GTIN of the trade items a logistic unit contains (AI 02)' })),
    sscc: Type.Optional(Type.String({ pattern: '^\\d{18}$', description: 'Serial shipping container code of a pallet (AI 00, or an SSCC-96 EPC)' })),
    batch: Type.Optional(Type.String({ pattern: GS1_SET_82_PATTERN, description: 'Batch or lot number (AI 10)' })),
    serial: Type.Optional(Type.String({ pattern: GS1_SET_82_PATTERN, description: 'Serial number (AI 21, or from an SGTIN EPC)' })),
    producedOn: Type.Optional(Type.String({ pattern: ISO_DATE, description: 'Production date (AI 11)' })),
    bestBefore: Type.Optional(Type.String({ pattern: ISO_DATE, description: 'Best before date (AI 15)' })),
    expiresOn: Type.Optional(Type.String({ pattern: ISO_DATE, description: 'Expiry date (AI 17), the labelled expiry' })),
    count: Type.Optional(Type.Integer({ minimum: 1, maximum: 99_999_999, description: 'Count of trade items in a logistic unit (AI 37)' })),
  },
  { additionalProperties: false },
);

export const ScanReadSchema = Type.Object(
  {
    time: Type.Optional(epochMs('Device time of this read when it differs from the message time')),
    via: Type.Union([Type.Literal('barcode'), Type.Literal('rfid')], { description: 'Barcode scanner or RFID reader' }),
    raw: Type.String({ minLength: 1, maxLength: 512, description: 'The code as read (GS as U+001D; an EPC as 24 hex digits)' }),
    code: Type.Optional(ScanCodeSchema),
    error: Type.Optional(Type.Object({
      code: Type.String({ pattern: '^E_[A-Z0-9_]{1,40}$', description: 'Why the edge could not decode it (docs/scans.md)' }),
      reason: Type.String({ minLength: 1, maxLength: 256 }),
    }, { additionalProperties: false, description: 'Present instead of code when the code could not be decoded' })),
    antenna: Type.Optional(Type.Integer({ minimum: 0, maximum: 255, description: 'RFID antenna port' })),
    rssi: Type.Optional(Type.Number({ minimum: -150, maximum: 20, description: 'RFID signal strength, dBm' })),
  },
  { additionalProperties: false },
);

export const ScanMessageSchema = Type.Object(
  {
    v: Type.Literal(1, { description: 'Contract version' }),
    seq: Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: 'Per-device message sequence, as for data messages' }),
    time: epochMs('Device time, ms since the Unix epoch (UTC)'),
    reads: Type.Array(ScanReadSchema, { minItems: 1, maxItems: MAX_READS_PER_SCAN_MESSAGE }),
  },
  { additionalProperties: false },
);

export type ScanCode = Static<typeof ScanCodeSchema>;
export type ScanRead = Static<typeof ScanReadSchema>;
export type ScanMessage = Static<typeof ScanMessageSchema>;

/** GS1 mod-10 check digit of `body` (all digits of a GTIN, SSCC or GLN but the last): General Specifications §7.9.1. */
export function gs1CheckDigit(body: string): number {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    const d = body.charCodeAt(body.length - 1 - i) - 48;
    sum += i % 2 === 0 ? d * 3 : d;
  }
  return (10 - (sum % 10)) % 10;
}

/** Whether `key` is digits whose last is the GS1 check digit of the others. */
export function hasGs1CheckDigit(key: string): boolean {
  return /^\d{2,}$/.test(key) && String(gs1CheckDigit(key.slice(0, -1))) === key.slice(-1);
}

/**
 * A read carries exactly one of `code` and `error` (a schema cannot say so with a useful message): the problem, or
 * undefined. Checked by the gateway after the schema.
 */
export function scanReadProblem(r: ScanRead): string | undefined {
  if ((r.code === undefined) === (r.error === undefined)) return "must carry exactly one of 'code' and 'error'";
  if (r.code !== undefined && Object.keys(r.code).length === 0) return "'code' names nothing (no GTIN, SSCC, batch ...)";
  return undefined;
}

/**
 * A command to a scanner's node (issue #21): the gateway refused what a scanner read at its door, so the node can
 * show it or beep. On `ct/v1/{site}/{node}/command` (scanCommandTopic), published by the gateway only, QoS 1.
 */
export const ScanCommandSchema = Type.Object(
  {
    v: Type.Literal(1, { description: 'Contract version' }),
    kind: Type.Literal('scan.refused', { description: 'What the node is told' }),
    device: Type.String({ minLength: 1, maxLength: 64, description: 'The scanner that read the code' }),
    seq: Type.Integer({ minimum: 0, description: 'Sequence number of its scan message' }),
    index: Type.Integer({ minimum: 0, description: 'Position of the read in that message' }),
    time: epochMs('Device time of the read'),
    batch: Type.String({ minLength: 1, maxLength: 128 }),
    code: Type.String({ pattern: '^E_[A-Z0-9_]{1,40}$', description: 'E_SCAN_EXPIRED, E_SCAN_DYNAMIC_EXPIRED or E_SCAN_SHORT_DATED' }),
    reason: Type.String({ minLength: 1, maxLength: 256 }),
    /** The flag raised on the batch: GET /api/v1/flags/{flag}. */
    flag: Type.String({ minLength: 1, maxLength: 256 }),
  },
  { additionalProperties: false },
);

export type ScanCommand = Static<typeof ScanCommandSchema>;
