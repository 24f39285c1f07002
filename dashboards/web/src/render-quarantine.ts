/** The "Quarantine" panel: counts by reject code and the most recent rejected messages. */
import type { QuarantineResponse } from './api.js';
import { h, timeEl } from './dom.js';
import { formatClock, sortedCounts } from './model.js';

/** Longest payload excerpt shown inline, characters; the gateway may already have truncated it. */
const PAYLOAD_PREVIEW_CHARS = 2000;

export function renderQuarantine(
  doc: Document,
  countsList: HTMLElement,
  tbody: HTMLTableSectionElement,
  q: QuarantineResponse,
  now: number,
): void {
  const counts = sortedCounts(q.counts);
  countsList.replaceChildren(
    ...(counts.length === 0
      ? [h(doc, 'li', { class: 'muted' }, 'Nothing rejected.')]
      : counts.map((c) =>
          h(doc, 'li', { 'data-code': c.code }, h(doc, 'code', {}, c.code), ' ', h(doc, 'span', { class: 'count' }, c.count)),
        )),
  );

  // Rows are rebuilt on every refresh: keep payloads the operator opened open.
  const open = new Set(
    [...tbody.querySelectorAll('tr[data-quarantine-id]')]
      .filter((tr) => tr.querySelector('details')?.open === true)
      .map((tr) => tr.getAttribute('data-quarantine-id')),
  );
  if (q.entries.length === 0) {
    tbody.replaceChildren(h(doc, 'tr', {}, h(doc, 'td', { colspan: 6, class: 'empty' }, 'No rejected messages.')));
    return;
  }
  tbody.replaceChildren(
    ...q.entries.map((e) => {
      const preview = e.payload.length > PAYLOAD_PREVIEW_CHARS ? `${e.payload.slice(0, PAYLOAD_PREVIEW_CHARS)}…` : e.payload;
      return h(
        doc,
        'tr',
        { 'data-quarantine-id': e.id, 'data-code': e.code },
        h(doc, 'td', {}, timeEl(doc, e.receivedAt, formatClock(e.receivedAt, now))),
        h(doc, 'td', {}, h(doc, 'code', {}, e.code)),
        h(doc, 'td', { class: 'detail' }, e.detail),
        h(doc, 'td', { class: 'topic' }, h(doc, 'code', {}, e.topic), e.clientId ? h(doc, 'div', { class: 'muted small' }, `client ${e.clientId}`) : null),
        h(doc, 'td', { class: 'num' }, `${e.size} B`),
        h(
          doc,
          'td',
          {},
          h(doc, 'details', { open: open.has(String(e.id)) }, h(doc, 'summary', {}, 'payload'), h(doc, 'pre', { class: 'payload' }, preview)),
        ),
      );
    }),
  );
}
