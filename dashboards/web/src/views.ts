/**
 * Which view the page shows, from its location: `#/flags` the Flags view, `#/orders/ID` (or `?order=ID`) the Order
 * view, `#/shipments` or `#/shipments/ID` the Shipments view, `#/lanes` (or `#/lanes?by=hub&from=...&to=...`)
 * the Lanes view, `#/duty` the Duty view (alarms, roster, delivery log), anything else the live page. The body's `data-view`
 * attribute does the showing (styles.css); the live page's sections carry no `data-view` and show in the live view
 * only.
 */
import type { ApiClient } from './api.js';
import { byId } from './dom.js';
import { FlagsPage } from './flags-page.js';
import { orderFromLocation } from './model-timeline.js';
import { OrderPage } from './order-page.js';
import { shipmentFromHash } from './model-shipments.js';
import { ShipmentsPage } from './shipments-page.js';
import { LanesPage } from './lanes-page.js';
import { DutyPage } from './duty-page.js';

export type View =
  | { readonly kind: 'live' }
  | { readonly kind: 'flags' }
  | { readonly kind: 'order'; readonly id: string | undefined }
  | { readonly kind: 'shipments'; readonly id: string | undefined }
  | { readonly kind: 'lanes' }
  | { readonly kind: 'duty' };

export function viewOf(hash: string, search: string): View {
  if (hash === '#/flags') return { kind: 'flags' };
  if (hash === '#/orders' || hash.startsWith('#/orders/')) return { kind: 'order', id: orderFromLocation(hash, '') };
  if (hash === '#/shipments' || hash.startsWith('#/shipments/')) return { kind: 'shipments', id: shipmentFromHash(hash) };
  if (hash === '#/lanes' || hash.startsWith('#/lanes?')) return { kind: 'lanes' };
  if (hash === '#/duty') return { kind: 'duty' };
  if (hash === '' || hash === '#' || hash === '#/') {
    const id = orderFromLocation('', search);
    if (id !== undefined) return { kind: 'order', id };
  }
  return { kind: 'live' };
}

export class Views {
  private readonly flags: FlagsPage;
  private readonly order: OrderPage;
  private readonly shipments: ShipmentsPage;
  private readonly lanes: LanesPage;
  private readonly duty: DutyPage;
  private readonly onChange = (): void => this.route();

  constructor(
    private readonly win: Window,
    api: ApiClient,
  ) {
    const doc = win.document;
    let storage: Storage | undefined;
    try {
      storage = win.localStorage;
    } catch {
      storage = undefined; // storage disabled: the name is asked for again after a reload
    }
    this.flags = new FlagsPage(doc, api, byId(doc, 'flags-view'), storage);
    this.order = new OrderPage(doc, api, byId(doc, 'order-view'), (id) => {
      win.location.hash = `#/orders/${encodeURIComponent(id)}`;
    });
    this.shipments = new ShipmentsPage(doc, api, byId(doc, 'shipments-view'));
    this.lanes = new LanesPage(doc, api, byId(doc, 'lanes-view'), (hash) => {
      win.location.hash = hash;
    });
    this.duty = new DutyPage(doc, api, byId(doc, 'duty-view'), storage);
  }

  start(): void {
    this.win.addEventListener('hashchange', this.onChange);
    this.route();
  }

  stop(): void {
    this.win.removeEventListener('hashchange', this.onChange);
    this.shipments.leave();
    this.order.leave();
  }

  private route(): void {
    const doc = this.win.document;
    const v = viewOf(this.win.location.hash, this.win.location.search);
    doc.body.setAttribute('data-view', v.kind);
    for (const a of doc.querySelectorAll<HTMLAnchorElement>('nav.views a[data-view]')) {
      if (a.getAttribute('data-view') === v.kind) a.setAttribute('aria-current', 'page');
      else a.removeAttribute('aria-current');
    }
    // Live streams only for the view shown (one per page at most).
    if (v.kind !== 'shipments') this.shipments.leave();
    if (v.kind !== 'order') this.order.leave();
    if (v.kind === 'flags') void this.flags.show();
    if (v.kind === 'order') void this.order.show(v.id);
    if (v.kind === 'shipments') void this.shipments.show(v.id);
    if (v.kind === 'lanes') void this.lanes.show(this.win.location.hash);
    if (v.kind === 'duty') void this.duty.show();
  }
}
