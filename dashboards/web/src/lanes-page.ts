/**
 * The Lanes view (#/lanes, #16): the weekly lane report as an SVG heatmap (rows carriers, lanes or hubs; columns ISO
 * weeks in the viewer's zone; colour by count with the number written in each cell) and the tier 3 reviews beside
 * it. What it shows lives in the location (`#/lanes?by=hub&from=...&to=...`): the controls change the hash and the
 * router calls show() back.
 */
import type { ApiClient } from './api.js';
import { laneReport, type LaneDimension, type LaneReport, type LaneReview } from './api-lanes.js';
import { h, svg, timeEl } from './dom.js';
import { CONSISTENCY_HEAD, DIMENSIONS, SPANS_WEEKS, consistencyLines, heatmapOf, lanesHash, lanesQueryOf, lanesSummary, lastWeeks, mondayText, rangeOf, type LanesQuery } from './model-lanes.js';
import { formatZoned, viewerZone, zoneNote } from './model-zone.js';

export class LanesPage {
  private readonly zone = viewerZone();
  /** Bumped on each read: an answer for a view no longer shown is dropped. */
  private generation = 0;

  constructor(private readonly doc: Document, private readonly api: ApiClient, private readonly root: HTMLElement, private readonly go: (hash: string) => void) {}

  async show(hash: string): Promise<void> {
    const doc = this.doc;
    const q = lanesQueryOf(hash, Date.now());
    const by = h(doc, 'select', { id: 'lanes-by', name: 'by' }, ...DIMENSIONS.map(([v, label]) => h(doc, 'option', { value: v, selected: v === q.by }, label)));
    by.addEventListener('change', () => this.go(lanesHash({ ...q, by: by.value as LaneDimension })));
    const span = h(doc, 'select', { id: 'lanes-span', name: 'span' }, h(doc, 'option', { value: '' }, `${q.from} to ${q.to} (exclusive)`),
      ...SPANS_WEEKS.map((w) => h(doc, 'option', { value: String(w) }, `Last ${w} weeks`)));
    span.addEventListener('change', () => {
      if (span.value !== '') this.go(lanesHash(lastWeeks(q.by, Number(span.value), Date.now())));
    });
    const refresh = h(doc, 'button', { type: 'button', id: 'lanes-refresh' }, 'Refresh');
    refresh.addEventListener('click', () => void this.load(q));
    this.root.replaceChildren(
      h(doc, 'h2', { id: 'lanes-title' }, 'Lanes: weekly incidents'),
      h(doc, 'p', { class: 'muted' }, 'Incidents as tier 3 counts them: one anomaly of a shipment once, however many batches or rules show it. ',
        'ISO weeks, Monday to Sunday. ', h(doc, 'span', { id: 'lanes-zone' }, `${zoneNote(Date.now(), this.zone)}.`)),
      h(doc, 'div', { class: 'toolbar' }, h(doc, 'label', { for: 'lanes-by' }, 'By'), by, h(doc, 'label', { for: 'lanes-span' }, 'Weeks'), span, refresh),
      h(doc, 'p', { id: 'lanes-status', class: 'summary', role: 'status' }, 'Loading…'),
      h(doc, 'div', { class: 'lanes-layout' },
        h(doc, 'div', { id: 'lanes-heatmap', class: 'table-wrap', tabindex: 0 }),
        h(doc, 'aside', { id: 'lanes-reviews', 'aria-labelledby': 'lanes-reviews-title' })),
      h(doc, 'section', { id: 'lanes-consistency', 'aria-labelledby': 'lanes-consistency-title' }),
    );
    await this.load(q);
  }

  private async load(q: LanesQuery): Promise<void> {
    const gen = ++this.generation;
    const status = this.doc.getElementById('lanes-status');
    const map = this.doc.getElementById('lanes-heatmap');
    const reviews = this.doc.getElementById('lanes-reviews');
    const claims = this.doc.getElementById('lanes-consistency');
    if (status === null || map === null || reviews === null || claims === null) return;
    let r: LaneReport;
    try {
      r = await laneReport(this.api, { by: q.by, ...rangeOf(q), tz: this.zone });
    } catch (err) {
      if (gen === this.generation) status.textContent = `The lane report could not be read: ${err instanceof Error ? err.message : String(err)}`;
      return;
    }
    if (gen !== this.generation) return;
    status.textContent = lanesSummary(r);
    map.replaceChildren(r.rows.length === 0 ? h(this.doc, 'p', { class: 'empty' }, 'No incidents in these weeks.') : this.heatmap(r));
    reviews.replaceChildren(h(this.doc, 'h3', { id: 'lanes-reviews-title' }, 'Tier 3 reviews'), this.reviewList(r.reviews));
    claims.replaceChildren(...this.claims(r));
  }

  /** The consistency report by the same weeks: what the carriers and the order hub said against the evidence. */
  private claims(r: LaneReport): HTMLElement[] {
    const doc = this.doc;
    const head = [h(doc, 'h3', { id: 'lanes-consistency-title' }, 'Claims against evidence'),
      h(doc, 'p', { class: 'muted' }, 'Shipments by the ISO week they were planned to leave, per carrier and lane, whatever the view is by: ',
        '"shipped" set before the goods left, "delivered" no tracker or custody confirmed, hub events the track contradicts, and how late the carrier reports what the tracker saw.')];
    if (r.consistency.length === 0) return [...head, h(doc, 'p', { class: 'empty', id: 'lanes-no-claims' }, 'No shipments left in these weeks.')];
    return [...head, h(doc, 'div', { class: 'table-wrap', tabindex: 0 }, h(doc, 'table', { class: 'data', id: 'lanes-claims-table' },
      h(doc, 'caption', { class: 'visually-hidden' }, 'Claims against evidence per week, carrier and lane'),
      h(doc, 'thead', {}, h(doc, 'tr', {}, ...CONSISTENCY_HEAD.map((c) => h(doc, 'th', { scope: 'col' }, c)))),
      h(doc, 'tbody', {}, ...consistencyLines(r.consistency).map((l) => h(doc, 'tr', { 'data-key': l.key, class: l.disagreed ? 'disagreed' : undefined },
        ...l.cells.map((c, i) => h(doc, i === 0 ? 'th' : 'td', i === 0 ? { scope: 'row' } : {}, c)))))))];
  }

  private heatmap(r: LaneReport): SVGSVGElement {
    const doc = this.doc;
    const m = heatmapOf(r);
    const noun = DIMENSIONS.find(([d]) => d === r.by)?.[1] ?? r.by;
    const title = `Incidents per ${noun.toLowerCase()} and ISO week, ${r.tz}`;
    return svg(doc, 'svg', { class: 'lane-heatmap', 'data-by': r.by, width: m.width, height: m.height, viewBox: `0 0 ${m.width} ${m.height}`, role: 'img', 'aria-label': title },
      svg(doc, 'title', {}, title),
      svg(doc, 'text', { x: 4, y: 14, class: 'heat-head' }, noun),
      ...m.columns.map((c) => svg(doc, 'text', { class: 'heat-week', 'data-week': c.week, x: c.x + m.cellW / 2, y: 14, 'text-anchor': 'middle' },
        svg(doc, 'tspan', { x: c.x + m.cellW / 2, dy: 0 }, c.short), svg(doc, 'tspan', { x: c.x + m.cellW / 2, dy: 14, class: 'heat-monday' }, mondayText(c.monday)))),
      svg(doc, 'text', { x: m.width - 4, y: 14, 'text-anchor': 'end', class: 'heat-head' }, 'Total'),
      ...m.rows.map((row) => svg(doc, 'g', { class: 'heat-row', 'data-key': row.key },
        svg(doc, 'text', { x: 4, y: row.y + m.cellH / 2 + 5, class: 'heat-key' }, row.key),
        ...row.cells.map((c) => svg(doc, 'g', { class: 'heat-cell', 'data-week': c.week, 'data-count': c.count, 'data-level': c.level },
          svg(doc, 'title', {}, c.label),
          svg(doc, 'rect', { x: c.x + 1, y: c.y + 1, width: m.cellW - 2, height: m.cellH - 2, rx: 3, class: `heat-${c.level}` }),
          svg(doc, 'text', { x: c.x + m.cellW / 2, y: c.y + m.cellH / 2 + 5, 'text-anchor': 'middle', class: `heat-n heat-n-${c.level}` }, c.count))),
        svg(doc, 'text', { x: m.width - 4, y: row.y + m.cellH / 2 + 5, 'text-anchor': 'end', class: 'heat-total' }, row.total))),
    );
  }

  private reviewList(reviews: readonly LaneReview[]): HTMLElement {
    const doc = this.doc;
    if (reviews.length === 0) return h(doc, 'p', { class: 'muted', id: 'lanes-no-reviews' }, 'None in these weeks.');
    return h(doc, 'ul', { class: 'plain review-list' }, ...reviews.map((v) => h(doc, 'li', { 'data-flag': v.flag, 'data-state': v.state },
      h(doc, 'a', { href: `/api/v1/flags/${encodeURIComponent(v.flag)}`, class: 'review-flag' }, v.title), ' ',
      h(doc, 'span', { class: `badge state-${v.state}` }, v.state), v.active ? '' : h(doc, 'span', { class: 'small muted' }, ' (no longer met)'),
      h(doc, 'br'),
      h(doc, 'span', { class: 'small muted' }, timeEl(doc, Date.parse(v.start), formatZoned(Date.parse(v.start), this.zone)), ' to ',
        timeEl(doc, Date.parse(v.end), formatZoned(Date.parse(v.end), this.zone)), '; shipments '),
      ...v.shipments.flatMap((s, i) => [i > 0 ? ', ' : '', h(doc, 'a', { href: `#/shipments/${encodeURIComponent(s)}`, class: 'small' }, s)]))));
  }
}
