/**
 * Pure view logic of the "Edge nodes" panel: node state (online, clean offline, lost), outbox figures and the data
 * the node lost. No DOM, no clock reads; table-tested in dashboards/test/model-nodes.test.ts.
 */
import type { NodeSummary, OutboxSummary } from './api.js';

/**
 * `lost`: the last status is the broker-published last will (contract NodeStatusSchema `will`), so the agent
 * vanished without a clean stop (crash, power or network loss) and may still hold unsent data. `offline`: it said
 * goodbye itself.
 */
export type NodeState = 'online' | 'offline' | 'lost';

export function nodeState(n: Pick<NodeSummary, 'state' | 'will'>): NodeState {
  if (n.state === 'online') return 'online';
  return n.will ? 'lost' : 'offline';
}

export function nodeKey(n: Pick<NodeSummary, 'site' | 'node'>): string {
  return `${n.site}/${n.node}`;
}

export function sortNodes<T extends Pick<NodeSummary, 'site' | 'node'>>(nodes: readonly T[]): T[] {
  return [...nodes].sort((a, b) => nodeKey(a).localeCompare(nodeKey(b)));
}

/** `1 message`, `5 messages`. */
export function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

const BYTE_UNITS = ['KiB', 'MiB', 'GiB', 'TiB'];

/** Byte count in IEC units: `0 B`, `1023 B`, `1.5 KiB`, `64 MiB`; one decimal below 10, none above. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '—';
  if (bytes < 1024) return `${Math.round(bytes)} B`;
  let v = bytes / 1024;
  let i = 0;
  while (v >= 1024 && i < BYTE_UNITS.length - 1) {
    v /= 1024;
    i++;
  }
  const text = v < 10 ? (Math.round(v * 10) / 10).toString() : Math.round(v).toString();
  return `${text} ${BYTE_UNITS[i] ?? ''}`;
}

/** What is waiting in the outbox: `empty`, `3 messages waiting (2 KiB)`, or `not reported` by an older agent. */
export function describeOutbox(o: OutboxSummary | undefined): string {
  if (o === undefined) return 'not reported';
  if (o.depth === 0) return 'empty';
  return `${plural(o.depth, 'message')} waiting (${formatBytes(o.bytes)})`;
}

/**
 * When the outbox figures shown are older than the node's last status (a will carries none: they are the last the
 * node reported, at this receive time), else undefined: the figures are the node's current word.
 */
export function outboxAsOf(n: Pick<NodeSummary, 'lastSeen' | 'outbox' | 'outboxReportedAt'>): number | undefined {
  if (n.outbox === undefined || n.outboxReportedAt === undefined) return undefined;
  return n.outboxReportedAt < n.lastSeen ? n.outboxReportedAt : undefined;
}

export interface OutboxLoss {
  readonly kind: 'full' | 'expired';
  readonly count: number;
  readonly text: string;
}

/**
 * Messages (each carrying one or more readings) the node threw away since its boot: data that will never reach the
 * gateway. Empty when nothing was lost or the node did not report its outbox.
 */
export function outboxLosses(o: OutboxSummary | undefined): OutboxLoss[] {
  if (o === undefined) return [];
  const losses: OutboxLoss[] = [];
  if (o.droppedFull > 0) {
    losses.push({ kind: 'full', count: o.droppedFull, text: `${plural(o.droppedFull, 'message')} dropped: outbox full` });
  }
  if (o.droppedExpired > 0) {
    losses.push({
      kind: 'expired',
      count: o.droppedExpired,
      text: `${plural(o.droppedExpired, 'message')} dropped: expired in the outbox`,
    });
  }
  return losses;
}

export interface NodesSummary {
  /** `3 nodes: 1 online, 1 offline, 1 lost`. */
  readonly text: string;
  /** `Data loss on 1 node: 5 messages dropped.`, undefined when no node lost anything. */
  readonly loss?: string;
}

export function summarizeNodes(nodes: ReadonlyArray<Pick<NodeSummary, 'state' | 'will' | 'outbox'>>): NodesSummary {
  if (nodes.length === 0) return { text: '0 nodes' };
  const counts: Record<NodeState, number> = { online: 0, offline: 0, lost: 0 };
  let lossyNodes = 0;
  let dropped = 0;
  for (const n of nodes) {
    counts[nodeState(n)]++;
    const lost = outboxLosses(n.outbox).reduce((sum, l) => sum + l.count, 0);
    if (lost > 0) lossyNodes++;
    dropped += lost;
  }
  const parts = [`${counts.online} online`, `${counts.offline} offline`];
  if (counts.lost > 0) parts.push(`${counts.lost} lost`);
  const text = `${plural(nodes.length, 'node')}: ${parts.join(', ')}`;
  if (lossyNodes === 0) return { text };
  return { text, loss: `Data loss on ${plural(lossyNodes, 'node')}: ${plural(dropped, 'message')} dropped.` };
}
