/**
 * The Order view: an order's story from its timeline (statuses, custody, trackers, places, flags) in time order,
 * in the viewer's zone; under each flag its evidence chart, and for each shipment of the order its predicted delivery
 * window (P10-P90, P50) and its route plot. While an order is shown, the gateway tells the page when its story
 * changed (live-follow.ts: a flag, a milestone, a custody move, a status, a fix of its shipments) and it is read again.
 */
import { ApiError, type ApiClient } from './api.js';
import { orderTimeline, type Flag, type OrderTimeline } from './api-orders.js';
import { h, timeEl } from './dom.js';
import { evidenceFigure } from './evidence-chart.js';
import { evidenceLinks } from './evidence-downloads.js';
import { severityLabel } from './model-flags.js';
import { orderShipments, storyLines, type StoryLine } from './model-timeline.js';
import { formatZoned, viewerZone, zoneNote } from './model-zone.js';
import { routeFigure } from './route-plot.js';
import { shipmentDeliveryWindow } from './api-shipments.js';
import { windowText } from './model-shipments.js';
import { summaryBox } from './summary-box.js';
import { LiveFollow } from './live-follow.js';

export class OrderPage {
  private readonly zone = viewerZone();
  /** Bumped on each show(): an answer for an order no longer shown is dropped. */
  private generation = 0;
  private follow: LiveFollow | undefined;
  /** What the last render drew in its chart and plot slots, by slot. */
  private shown = new Map<string, Element>();

  constructor(
    private readonly doc: Document,
    private readonly api: ApiClient,
    private readonly root: HTMLElement,
    /** Navigates to an order (sets the location); the router calls show() back. */
    private readonly open: (id: string) => void,
  ) {}

  /** The view is no longer shown: its live stream closes. */
  leave(): void {
    this.follow?.stop();
    this.follow = undefined;
  }

  /** Shows the order `id`, or only the form to pick one. */
  async show(id: string | undefined): Promise<void> {
    const gen = ++this.generation;
    this.leave();
    const doc = this.doc;
    const input = h(doc, 'input', { id: 'order-id', name: 'order', type: 'text', required: true, value: id ?? '', placeholder: 'ORD-RT-201' });
    const form = h(doc, 'form', { class: 'toolbar', id: 'order-form' }, h(doc, 'label', { for: 'order-id' }, 'Order id'), input, h(doc, 'button', { type: 'submit' }, 'Open'));
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      if (input.value.trim() !== '') this.open(input.value.trim());
    });
    const body = h(doc, 'div', { id: 'order-body' });
    const live = h(doc, 'p', { id: 'order-live', class: 'small muted', role: 'status' });
    this.root.replaceChildren(h(doc, 'h2', { id: 'order-title' }, id === undefined ? 'Order' : `Order ${id}`), form, live, body);
    if (id === undefined) {
      body.append(h(doc, 'p', { class: 'muted' }, 'Enter an order id to see its story: statuses, custody, trackers, places and flags.'));
      return;
    }
    body.append(h(doc, 'p', { class: 'summary', role: 'status', id: 'order-status' }, 'Loading…'));
    let t: OrderTimeline;
    try {
      t = await orderTimeline(this.api, id);
    } catch (err) {
      if (gen !== this.generation) return;
      const text = err instanceof ApiError && err.status === 404 ? `No order ${id}.` : `The order could not be read: ${err instanceof Error ? err.message : String(err)}`;
      body.replaceChildren(h(doc, 'p', { class: 'error-detail', role: 'alert', id: 'order-status' }, text));
      return;
    }
    if (gen !== this.generation) return;
    this.render(body, t, gen);
    this.follow = new LiveFollow(this.api.url(`/api/v1/live/orders/${encodeURIComponent(id)}`), () => void this.refresh(id, body), live);
    this.follow.start();
  }

  /** Reads the order again and redraws its story in place (a live update); what is drawn stays until then. */
  private async refresh(id: string, body: HTMLElement): Promise<void> {
    const gen = ++this.generation;
    let t: OrderTimeline;
    try {
      t = await orderTimeline(this.api, id);
    } catch {
      return; // the next update or a reload tries again; what is shown stays
    }
    if (gen === this.generation && body.isConnected) this.render(body, t, gen);
  }

  private render(body: HTMLElement, t: OrderTimeline, gen: number): void {
    const doc = this.doc;
    // Drawn before (a live update): charts and plots stay shown until their new ones are drawn.
    const shown = new Map<string, Element>();
    for (const el of body.querySelectorAll('[data-slot-of]')) if (el.firstElementChild !== null) shown.set(el.getAttribute('data-slot-of')!, el.firstElementChild);
    this.shown = shown;
    const lines = storyLines(t);
    const flagsById = new Map(t.flags.map((f) => [f.id, f]));
    const shipments = orderShipments(t);
    const routes = h(doc, 'div', { class: 'routes' });
    body.replaceChildren(
      h(doc, 'p', { class: 'summary', id: 'order-status', role: 'status' },
        `${t.order.customer !== undefined ? `For ${t.order.customer}. ` : ''}${lines.length} events, ${t.flags.length} flag${t.flags.length === 1 ? '' : 's'}. `,
        h(doc, 'span', { id: 'order-zone' }, `${zoneNote(lines[0]?.at ?? Date.now(), this.zone)}.`)),
      evidenceLinks(doc, 'orders', t.order.id),
      summaryBox(doc, this.api, t.order.id, this.zone, () => gen === this.generation),
      h(doc, 'h3', {}, 'Story'),
      h(doc, 'ol', { class: 'timeline', id: 'order-timeline' }, ...lines.map((l) => this.line(l, flagsById.get(l.flag ?? ''), gen))),
      h(doc, 'h3', {}, shipments.length === 1 ? 'Route' : 'Routes'),
      shipments.length === 0 ? h(doc, 'p', { class: 'muted' }, 'This order lists no shipment.') : routes,
    );
    for (const s of shipments) {
      const slot = h(doc, 'div', { class: 'route-slot', 'data-shipment': s, 'data-slot-of': `route:${s}` }, this.shown.get(`route:${s}`) ?? h(doc, 'p', { class: 'muted' }, `Loading the route of ${s}…`));
      const window = h(doc, 'span', { class: 'window-text' }, 'Loading…');
      routes.append(h(doc, 'p', { class: 'delivery-window', 'data-shipment': s }, `Delivery window of ${s}: `, window), slot);
      void shipmentDeliveryWindow(this.api, s).then((w) => windowText(w, this.zone), () => 'could not be read').then((text) => {
        if (gen === this.generation) window.textContent = text;
      });
      void routeFigure(doc, this.api, s, t.flags, this.zone).then((fig) => {
        if (gen === this.generation) slot.replaceChildren(fig);
      });
    }
  }

  private line(l: StoryLine, flag: Flag | undefined, gen: number): HTMLLIElement {
    const doc = this.doc;
    const li = h(
      doc,
      'li',
      { class: `event event-${l.kind}`, 'data-kind': l.kind, 'data-at': l.at, 'data-flag': l.flag, 'data-severity': l.severity },
      h(doc, 'span', { class: 'when' }, timeEl(doc, l.at, formatZoned(l.at, this.zone))),
      ' ',
      l.severity !== undefined ? h(doc, 'span', { class: `badge severity-${l.severity}` }, severityLabel(l.severity)) : h(doc, 'span', { class: 'kind' }, l.label),
      ' ',
      h(doc, 'span', { class: 'what' }, l.text),
      l.flag !== undefined ? h(doc, 'code', { class: 'rule small' }, l.flag) : null,
      // A photo's thumbnail, fetched on its own (immutable, cached); the original a click away.
      l.photo !== undefined ? h(doc, 'a', { class: 'photo', href: l.photo.original, target: '_blank', rel: 'noopener', title: `SHA-256 ${l.photo.sha256}` },
        h(doc, 'img', { class: 'photo-thumb', src: l.photo.thumbnail, alt: `photo ${l.photo.sha256.slice(0, 12)}`, loading: 'lazy' })) : null,
    );
    if (flag !== undefined) {
      const slot = h(doc, 'div', { class: 'evidence-slot', 'data-slot-of': `flag:${flag.id}` }, this.shown.get(`flag:${flag.id}`) ?? h(doc, 'p', { class: 'muted small' }, 'Loading the evidence…'));
      li.append(slot);
      void evidenceFigure(doc, this.api, flag, this.zone).then((fig) => {
        if (gen === this.generation) slot.replaceChildren(fig);
      });
    }
    return li;
  }
}
