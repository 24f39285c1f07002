import { describe, expect, it } from 'vitest';
import { judgeAnswer } from './photo-uploader.js';

const answer = (status: number, json?: unknown, headers: Record<string, string> = {}) => ({ status, headers, body: Buffer.from(json === undefined ? '' : JSON.stringify(json)) });

describe('judgeAnswer (the photo upload contract)', () => {
  it.each([
    { name: 'a 201 is stored', a: answer(201, { sha256: 'x', stored: 'new' }), verdict: { kind: 'stored', duplicate: false, warnings: [] } },
    { name: 'a 200 duplicate is stored', a: answer(200, { sha256: 'x', stored: 'duplicate' }), verdict: { kind: 'stored', duplicate: true } },
    { name: 'a 201 with warnings is stored and flagged', a: answer(201, { stored: 'new', warnings: ['EXIF time 3 h from takenAt'] }), verdict: { kind: 'stored', warnings: ['EXIF time 3 h from takenAt'] } },
    { name: 'a 422 is refused for good with its code, reason and quarantine id', a: answer(422, { error: 'x', code: 'E_PHOTO_HASH_MISMATCH', reason: 'hash mismatch', quarantineId: 7 }), verdict: { kind: 'rejected', status: 422, code: 'E_PHOTO_HASH_MISMATCH', reason: 'hash mismatch', quarantineId: '7' } },
    { name: 'a 415 is refused for good', a: answer(415, { code: 'E_PHOTO_NOT_JPEG', reason: 'not a JPEG' }), verdict: { kind: 'rejected', status: 415, reason: 'not a JPEG' } },
    { name: 'a 400 without a body is refused for good with the status as reason', a: answer(400), verdict: { kind: 'rejected', status: 400, reason: 'HTTP 400' } },
    { name: 'a 413 is refused for good', a: answer(413, 'not json'), verdict: { kind: 'rejected', status: 413, reason: 'too large for the gateway' } },
    { name: 'a 401 is retried (a secret may be rotating)', a: answer(401, { code: 'E_UNAUTHORIZED' }), verdict: { kind: 'retry' } },
    { name: 'a 404 (a gateway without the route) is retried', a: answer(404), verdict: { kind: 'retry', why: 'HTTP 404' } },
    { name: 'a 429 is retried after Retry-After', a: answer(429, {}, { 'retry-after': '7' }), verdict: { kind: 'retry', retryAfterMs: 7000 } },
    { name: 'a 503 is retried', a: answer(503), verdict: { kind: 'retry', why: 'HTTP 503' } },
    { name: 'a 500 is retried', a: answer(500, { code: 'E_INTERNAL' }), verdict: { kind: 'retry' } },
  ])('$name', ({ a, verdict }) => {
    expect(judgeAnswer(a)).toMatchObject(verdict);
  });
});
