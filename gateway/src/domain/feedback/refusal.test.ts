import { describe, expect, it } from 'vitest';
import { parseFeedback } from '@coldtrace/contract';
import { MessageValidator } from '../validate.js';
import { factsOfBody, feedbackMessage, refusalKey, type Refusal } from './refusal.js';

const T = 1_795_600_000_000;

const refusal: Refusal = {
  topic: 'ct/v1/wh1/edge-1/cold-room-1/data',
  parsed: { kind: 'data', site: 'wh1', node: 'edge-1', device: 'cold-room-1' },
  code: 'E_VALUE_RANGE',
  detail: "/readings/0/value: 123456 is outside [-100, 200] for 'temperature'",
  facts: { seq: 12, deviceTime: T, metrics: ['temperature'] },
  receivedAt: T + 40,
  quarantineId: 3,
};

describe('factsOfBody', () => {
  it.each([
    { name: 'takes seq, time and the metric of the reading the error points at', body: { v: 1, seq: 4, time: T, readings: [{ metric: 'humidity' }, { metric: 'temperature', value: '9' }] }, path: '/readings/1/value', want: { seq: 4, deviceTime: T, metrics: ['temperature'] } },
    { name: "prefers the reading's own valid time", body: { seq: 4, time: T, readings: [{ metric: 'temperature', time: T + 5000 }] }, path: '/readings/0/unit', want: { seq: 4, deviceTime: T + 5000, metrics: ['temperature'] } },
    { name: 'leaves out a time in seconds and a negative seq', body: { seq: -1, time: 1_795_600_000, readings: [] }, path: '/time', want: {} },
    { name: 'names no metric when the error is not in a reading', body: { seq: 4, time: T, readings: [{ metric: 'temperature' }] }, path: '', want: { seq: 4, deviceTime: T } },
    { name: 'names no metric that is not a string', body: { readings: [{ metric: 42 }] }, path: '/readings/0/metric', want: {} },
    { name: 'knows nothing of a body that is not an object', body: [1, 2], path: '/0', want: {} },
  ])('$name', ({ body, path, want }) => {
    expect(factsOfBody(body, path)).toEqual(want);
  });
});

describe('feedbackMessage', () => {
  it('is a valid contract feedback with the device, code, reason, metric, seq, device time and quarantine id', () => {
    const m = feedbackMessage(refusal, 5);
    expect(parseFeedback(JSON.stringify(m))).toEqual({ ok: true, feedback: m });
    expect(m).toMatchObject({ device: 'cold-room-1', code: 'E_VALUE_RANGE', reason: 'value outside the physically plausible range for the metric', metrics: ['temperature'], seq: 12, deviceTime: T, receivedAt: T + 40, quarantineId: 3, suppressed: 5 });
  });

  it('names no device for a refused node status, and clips a long detail', () => {
    const m = feedbackMessage({ ...refusal, topic: 'ct/v1/wh1/edge-1/status', parsed: { kind: 'node-status', site: 'wh1', node: 'edge-1' }, code: 'E_JSON', detail: 'x'.repeat(5000), facts: {} }, 0);
    expect(m.device).toBeUndefined();
    expect(m.detail).toHaveLength(1024);
    expect(parseFeedback(JSON.stringify(m)).ok).toBe(true);
  });

  it('keys a refusal by node, device and code', () => {
    expect(refusalKey(refusal)).toBe('wh1/edge-1/cold-room-1/E_VALUE_RANGE');
    expect(refusalKey({ ...refusal, code: 'E_UNIT' })).not.toBe(refusalKey(refusal));
  });
});

describe('the facts of the validator\'s refusals', () => {
  const topic = 'ct/v1/wh1/edge-1/cold-room-1/data';
  const check = (body: unknown) => new MessageValidator().check(topic, new TextEncoder().encode(JSON.stringify(body)), T);

  it('names the out-of-range metric, not the good one beside it, with seq and device time', () => {
    const r = check({ v: 1, seq: 9, time: T, readings: [{ metric: 'humidity', value: 55, unit: '%RH' }, { metric: 'temperature', value: 123456, unit: 'Cel', time: T + 1000 }] });
    expect(r).toMatchObject({ ok: false, code: 'E_VALUE_RANGE', facts: { seq: 9, deviceTime: T + 1000, metrics: ['temperature'] } });
  });

  it('names the metric of a reading the schema refused', () => {
    const r = check({ v: 1, seq: 9, time: T, readings: [{ metric: 'humidity', value: '55', unit: '%RH' }] });
    expect(r).toMatchObject({ ok: false, code: 'E_FIELD_TYPE', facts: { seq: 9, deviceTime: T, metrics: ['humidity'] } });
  });
});
