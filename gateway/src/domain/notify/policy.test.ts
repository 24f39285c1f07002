import { describe, expect, it } from 'vitest';
import { matches, parsePolicy, type AlarmFacts, type NotifyPolicy } from './policy.js';
import { isTimeZone } from './schedule.js';
import { routesOf, silenceEndAt, stepDueAt, stepRecipients, windowEndAt } from './escalation.js';

const doc = {
  channels: [
    { name: 'mail', kind: 'email', from: 'coldtrace@example.com', host: 'smtp.example.com', port: 587, failover: 'chat' },
    { name: 'chat', kind: 'webhook', format: 'slack', url: 'https://hooks.slack.com/services/x' },
  ],
  recipients: [
    { id: 'ana', name: 'Ana', language: 'en', contacts: { mail: 'ana@example.com', chat: '@ana' } },
    { id: 'li', name: '李', language: 'zh', contacts: { mail: 'li@example.com' } },
    { id: 'mgr', contacts: { mail: 'mgr@example.com' } },
    { id: 'qa', contacts: { mail: 'qa@example.com' } },
  ],
  schedules: [{ id: 'wh1', timeZone: 'Europe/Berlin', shifts: [{ from: '06:00', to: '18:00', people: ['ana'] }, { from: '18:00', to: '06:00', people: ['li'] }] }],
  policies: [{ id: 'wh1-cold', match: { sites: ['WH1'], severities: ['major', 'critical'] }, steps: [{ notify: ['schedule:wh1'] }, { notify: ['mgr'] }, { notify: ['qa'] }] }],
  windows: [{ id: 'defrost', zones: ['Z-A'], start: '2026-01-01T00:00:00Z', durationMin: 30, everyHours: 6, reason: 'defrost' }],
};

function parsed(): NotifyPolicy {
  const r = parsePolicy(doc, isTimeZone);
  if (!r.ok) throw new Error(r.problems.join('; '));
  return r.policy;
}

const facts: AlarmFacts = { rule: 'excursion/temperature/upper/8/consecutive/30', severity: 'major', tier: '2', sites: ['WH1'], zones: ['Z-A'], products: ['VAX'], devices: ['S-1'] };

describe('parsePolicy', () => {
  it('reads a valid file with the default step delays 0, 15 and 30 min', () => {
    const p = parsed();
    expect(p.policies[0]!.steps.map((s) => s.afterMin)).toEqual([0, 15, 30]);
    expect(p.channels[0]).toMatchObject({ kind: 'email', port: 587, secure: false, failover: 'chat' });
    expect(p.recipients[2]).toMatchObject({ name: 'mgr', language: 'en' });
  });

  it.each([
    ['an unknown top-level key', { ...doc, extra: 1 }, 'extra: unknown key'],
    ['a channel without a kind', { ...doc, channels: [{ name: 'x' }] }, 'channels[0].kind: expected one of email, webhook, log'],
    ['a webhook that is not http', { ...doc, channels: [{ name: 'chat', kind: 'webhook', url: 'ftp://x' }] }, "channels[0].url: 'ftp://x' is not an http(s) URL"],
    ['a failover to itself', { ...doc, channels: [{ ...doc.channels[1], failover: 'chat' }] }, "channels 'chat': failover 'chat' is not another channel"],
    ['a contact on an unknown channel', { ...doc, recipients: [{ id: 'x', contacts: { pager: '1' } }] }, "recipients 'x': contact on unknown channel 'pager'"],
    ['a language other than en and zh', { ...doc, recipients: [{ id: 'x', language: 'fr', contacts: { mail: 'x@y' } }] }, 'recipients[0].language: expected one of en, zh'],
    ['an unknown time zone', { ...doc, schedules: [{ id: 's', timeZone: 'Mars/Base', shifts: [] }] }, "schedules[0].timeZone: 'Mars/Base' is not an IANA time zone"],
    ['a bad shift time', { ...doc, schedules: [{ id: 's', timeZone: 'UTC', shifts: [{ from: '25:00', to: '06:00', people: ['ana'] }] }] }, "expected HH:MM, got '25:00'"],
    ['a step naming nobody known', { ...doc, policies: [{ id: 'p', steps: [{ notify: ['ghost'] }] }] }, "'ghost' is neither a recipient nor schedule:<id>"],
    ['steps out of order', { ...doc, policies: [{ id: 'p', steps: [{ afterMin: 10, notify: ['ana'] }, { afterMin: 5, notify: ['mgr'] }] }] }, 'must come after the step before'],
    ['a window longer than its period', { ...doc, windows: [{ id: 'w', zones: ['Z'], start: '2026-01-01T00:00:00Z', durationMin: 400, everyHours: 6, reason: 'x' }] }, 'must be shorter than everyHours'],
    ['a negative group wait', { ...doc, policies: [{ id: 'p', steps: [{ notify: ['ana'] }], group: { waitSec: -1 } }] }, 'policies[0].group.waitSec: expected a number 0-3600'],
    ['two recipients with one id', { ...doc, recipients: [...doc.recipients, doc.recipients[0]] }, "recipients: 'ana' is given twice"],
  ])('refuses %s', (_what, d, problem) => {
    const r = parsePolicy(d, isTimeZone);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems.join('\n')).toContain(problem);
  });

  it('lists every problem, not only the first', () => {
    const r = parsePolicy({ channels: [{ name: 'a' }], recipients: [{ id: 'b b', contacts: {} }], policies: [] }, isTimeZone);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems.length).toBeGreaterThanOrEqual(3);
  });
});

describe('matches', () => {
  it.each([
    [{}, true],
    [{ sites: ['WH1'] }, true],
    [{ sites: ['WH2'] }, false],
    [{ zones: ['Z-B', 'Z-A'] }, true],
    [{ products: ['INSULIN'] }, false],
    [{ rules: ['excursion/'] }, true],
    [{ rules: ['shelf-life/'] }, false],
    [{ severities: ['critical'] }, false],
    [{ tiers: ['2'] }, true],
    [{ sites: ['WH1'], tiers: ['3'] }, false],
  ] as const)('%j matches: %s', (m, expected) => {
    expect(matches(m, facts)).toBe(expected);
  });
});

describe('escalation', () => {
  const p = parsed();
  const policy = p.policies[0]!;
  it('has the steps at 0, 15 and 30 min after the start, and no fourth', () => {
    expect([0, 1, 2, 3].map((i) => stepDueAt(policy, i, 1000))).toEqual([1000, 1000 + 15 * 60_000, 1000 + 30 * 60_000, undefined]);
  });

  it.each([
    ['the day operator at noon Berlin time', 0, '2026-01-14T11:00:00Z', ['ana']],
    ['the night operator at 23:00 Berlin time', 0, '2026-01-14T22:00:00Z', ['li']],
    ['the manager by name', 1, '2026-01-14T22:00:00Z', ['mgr']],
  ] as const)('step tells %s', (_w, i, at, who) => {
    expect(stepRecipients(p, policy, i, Date.parse(at))).toEqual(who);
  });

  it('sends on the policy channels where the person has an address', () => {
    expect(routesOf(policy, p.recipients[0]!)).toEqual([{ channel: 'mail', address: 'ana@example.com' }, { channel: 'chat', address: '@ana' }]);
    expect(routesOf({ ...policy, channels: ['chat'] }, p.recipients[1]!)).toEqual([]);
  });
});

describe('windowEndAt', () => {
  const p = parsed();
  it.each([
    ['inside the first defrost', '2026-01-01T00:10:00Z', { zones: ['Z-A'], devices: [] }, '2026-01-01T00:30:00Z'],
    ['inside the defrost 6 h later', '2026-01-01T06:29:00Z', { zones: ['Z-A'], devices: [] }, '2026-01-01T06:30:00Z'],
    ['between defrosts', '2026-01-01T06:30:00Z', { zones: ['Z-A'], devices: [] }, undefined],
    ['another zone', '2026-01-01T00:10:00Z', { zones: ['Z-B'], devices: [] }, undefined],
    ['before the first window', '2025-12-31T23:59:00Z', { zones: ['Z-A'], devices: [] }, undefined],
  ] as const)('%s', (_w, at, f, end) => {
    expect(windowEndAt(p.windows, f, Date.parse(at))?.end).toEqual(end === undefined ? undefined : Date.parse(end));
  });
});

describe('silenceEndAt', () => {
  const base = { id: 's1', startsAt: 1000, endsAt: 5000, author: 'ana', reason: 'door repair' };
  it.each([
    ['a zone silence in force', { ...base, zones: ['Z-A'] }, 2000, 5000],
    ['before it starts', { ...base, zones: ['Z-A'] }, 999, undefined],
    ['at its end', { ...base, zones: ['Z-A'] }, 5000, undefined],
    ['another zone', { ...base, zones: ['Z-B'] }, 2000, undefined],
    ['the alarm\'s device', { ...base, devices: ['S-1'] }, 2000, 5000],
    ['the alarm\'s site', { ...base, sites: ['WH1'] }, 2000, 5000],
    ['the site but another rule', { ...base, sites: ['WH1'], rules: ['shelf-life/'] }, 2000, undefined],
    ['the site and the rule', { ...base, sites: ['WH1'], rules: ['excursion/'] }, 2000, 5000],
  ] as const)('%s', (_w, s, at, end) => {
    expect(silenceEndAt([s], facts, at)?.end).toBe(end);
  });
});
