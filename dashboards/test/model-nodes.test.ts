import { describe, expect, it } from 'vitest';
import type { OutboxSummary } from '../web/src/api.js';
import { describeOutbox, formatBytes, nodeState, outboxAsOf, outboxLosses, sortNodes, summarizeNodes } from '../web/src/model-nodes.js';

const box = (o: Partial<OutboxSummary> = {}): OutboxSummary => ({ depth: 0, bytes: 0, droppedFull: 0, droppedExpired: 0, ...o });

describe('nodeState', () => {
  it.each([
    { name: 'an online birth is online', state: 'online', will: false, want: 'online' },
    { name: 'an online status is online even if a will flag slipped in', state: 'online', will: true, want: 'online' },
    { name: 'a clean goodbye is offline', state: 'offline', will: false, want: 'offline' },
    { name: 'the broker-published last will is lost', state: 'offline', will: true, want: 'lost' },
    { name: 'an unknown state string counts as offline', state: 'rebooting', will: false, want: 'offline' },
  ] as const)('$name', ({ state, will, want }) => expect(nodeState({ state, will })).toBe(want));
});

describe('outboxAsOf', () => {
  it.each([
    { name: 'figures from the last status are current', n: { lastSeen: 9, outbox: box(), outboxReportedAt: 9 }, want: undefined },
    { name: 'figures from before a will are as of their report', n: { lastSeen: 9, outbox: box({ depth: 5 }), outboxReportedAt: 4 }, want: 4 },
    { name: 'no figures, no date', n: { lastSeen: 9 }, want: undefined },
    { name: 'an older gateway without the report time shows the figures as they are', n: { lastSeen: 9, outbox: box() }, want: undefined },
  ])('$name', ({ n, want }) => expect(outboxAsOf(n)).toBe(want));
});

describe('formatBytes', () => {
  it.each([
    [0, '0 B'],
    [1023, '1023 B'],
    [1024, '1 KiB'],
    [1536, '1.5 KiB'],
    [10_240, '10 KiB'],
    [524_288, '512 KiB'],
    [1_572_864, '1.5 MiB'],
    [67_108_864, '64 MiB'],
    [3 * 1024 ** 3, '3 GiB'],
    [-1, '—'],
    [Number.NaN, '—'],
  ])('formatBytes(%d) is %s', (bytes, want) => expect(formatBytes(bytes)).toBe(want));
});

describe('describeOutbox', () => {
  it.each([
    { name: 'an agent without outbox figures', outbox: undefined, want: 'not reported' },
    { name: 'nothing waiting', outbox: box({ depth: 0, bytes: 0 }), want: 'empty' },
    { name: 'one message waiting', outbox: box({ depth: 1, bytes: 300 }), want: '1 message waiting (300 B)' },
    { name: 'a backlog', outbox: box({ depth: 1200, bytes: 2_621_440 }), want: '1200 messages waiting (2.5 MiB)' },
  ])('$name: $want', ({ outbox, want }) => expect(describeOutbox(outbox)).toBe(want));
});

describe('outboxLosses', () => {
  it('reports nothing when no message was dropped or the outbox is not reported', () => {
    expect(outboxLosses(box({ depth: 40, bytes: 9000 }))).toEqual([]);
    expect(outboxLosses(undefined)).toEqual([]);
  });
  it('reports messages dropped because the outbox was full', () => {
    expect(outboxLosses(box({ droppedFull: 5 }))).toEqual([{ kind: 'full', count: 5, text: '5 messages dropped: outbox full' }]);
  });
  it('reports messages that expired, in the singular for one', () => {
    expect(outboxLosses(box({ droppedExpired: 1 }))).toEqual([
      { kind: 'expired', count: 1, text: '1 message dropped: expired in the outbox' },
    ]);
  });
  it('reports both kinds, full first', () => {
    expect(outboxLosses(box({ droppedFull: 2, droppedExpired: 7 })).map((l) => l.kind)).toEqual(['full', 'expired']);
  });
});

describe('summarizeNodes', () => {
  it('says so when no node has reported', () => expect(summarizeNodes([])).toEqual({ text: '0 nodes' }));
  it('counts states and leaves out lost when none is', () => {
    expect(
      summarizeNodes([
        { state: 'online', will: false, outbox: box() },
        { state: 'offline', will: false },
      ]),
    ).toEqual({ text: '2 nodes: 1 online, 1 offline' });
  });
  it('counts lost nodes and totals the data loss over the nodes that lost data', () => {
    expect(
      summarizeNodes([
        { state: 'online', will: false, outbox: box({ droppedFull: 5 }) },
        { state: 'offline', will: true, outbox: box({ droppedFull: 1, droppedExpired: 2 }) },
        { state: 'online', will: false, outbox: box() },
      ]),
    ).toEqual({ text: '3 nodes: 2 online, 0 offline, 1 lost', loss: 'Data loss on 2 nodes: 8 messages dropped.' });
  });
});

describe('sortNodes', () => {
  it('orders by site, then node', () => {
    const sorted = sortNodes([
      { site: 'wh2', node: 'a' },
      { site: 'wh1', node: 'b' },
      { site: 'wh1', node: 'a' },
    ]);
    expect(sorted.map((n) => `${n.site}/${n.node}`)).toEqual(['wh1/a', 'wh1/b', 'wh2/a']);
  });
});
