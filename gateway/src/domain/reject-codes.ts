/**
 * Why a message was refused. Each code is distinct so operators can count and fix causes; tests assert on codes.
 * (The 427 vanished orders of the issue came from a rejection nobody could see: every code here lands in quarantine.)
 */
export const REJECT_CODES = {
  E_TOPIC: 'topic is not a contract v1 topic',
  E_FORBIDDEN: 'the client may not publish on this topic',
  E_OVERSIZE: 'payload larger than the accepted maximum',
  E_ENCODING: 'payload is not valid UTF-8',
  E_JSON: 'payload is not valid JSON',
  E_DUPLICATE_KEY: 'a key appears twice in one JSON object',
  E_VERSION: 'unsupported contract version',
  E_FIELD_MISSING: 'a required field is missing',
  E_FIELD_EMPTY: 'a field is empty',
  E_FIELD_TYPE: 'a field has the wrong type',
  E_FIELD_RANGE: 'a field is outside its allowed range',
  E_FIELD_TOO_LONG: 'a field or array is longer than allowed',
  E_FIELD_UNKNOWN: 'a field that the contract does not define',
  E_METRIC_UNKNOWN: 'metric is not in the catalogue',
  E_UNIT: 'unit differs from the metric catalogue',
  E_VALUE_TYPE: 'value type differs from the type pinned for the metric',
  E_VALUE_RANGE: 'value outside the physically plausible range for the metric',
  E_DUPLICATE_READING: 'the same metric appears twice at the same time in one message',
} as const;

export type RejectCode = keyof typeof REJECT_CODES;
