import { describe, expect, it } from 'vitest';
import { parseRetryAfter } from './post.js';

const NOW = Date.UTC(2026, 2, 1, 12, 0, 0);

describe('parseRetryAfter', () => {
  it.each([
    { header: null, ms: undefined },
    { header: '', ms: undefined },
    { header: '120', ms: 120_000 },
    { header: ' 0 ', ms: 0 },
    { header: 'Sun, 01 Mar 2026 12:00:30 GMT', ms: 30_000 },
    { header: 'Sun, 01 Mar 2026 11:00:00 GMT', ms: 0 },
    { header: 'soon', ms: undefined },
    { header: '-5', ms: undefined },
  ])('reads $header as $ms ms', ({ header, ms }) => expect(parseRetryAfter(header, NOW)).toBe(ms));
});
