import { describe, expect, it } from 'vitest';
import { applyFinding, transition, withdraw } from './lifecycle.js';
import type { Finding, Flag } from './types.js';

const finding = (over: Partial<Finding> = {}): Finding => ({
  rule: 'excursion/temperature/upper/8/consecutive/30', params: { value: 8 }, subject: { kind: 'batch', id: 'B-1' }, severity: 'major',
  title: 't', startMs: 0, endMs: 10, metAtMs: 5, active: true, episodes: [], figures: {}, related: { devices: [], zones: [], batches: ['B-1'], shipments: [], orders: ['O-1'] },
  ...over,
});
const kinds = (f: Flag): string[] => f.events.map((e) => e.kind);

describe('flag lifecycle', () => {
  it('raises a new finding as an open flag keyed by rule and subject', () => {
    const r = applyFinding(undefined, finding(), 100)!;
    expect(r.flag).toMatchObject({ id: 'excursion/temperature/upper/8/consecutive/30@batch:B-1', state: 'open', withdrawn: false, raisedAt: 100 });
    expect(r.events).toEqual(['raised']);
    expect(kinds(applyFinding(undefined, finding({ active: false }), 100)!.flag)).toEqual(['raised', 'cleared']);
  });

  it('leaves a flag alone when the finding is the same, and updates it (never a second one) when it differs', () => {
    const raised = applyFinding(undefined, finding(), 100)!.flag;
    expect(applyFinding(raised, finding(), 200)).toBeUndefined();
    const later = applyFinding(raised, finding({ metAtMs: 4 }), 200)!;
    expect(later.flag.id).toBe(raised.id);
    expect(later.events).toEqual(['updated']);
    expect(later.flag.raisedAt).toBe(100);
  });

  it('keeps an ongoing condition\'s moving end and figures quietly: stored, no event', () => {
    const raised = applyFinding(undefined, finding(), 100)!.flag;
    const moved = applyFinding(raised, finding({ endMs: 20, figures: { totalBeyondMin: 12 } }), 200)!;
    expect(moved.events).toEqual([]);
    expect(moved.flag).toMatchObject({ endMs: 20, updatedAt: 200, events: raised.events });
  });

  it('clears a flag whose condition ended and reactivates it when it holds again', () => {
    const raised = applyFinding(undefined, finding(), 100)!.flag;
    const cleared = applyFinding(raised, finding({ active: false, endMs: 20 }), 200)!;
    expect(cleared.events).toEqual(['updated', 'cleared']);
    expect(applyFinding(cleared.flag, finding({ active: true, endMs: 30 }), 300)!.events).toEqual(['updated', 'reactivated']);
  });

  it('reopens a resolved flag whose condition holds again, and not one that only changed its figures', () => {
    const raised = applyFinding(undefined, finding({ active: false }), 100)!.flag;
    const resolved = transition(raised, 'resolved', 'qa', 'ok', 150) as Flag;
    expect(applyFinding(resolved, finding({ active: false, endMs: 11 }), 200)!.flag.state).toBe('resolved');
    const again = applyFinding(resolved, finding({ active: true, endMs: 40 }), 300)!;
    expect(again.flag.state).toBe('open');
    expect(again.events).toEqual(['updated', 'reactivated', 'reopened']);
  });

  it('withdraws a flag the data no longer shows, once, and raises it again if the data shows it again', () => {
    const raised = applyFinding(undefined, finding(), 100)!.flag;
    const gone = withdraw(raised, 200)!;
    expect(gone.flag).toMatchObject({ withdrawn: true, active: false });
    expect(withdraw(gone.flag, 300)).toBeUndefined();
    const back = applyFinding(gone.flag, finding(), 400)!;
    expect(back.flag.withdrawn).toBe(false);
    expect(kinds(back.flag)).toEqual(['raised', 'withdrawn', 'raised']);
  });

  it.each([
    ['open', 'acknowledged', true], ['open', 'resolved', true], ['acknowledged', 'resolved', true], ['acknowledged', 'open', true],
    ['resolved', 'open', true], ['resolved', 'acknowledged', false], ['open', 'open', false],
  ] as const)('moves %s -> %s: %s', (from, to, ok) => {
    const flag = { ...applyFinding(undefined, finding(), 100)!.flag, state: from };
    const r = transition(flag, to, 'anna', 'because', 200);
    if (!ok) return expect(typeof r).toBe('string');
    expect((r as Flag).state).toBe(to);
    expect((r as Flag).events.at(-1)).toEqual({ kind: to === 'open' ? 'reopened' : to, at: 200, by: 'anna', comment: 'because' });
  });
});
