/** An order's story as sentences, pure: one line per timeline event, in time order. */
import type { OrderTimeline, TimelineEvent } from './api-orders.js';

export interface StoryLine {
  /** ms since the epoch. */
  readonly at: number;
  readonly kind: string;
  /** Short label of the kind: `Status`, `Custody`, `Tracker`, `Place`, `Flag`, `Carrier`. */
  readonly label: string;
  readonly text: string;
  /** For flag lines: the flag's id, to find it among the timeline's flags. */
  readonly flag?: string;
  readonly severity?: string;
  /** For photo lines: the thumbnail's and the original's paths (docs/photos.md). */
  readonly photo?: { readonly thumbnail: string; readonly original: string; readonly sha256: string };
}

const LABEL: Readonly<Record<string, string>> = { status: 'Status', custody: 'Custody', tracker: 'Tracker', place: 'Place', flag: 'Flag', carrier: 'Carrier', scan: 'Scan', photo: 'Photo' };

/** What a scan did, in words (docs/scans.md, the scan log's outcomes). */
const SCAN_OUTCOME: Readonly<Record<string, string>> = {
  moved: 'moved it', repeat: 'found it where custody had it', refused: 'refused it at the door', contradiction: 'contradicts custody; not applied',
  unresolved: 'could not place it', 'bad-code': 'could not read the code',
};

function describe(e: TimelineEvent): Pick<StoryLine, 'text' | 'flag' | 'severity' | 'photo'> {
  switch (e.kind) {
    case 'status':
      return { text: `${e.status}${e.operator !== undefined ? ` (by ${e.operator}${e.source !== undefined ? `, ${e.source}` : ''})` : ''}` };
    case 'custody':
      return { text: `batch ${e.batch} ${e.change} ${e.change === 'left' ? '' : 'at '}${e.location.kind} ${e.location.id}`.replace('  ', ' ') };
    case 'tracker':
      return { text: `tracker ${e.device} ${e.change} ${e.change === 'attached' ? 'to' : 'from'} shipment ${e.shipment}` };
    case 'place':
      return { text: `shipment ${e.shipment} ${e.change} ${e.change === 'arrived' ? 'at' : 'from'} ${e.placeKind} ${e.place}` };
    case 'flag':
      return { text: e.title, flag: e.flag, severity: e.severity };
    case 'scan':
      return { text: `${e.via === 'rfid' ? 'RFID reader' : 'scanner'} ${e.device} read batch ${e.batch}: ${SCAN_OUTCOME[e.outcome] ?? e.outcome}${e.reason !== undefined && e.outcome !== 'moved' && e.outcome !== 'repeat' ? ` (${e.reason})` : ''}` };
    case 'photo': {
      const batches = e.batches.length === 0 ? '' : ` of batch${e.batches.length > 1 ? 'es' : ''} ${e.batches.join(', ')}`;
      const warned = e.warnings > 0 ? ` (${e.warnings} warning${e.warnings > 1 ? 's' : ''}: see its record)` : '';
      return {
        text: `camera ${e.device}${e.station !== undefined ? ` at ${e.station}` : ''} took a photo${batches} in ${e.location.kind} ${e.location.id}, on ${e.trigger}${warned}`,
        photo: { thumbnail: e.thumbnail, original: e.original, sha256: e.sha256 },
      };
    }
    case 'carrier': {
      // The carrier's word, as its word: what it claims in our terms, then its own text and place (docs/claims.md).
      const said = [e.text !== '' ? `“${e.text}”` : '', e.placeName !== undefined ? `at ${e.placeName}` : ''].filter((x) => x !== '').join(' ');
      return { text: `${e.carrier} ${e.trackingNumber} (shipment ${e.shipment}) reports ${e.milestone.replace(/_/g, ' ')}${said !== '' ? `: ${said}` : ''}` };
    }
    default: {
      // A kind this page does not know yet (the gateway grows): shown as what it says, never dropped.
      const other = e as { kind: string } & Record<string, unknown>;
      return { text: Object.entries(other).filter(([k]) => k !== 'at' && k !== 'kind').map(([k, v]) => `${k}: ${JSON.stringify(v)}`).join(', ') };
    }
  }
}

/** The events as lines, oldest first (stable: events at the same moment keep the gateway's order). */
export function storyLines(t: Pick<OrderTimeline, 'events'>): StoryLine[] {
  return t.events
    .map((e, i) => ({ e, i, at: Date.parse(e.at) }))
    .sort((a, b) => a.at - b.at || a.i - b.i)
    .map(({ e, at }) => ({ at, kind: e.kind, label: LABEL[e.kind] ?? e.kind, ...describe(e) }));
}

/** The order's shipments: those it lists, then any its flags name. */
export function orderShipments(t: Pick<OrderTimeline, 'order' | 'flags'>): string[] {
  const ids = new Set(t.order.shipments ?? []);
  for (const f of t.flags) for (const s of f.related.shipments) ids.add(s);
  return [...ids];
}

/** The order id a location asks for: `#/orders/ID` or `?order=ID`; undefined for none. */
export function orderFromLocation(hash: string, search: string): string | undefined {
  const m = /^#\/orders\/(.+)$/.exec(hash);
  if (m?.[1] !== undefined) return decodeURIComponent(m[1]);
  const q = new URLSearchParams(search).get('order');
  return q !== null && q.trim() !== '' ? q.trim() : undefined;
}
