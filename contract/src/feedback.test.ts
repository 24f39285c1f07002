import { describe, expect, it } from 'vitest';
import { parseFeedback, type FeedbackMessage } from './feedback.js';
import { feedbackTopic, gatewayFilters, parseFeedbackTopic, parseTopic } from './topics.js';

const T = 1_795_600_000_000;
const valid: FeedbackMessage = {
  v: 1, device: 'cold-room-1', topic: 'ct/v1/wh1/edge-1/cold-room-1/data', code: 'E_VALUE_RANGE',
  reason: 'value outside the physically plausible range for the metric',
  detail: "/readings/0/value: 123456 is outside [-100, 200] for 'temperature'",
  metrics: ['temperature'], seq: 18342, deviceTime: T, receivedAt: T + 40, quarantineId: 7, suppressed: 0,
};

/** The valid message with `patch` applied; an undefined value removes the field. */
function variant(patch: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...valid };
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) delete out[k];
    else out[k] = v;
  }
  return out;
}

describe('feedback payload', () => {
  it('accepts a complete feedback and one with only the required fields', () => {
    expect(parseFeedback(JSON.stringify(valid))).toEqual({ ok: true, feedback: valid });
    const minimal = variant({ device: undefined, metrics: undefined, seq: undefined, deviceTime: undefined, topic: 'ct/v1/wh1/edge-1/status', code: 'E_JSON' });
    expect(parseFeedback(new TextEncoder().encode(JSON.stringify(minimal))).ok).toBe(true);
  });

  it.each([
    { name: 'another contract version', patch: { v: 2 }, at: '/v' },
    { name: 'a code that is not a reject code', patch: { code: 'value too high' }, at: '/code' },
    { name: 'a device id unsafe in a topic', patch: { device: 'cold room/1' }, at: '/device' },
    { name: 'a time in seconds', patch: { deviceTime: 1_795_600_000 }, at: '/deviceTime' },
    { name: 'a negative suppressed count', patch: { suppressed: -1 }, at: '/suppressed' },
    { name: 'an empty metric list', patch: { metrics: [] }, at: '/metrics' },
    { name: 'a missing quarantine id', patch: { quarantineId: undefined }, at: '/quarantineId' },
    { name: 'a field the contract does not define', patch: { orderId: '' }, at: '/orderId' },
    { name: 'a string number', patch: { seq: '18342' }, at: '/seq' },
  ])('refuses $name, naming the field', ({ patch, at }) => {
    const r = parseFeedback(JSON.stringify(variant(patch)));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.startsWith(`${at}:`), r.error).toBe(true);
  });

  it('refuses a payload that is not JSON without throwing', () => {
    expect(parseFeedback('{"v":1,')).toMatchObject({ ok: false, error: expect.stringContaining('not JSON') });
  });
});

describe('feedback topic', () => {
  it('is the node\'s own topic, parsed back to its site and node', () => {
    expect(feedbackTopic('wh1', 'edge-1')).toBe('ct/v1/wh1/edge-1/feedback');
    expect(parseFeedbackTopic('ct/v1/wh1/edge-1/feedback')).toEqual({ site: 'wh1', node: 'edge-1' });
  });

  it.each(['ct/v1/wh1/edge-1/status', 'ct/v1/wh1/+/feedback', 'ct/v1/wh1/edge-1/d/feedback', 'ct/v2/wh1/edge-1/feedback', 'ct/v1/_events/flag/feedback'])(
    'does not take %s for a feedback topic', (topic) => expect(parseFeedbackTopic(topic)).toBeUndefined());

  it('collides with no inbound topic shape, and no gateway filter matches it', () => {
    expect(parseTopic(feedbackTopic('wh1', 'edge-1'))).toBeUndefined();
    const matches = (filter: string, topic: string): boolean => {
      const f = filter.split('/');
      const t = topic.split('/');
      return f.length === t.length && f.every((level, i) => level === '+' || level === t[i]);
    };
    for (const filter of gatewayFilters()) expect(matches(filter, feedbackTopic('wh1', 'edge-1'))).toBe(false);
  });
});
