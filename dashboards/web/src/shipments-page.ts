/**
 * The Shipments view (#/shipments, #/shipments/ID): the shipments with their status (colour and words), last kept
 * position and open flags, what needs attention first; for the selected one its route plot (planned route, corridor,
 * geofences, the trackers' track, stops, shocks, deviations and where it was last seen) and its track as the rules
 * see it. Read when the view opens, on a change of filter, on Refresh, and again whenever the gateway says something
 * shown changed (live-follow.ts: a fix, a shock, a flag, a milestone, a custody move; at most once a second).
 */
import { evidenceLinks } from './evidence-downloads.js';
import type { ApiClient } from './api.js';
import { listShipments, oneShipment, shipmentDeliveryWindow, shipmentFlags, shipmentTrack, type ShipmentItem, type ShipmentState, type TrackSummary } from './api-shipments.js';
import { h, timeEl } from './dom.js';
import { located } from './api-orders.js';
import { BOARD_LABEL, boardStatus, openFlagsText, positionText, sortForBoard, trackText, visitText, windowText } from './model-shipments.js';
import { formatZoned, viewerZone, zoneNote } from './model-zone.js';
import { routeFigure } from './route-plot.js';
import { LiveFollow } from './live-follow.js';

const FILTERS: ReadonlyArray<readonly [ShipmentState | 'all', string]> = [['in_transit', 'In transit'], ['planned', 'Planned'], ['arrived', 'Arrived'], ['all', 'All']];
const COLUMNS = ['Status', 'Shipment', 'Carrier', 'Lane', 'Mode', 'From → to', 'Last position', 'Open flags', 'Promised delivery'];

/** A shipment is picked by a plain link to `#/shipments/ID`: the router calls show() back with it. */
export class ShipmentsPage {
  private readonly zone = viewerZone();
  private filter: ShipmentState | 'all' = 'in_transit';
  /** Bumped on each read: an answer for a view no longer shown is dropped. */
  private generation = 0;
  private follow: LiveFollow | undefined;

  constructor(private readonly doc: Document, private readonly api: ApiClient, private readonly root: HTMLElement) {}

  /** The view is no longer shown: its live stream closes. */
  leave(): void {
    this.follow?.stop();
    this.follow = undefined;
  }

  async show(id: string | undefined): Promise<void> {
    const doc = this.doc;
    const select = h(doc, 'select', { id: 'shipments-state', name: 'state' },
      ...FILTERS.map(([value, label]) => h(doc, 'option', { value, selected: value === this.filter }, label)));
    select.addEventListener('change', () => {
      this.filter = select.value as ShipmentState | 'all';
      void this.load(id);
    });
    const refresh = h(doc, 'button', { type: 'button', id: 'shipments-refresh' }, 'Refresh');
    refresh.addEventListener('click', () => void this.load(id));
    const live = h(doc, 'p', { id: 'shipments-live', class: 'small muted', role: 'status' });
    this.leave();
    this.follow = new LiveFollow(this.api.url('/api/v1/live/shipments'), () => void this.load(id), live);
    this.follow.start();
    this.root.replaceChildren(
      h(doc, 'h2', { id: 'shipments-title' }, 'Shipments'),
      h(doc, 'p', { class: 'muted' }, 'Status from custody and the plan; last position: the latest GPS fix the rules keep. ',
        h(doc, 'span', { id: 'shipments-zone' }, `${zoneNote(Date.now(), this.zone)}.`)),
      h(doc, 'div', { class: 'toolbar' }, h(doc, 'label', { for: 'shipments-state' }, 'Show'), select, refresh),
      live,
      h(doc, 'p', { id: 'shipments-status', class: 'summary', role: 'status' }, 'Loading…'),
      h(doc, 'div', { id: 'shipments-list', class: 'table-wrap', tabindex: 0 }),
      h(doc, 'div', { id: 'shipment-detail' }),
    );
    await this.load(id);
  }

  private async load(id: string | undefined): Promise<void> {
    const gen = ++this.generation;
    const status = this.doc.getElementById('shipments-status');
    const list = this.doc.getElementById('shipments-list');
    const detail = this.doc.getElementById('shipment-detail');
    if (status === null || list === null || detail === null) return;
    let items: ShipmentItem[];
    let more: boolean;
    try {
      const read = await listShipments(this.api, this.filter === 'all' ? undefined : this.filter);
      items = sortForBoard(read.shipments);
      more = read.more;
    } catch (err) {
      if (gen === this.generation) status.textContent = `Shipments could not be read: ${err instanceof Error ? err.message : String(err)}`;
      return;
    }
    if (gen !== this.generation) return;
    const late = items.filter((s) => s.status.late).length;
    const shown = FILTERS.find(([v]) => v === this.filter)?.[1].toLowerCase() ?? '';
    status.textContent = `${items.length} shipment${items.length === 1 ? '' : 's'} (${shown}), ${late} late.${more ? ` Only the first ${items.length} by id are listed.` : ''}`;
    // A live update rebuilds the table: the link a keyboard user is on keeps the focus.
    const focused = this.doc.activeElement;
    const focusedHref = focused !== null && list.contains(focused) ? focused.getAttribute('href') : null;
    list.replaceChildren(items.length === 0 ? h(this.doc, 'p', { class: 'empty' }, 'No shipments.') : this.table(items, id));
    if (focusedHref !== null) [...list.querySelectorAll('a')].find((a) => a.getAttribute('href') === focusedHref)?.focus();
    if (id === undefined) {
      detail.replaceChildren(items.length === 0 ? '' : h(this.doc, 'p', { class: 'muted' }, 'Pick a shipment to see its route.'));
      return;
    }
    // The selected shipment may be outside the filter or the first page: ask for it by id.
    let item: ShipmentItem | undefined;
    try {
      item = items.find((s) => s.id === id) ?? (await oneShipment(this.api, id));
    } catch (err) {
      if (gen === this.generation) detail.replaceChildren(h(this.doc, 'p', { class: 'error-detail', role: 'alert' }, `Shipment ${id} could not be read: ${err instanceof Error ? err.message : String(err)}`));
      return;
    }
    if (gen !== this.generation) return;
    if (item === undefined) {
      detail.replaceChildren(h(this.doc, 'p', { class: 'error-detail', role: 'alert', id: 'shipment-missing' }, `No shipment ${id}.`));
      return;
    }
    await this.detail(detail, item, gen);
  }

  private table(items: readonly ShipmentItem[], selected: string | undefined): HTMLTableElement {
    const doc = this.doc;
    return h(doc, 'table', { class: 'data', id: 'shipments-table' },
      h(doc, 'caption', { class: 'visually-hidden' }, 'Shipments, what needs attention first: late, in transit, overdue, planned, arrived'),
      h(doc, 'thead', {}, h(doc, 'tr', {}, ...COLUMNS.map((c) => h(doc, 'th', { scope: 'col' }, c)))),
      h(doc, 'tbody', {}, ...items.map((s) => this.row(s, s.id === selected))));
  }

  private row(s: ShipmentItem, selected: boolean): HTMLTableRowElement {
    const doc = this.doc;
    const board = boardStatus(s);
    const link = h(doc, 'a', { href: `#/shipments/${encodeURIComponent(s.id)}`, 'aria-current': selected ? 'true' : undefined }, s.id);
    const p = s.lastPosition;
    return h(doc, 'tr', { 'data-shipment': s.id, 'data-status': board, class: selected ? 'selected' : undefined },
      h(doc, 'td', { 'data-col': 'status' }, h(doc, 'span', { class: `badge status-${board}` }, BOARD_LABEL[board])),
      h(doc, 'th', { scope: 'row', 'data-col': 'id' }, link),
      h(doc, 'td', {}, s.carrier), h(doc, 'td', {}, s.lane), h(doc, 'td', {}, s.mode),
      h(doc, 'td', {}, `${s.origin} → ${s.destination}${s.hubs.length > 0 ? ` via ${s.hubs.join(', ')}` : ''}`),
      h(doc, 'td', { 'data-col': 'position' }, p === undefined ? h(doc, 'span', { class: 'muted' }, 'no fix yet')
        : h(doc, 'span', {}, positionText(p), h(doc, 'br'), h(doc, 'span', { class: 'small muted' }, timeEl(doc, Date.parse(p.at), formatZoned(Date.parse(p.at), this.zone))))),
      h(doc, 'td', { 'data-col': 'flags' }, this.flagBadges(s)),
      h(doc, 'td', {}, timeEl(doc, Date.parse(s.promisedDelivery), formatZoned(Date.parse(s.promisedDelivery), this.zone))),
    );
  }

  /** Stays at the origin, the hubs and the destination: the planned stops, which no rule flags. */
  private async visits(list: HTMLElement, visits: TrackSummary['visits'], gen: number): Promise<void> {
    const doc = this.doc;
    if (visits.length === 0) {
      list.replaceChildren(h(doc, 'li', { class: 'muted' }, 'none visited yet'));
      return;
    }
    const ids = [...new Set(visits.map((v) => v.place))];
    const names = new Map((await Promise.all(ids.map((id) => located(this.api, id)))).flatMap((p) => (p?.name !== undefined ? [[p.id, p.name] as const] : [])));
    if (gen !== this.generation) return;
    list.replaceChildren(...visits.map((v) => h(doc, 'li', { 'data-place': v.place, 'data-kind': v.placeKind }, visitText(v, names, this.zone))));
  }

  private flagBadges(s: ShipmentItem): HTMLElement {
    const doc = this.doc;
    const badges = (['critical', 'major', 'warning'] as const).filter((v) => s.openFlags[v] > 0)
      .map((v) => h(doc, 'span', { class: `badge severity-${v}`, 'data-severity': v }, `${s.openFlags[v]} ${v}`));
    return badges.length === 0 ? h(doc, 'span', { class: 'muted' }, 'none') : h(doc, 'span', { class: 'flag-counts', title: openFlagsText(s.openFlags) }, ...badges);
  }

  private async detail(slot: HTMLElement, s: ShipmentItem, gen: number): Promise<void> {
    const doc = this.doc;
    const board = boardStatus(s);
    const trackLine = h(doc, 'dd', { id: 'shipment-track' }, 'Loading…');
    const windowLine = h(doc, 'dd', { id: 'shipment-window' }, 'Loading…');
    const visits = h(doc, 'ul', { id: 'shipment-visits', class: 'plain' });
    // Read again (a live update): the plot shown stays until the new one is drawn.
    const shown = slot.querySelector(`.route-slot[data-shipment="${CSS.escape(s.id)}"] > *`);
    const figure = h(doc, 'div', { class: 'route-slot', 'data-shipment': s.id }, shown ?? h(doc, 'p', { class: 'muted' }, `Loading the route of ${s.id}…`));
    const when = (iso: string | undefined): Node | string => (iso === undefined ? '—' : timeEl(doc, Date.parse(iso), formatZoned(Date.parse(iso), this.zone)));
    slot.replaceChildren(
      h(doc, 'h3', { id: 'shipment-title' }, `Shipment ${s.id}`),
      h(doc, 'dl', { class: 'facts' },
        h(doc, 'dt', {}, 'Status'), h(doc, 'dd', { id: 'shipment-status' }, h(doc, 'span', { class: `badge status-${board}` }, BOARD_LABEL[board])),
        h(doc, 'dt', {}, 'Departed'), h(doc, 'dd', {}, when(s.status.departed), ' (planned ', when(s.plannedDeparture), ')'),
        h(doc, 'dt', {}, 'Arrived'), h(doc, 'dd', {}, when(s.status.arrived), ' (promised by ', when(s.promisedDelivery), ')'),
        h(doc, 'dt', {}, 'Delivery window'), windowLine,
        h(doc, 'dt', {}, 'Trackers'), h(doc, 'dd', {}, s.trackers.length === 0 ? 'none placed' : s.trackers.map((t) => t.device).join(', ')),
        h(doc, 'dt', {}, 'Track'), trackLine,
        h(doc, 'dt', {}, 'Known places'), h(doc, 'dd', {}, visits),
        h(doc, 'dt', {}, 'Open flags'), h(doc, 'dd', {}, openFlagsText(s.openFlags)),
      ),
      evidenceLinks(doc, 'shipments', s.id),
      figure,
    );
    const [track, flags, window] = await Promise.allSettled([shipmentTrack(this.api, s.id), shipmentFlags(this.api, s.id), shipmentDeliveryWindow(this.api, s.id)]);
    if (gen !== this.generation) return;
    trackLine.textContent = track.status === 'fulfilled' ? trackText(track.value) : 'could not be read';
    windowLine.textContent = window.status === 'fulfilled' ? windowText(window.value, this.zone) : 'could not be read';
    if (track.status === 'fulfilled') void this.visits(visits, track.value.visits, gen);
    const last = s.lastPosition === undefined ? undefined : { lat: s.lastPosition.lat, lon: s.lastPosition.lon, time: Date.parse(s.lastPosition.at), device: s.lastPosition.device };
    const fig = await routeFigure(doc, this.api, s.id, flags.status === 'fulfilled' ? flags.value : [], this.zone, last);
    if (gen === this.generation) figure.replaceChildren(fig);
  }
}
