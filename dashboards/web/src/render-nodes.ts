/** The "Edge nodes" panel: one row per edge agent with its state, last status, outbox and the data it lost. */
import type { NodeSummary } from './api.js';
import { h, timeEl } from './dom.js';
import { formatAge, formatClock } from './model.js';
import {
  describeOutbox,
  nodeKey,
  outboxAsOf,
  nodeState,
  outboxLosses,
  sortNodes,
  summarizeNodes,
  type NodeState,
} from './model-nodes.js';

const STATE_LABEL: Readonly<Record<NodeState, string>> = { online: 'Online', offline: 'Offline', lost: 'Lost' };
const STATE_NOTE: Readonly<Record<NodeState, string | null>> = {
  online: null,
  offline: 'stopped cleanly',
  lost: 'vanished without a clean stop (last will)',
};
const COLUMNS = 7;

function row(doc: Document, n: NodeSummary, now: number): HTMLTableRowElement {
  const state = nodeState(n);
  const losses = outboxLosses(n.outbox);
  const note = STATE_NOTE[state];
  return h(
    doc,
    'tr',
    { 'data-node': nodeKey(n), 'data-state': state, 'data-loss': losses.length > 0, class: `row-${state}` },
    h(
      doc,
      'td',
      { 'data-col': 'state' },
      h(doc, 'span', { class: `badge state-${state}` }, STATE_LABEL[state]),
      note !== null ? h(doc, 'div', { class: state === 'lost' ? 'error-detail' : 'muted small' }, note) : null,
    ),
    h(doc, 'td', { class: 'id' }, n.site),
    h(doc, 'th', { scope: 'row', class: 'id' }, n.node, h(doc, 'div', { class: 'muted small boot' }, `boot ${n.boot}`)),
    h(doc, 'td', { 'data-col': 'last-status' }, timeEl(doc, n.lastSeen, formatClock(n.lastSeen, now))),
    h(doc, 'td', { class: 'num', 'data-col': 'age' }, formatAge(now - n.lastSeen)),
    outboxCell(doc, n, now),
    losses.length === 0
      ? h(doc, 'td', { 'data-col': 'drops', class: 'muted' }, n.outbox === undefined ? '—' : 'none')
      : h(
          doc,
          'td',
          { 'data-col': 'drops' },
          h(doc, 'ul', { class: 'losses' }, ...losses.map((l) => h(doc, 'li', { class: 'loss', 'data-loss': l.kind }, l.text))),
        ),
  );
}

function outboxCell(doc: Document, n: NodeSummary, now: number): HTMLTableCellElement {
  const asOf = outboxAsOf(n);
  return h(
    doc,
    'td',
    { 'data-col': 'outbox', class: n.outbox === undefined ? 'muted' : undefined },
    describeOutbox(n.outbox),
    asOf !== undefined ? h(doc, 'div', { class: 'muted small as-of' }, 'as last reported at ', timeEl(doc, asOf, formatClock(asOf, now))) : null,
  );
}

/** Replaces the panel's rows and summary; `now` is gateway time. */
export function renderNodes(
  doc: Document,
  tbody: HTMLTableSectionElement,
  summary: HTMLElement,
  nodes: readonly NodeSummary[],
  now: number,
): void {
  const s = summarizeNodes(nodes);
  summary.replaceChildren(s.text, ...(s.loss !== undefined ? ['. ', h(doc, 'strong', { class: 'loss' }, s.loss)] : []));
  summary.toggleAttribute('data-loss', s.loss !== undefined);
  if (nodes.length === 0) {
    tbody.replaceChildren(h(doc, 'tr', {}, h(doc, 'td', { colspan: COLUMNS, class: 'empty' }, 'No edge node has reported its status yet.')));
    return;
  }
  tbody.replaceChildren(...sortNodes(nodes).map((n) => row(doc, n, now)));
}
