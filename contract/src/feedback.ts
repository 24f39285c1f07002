/**
 * Refusal feedback, contract v1: the gateway tells a node that one of its messages was refused (quarantined), on the
 * node's own topic `ct/v1/{site}/{node}/feedback` (topics.ts), QoS 1, not retained. Issue #24: a device whose
 * messages were all quarantined looked fine on site because nothing told the node.
 *
 * Feedback is a live notice, not the record: the quarantine (`GET /api/v1/quarantine/{quarantineId}`) keeps every
 * refused message. It is throttled per device and code; each feedback stands for itself plus `suppressed` refusals of
 * the same device and code that were not sent one by one, so the sum of `1 + suppressed` over the feedback a node
 * receives is the number of its refusals.
 */
import { Type, type Static } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { MAX_DEVICE_TIME_MS, MIN_DEVICE_TIME_MS } from './payloads.js';
import { ID_PATTERN } from './topics.js';

/** Most offending metrics named in one feedback. */
export const MAX_FEEDBACK_METRICS = 16;

export const FeedbackMessageSchema = Type.Object(
  {
    v: Type.Literal(1, { description: 'Contract version' }),
    device: Type.Optional(Type.String({ pattern: ID_PATTERN, description: 'Device of the refused message; absent when it was the node status' })),
    topic: Type.String({ minLength: 1, maxLength: 256, description: 'Topic the refused message was published on' }),
    code: Type.String({ pattern: '^E_[A-Z_]{1,40}$', description: 'Reject code (docs/contract.md, "Reject codes")' }),
    reason: Type.String({ minLength: 1, maxLength: 256, description: 'What the code means, in words' }),
    detail: Type.String({ maxLength: 1024, description: 'Which field, what was expected, what came' }),
    metrics: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { minItems: 1, maxItems: MAX_FEEDBACK_METRICS, description: 'The offending metric(s), when known' })),
    seq: Type.Optional(Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: 'Sequence number of the refused message, when it had a valid one' })),
    deviceTime: Type.Optional(Type.Integer({ minimum: MIN_DEVICE_TIME_MS, maximum: MAX_DEVICE_TIME_MS, description: 'Device time of the offending reading (or of the message), when valid, ms' })),
    receivedAt: Type.Integer({ minimum: 0, description: 'Gateway receive time of the refused message, ms since the Unix epoch' }),
    quarantineId: Type.Integer({ minimum: 1, description: 'Its quarantine entry: GET /api/v1/quarantine/{quarantineId}' }),
    suppressed: Type.Integer({ minimum: 0, description: 'Refusals of the same device and code since the previous feedback that were not sent one by one' }),
  },
  { additionalProperties: false },
);

export type FeedbackMessage = Static<typeof FeedbackMessageSchema>;

export type FeedbackParse = { readonly ok: true; readonly feedback: FeedbackMessage } | { readonly ok: false; readonly error: string };

const check = TypeCompiler.Compile(FeedbackMessageSchema);

/** Parses and validates a feedback payload (what a node receives); never throws. */
export function parseFeedback(payload: Uint8Array | string): FeedbackParse {
  let body: unknown;
  try {
    body = JSON.parse(typeof payload === 'string' ? payload : new TextDecoder().decode(payload));
  } catch (e) {
    return { ok: false, error: `not JSON: ${(e as Error).message}` };
  }
  if (check.Check(body)) return { ok: true, feedback: body };
  const first = check.Errors(body).First();
  return { ok: false, error: first === undefined ? 'does not match the feedback schema' : `${first.path === '' ? '/' : first.path}: ${first.message}` };
}
