import { describe, expect, it } from 'vitest';
import { SequenceCoverage } from './sequence-coverage.js';

describe('SequenceCoverage', () => {
  it.each([
    { name: 'counts a gap-free run as full coverage', seqs: [0, 1, 2, 3], view: { first: 0, last: 3, received: 4, missing: 0, coverage: 1 } },
    { name: 'reports a gap as missing', seqs: [0, 1, 4], view: { first: 0, last: 4, received: 3, missing: 2, coverage: 0.6 } },
    { name: 'fills a gap when the late message arrives', seqs: [0, 3, 1, 2], view: { first: 0, last: 3, received: 4, missing: 0, coverage: 1 } },
    { name: 'extends backwards when the backlog arrives after live data', seqs: [10, 11, 7, 8, 9], view: { first: 7, last: 11, received: 5, missing: 0, coverage: 1 } },
    { name: 'ignores a duplicate', seqs: [5, 6, 6, 5], view: { first: 5, last: 6, received: 2, missing: 0, coverage: 1 } },
    { name: 'starts from the first number seen, not from 0', seqs: [1000], view: { first: 1000, last: 1000, received: 1, missing: 0, coverage: 1 } },
    { name: 'reports nothing before the first message', seqs: [], view: { first: -1, last: -1, received: 0, missing: 0, coverage: 1 } },
  ])('$name', ({ seqs, view }) => {
    const c = new SequenceCoverage();
    for (const s of seqs) c.add(s);
    expect(c.view()).toEqual(view);
  });

  it('stays bounded on a huge jump and still counts what it cannot remember', () => {
    const c = new SequenceCoverage(100);
    c.add(0);
    c.add(1_000_001);
    expect(c.view().missing).toBe(1_000_000);
    c.add(50); // remembered, so it fills
    expect(c.view().missing).toBe(999_999);
  });

  it('says whether a number was new', () => {
    const c = new SequenceCoverage();
    expect([c.add(1), c.add(1), c.add(3), c.add(2), c.add(2)]).toEqual([true, false, true, true, false]);
  });
});
