/**
 * A carrier's tracking events as the gateway takes them (issue #20, docs/claims.md): a batch read field by field,
 * every problem with its path, into events with their identity. The identity is (carrier, tracking number, time,
 * code): the same event sent twice, or by a backfill after the live feed, is the same event.
 */
import { latLon } from '../registry/entities.js';
import { Fields, isObject, MAX_ID_LENGTH } from '../registry/fields.js';
import type { LatLon, Problem } from '../registry/types.js';
import { CARRIER_VOCABULARIES, type CarrierVocabulary } from './milestones.js';
import { normaliseCarrier, normaliseTrackingNumber } from './tracking.js';

/** Most events in one batch (one POST, or one request of the import tool). */
export const MAX_BATCH_EVENTS = 10_000;
/** Longest carrier text and place name kept, characters. */
export const MAX_TEXT_LENGTH = 2000;

/** One event of a carrier, normalised. */
export interface CarrierEvent {
  /** Lower case, trimmed: `dhl`, `ups`, `kuehne+nagel`. */
  readonly carrier: string;
  /** As the carrier prints it without spaces, upper case: `1Z999AA10123456784`. */
  readonly trackingNumber: string;
  /** The Coldtrace shipment the sender says it belongs to, when it knows. */
  readonly shipment?: string;
  readonly vocabulary: CarrierVocabulary;
  /** When it happened (the carrier's time), canonical ISO 8601 UTC, and in ms. */
  readonly time: string;
  readonly timeMs: number;
  readonly code: string;
  /** The carrier's own words: "Arrived at the Chaoyang depot". */
  readonly text: string;
  /** The carrier's place name, as given. */
  readonly place?: string;
  readonly position?: LatLon;
}

/** The identity of an event as one string: carrier, tracking number, time (ms) and code, separated by NUL. */
export function eventKey(e: Pick<CarrierEvent, 'carrier' | 'trackingNumber' | 'timeMs' | 'code'>): string {
  return `${e.carrier}\u0000${e.trackingNumber}\u0000${e.timeMs}\u0000${e.code}`;
}

const BATCH_FIELDS = ['carrier', 'trackingNumber', 'shipment', 'vocabulary', 'events'] as const;
const EVENT_FIELDS = ['carrier', 'trackingNumber', 'shipment', 'vocabulary', 'time', 'code', 'text', 'place', 'position'] as const;
type Defaults = Partial<Record<'carrier' | 'trackingNumber' | 'shipment' | 'vocabulary', unknown>>;

/** A short non-empty string without control characters (carrier, tracking number, code). */
function label(f: Fields, key: string, given: unknown, what: string): string {
  if (typeof given !== 'string' || given.trim() === '' || given.length > MAX_ID_LENGTH || /\p{Cc}/u.test(given)) {
    f.problem(`.${key}`, `must be ${what}: a non-empty string of at most ${MAX_ID_LENGTH} characters`);
    return '';
  }
  return given.trim();
}

function text(f: Fields, key: string): string | undefined {
  const v = f.raw(key);
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v.length > MAX_TEXT_LENGTH) {
    f.problem(`.${key}`, `must be a string of at most ${MAX_TEXT_LENGTH} characters`);
    return undefined;
  }
  return v;
}

function readEvent(v: unknown, path: string, defaults: Defaults, problems: Problem[]): CarrierEvent {
  const f = new Fields(v, path, problems, EVENT_FIELDS);
  const pick = (key: keyof Defaults): unknown => (f.has(key) ? f.raw(key) : defaults[key]);
  const carrier = normaliseCarrier(label(f, 'carrier', pick('carrier'), 'the carrier (here or on the batch)'));
  // A carrier that tracks by our reference sends events "for a shipment": its id is then the tracking number.
  const number = pick('trackingNumber') ?? pick('shipment');
  const trackingNumber = normaliseTrackingNumber(label(f, 'trackingNumber', number, 'the tracking number (here or on the batch; default: the shipment)'));
  const vocabulary = pick('vocabulary') ?? 'coldtrace';
  if (!(CARRIER_VOCABULARIES as readonly unknown[]).includes(vocabulary)) f.problem('.vocabulary', `must be one of ${CARRIER_VOCABULARIES.map((x) => `'${x}'`).join(', ')}`);
  const shipment = pick('shipment');
  if (shipment !== undefined && (typeof shipment !== 'string' || shipment === '' || shipment !== shipment.trim() || shipment.length > MAX_ID_LENGTH)) {
    f.problem('.shipment', `must be a shipment id of at most ${MAX_ID_LENGTH} characters`);
  }
  const time = f.time('time');
  const code = label(f, 'code', f.raw('code'), "the carrier's event code");
  const place = text(f, 'place');
  const position = f.has('position') ? latLon(f.raw('position'), `${path}.position`, problems) : undefined;
  return {
    carrier, trackingNumber, vocabulary: vocabulary as CarrierVocabulary, time: time.iso, timeMs: time.ms, code, text: text(f, 'text') ?? '',
    ...(typeof shipment === 'string' ? { shipment } : {}), ...(place !== undefined && place !== '' ? { place } : {}), ...(position !== undefined ? { position } : {}),
  };
}

/**
 * Reads a batch: `{carrier?, trackingNumber?, shipment?, vocabulary?, events: [...]}`, where each event may carry
 * its own `carrier`, `trackingNumber`, `shipment` and `vocabulary` (a batch of mixed tracking numbers) or take the
 * batch's. Problems are by path (`events[3].time`); events come back only when there is none.
 */
export function readCarrierBatch(raw: unknown): { events: CarrierEvent[]; problems: Problem[] } {
  const problems: Problem[] = [];
  if (!isObject(raw)) return { events: [], problems: [{ path: '', message: 'must be an object with `events`' }] };
  const f = new Fields(raw, '', problems, BATCH_FIELDS);
  const defaults: Defaults = Object.fromEntries(BATCH_FIELDS.filter((k) => k !== 'events' && f.has(k)).map((k) => [k, f.raw(k)]));
  const events = f.list('events', (v, path) => readEvent(v, path, defaults, problems), { min: 1 });
  if (events.length > MAX_BATCH_EVENTS) problems.push({ path: 'events', message: `must have at most ${MAX_BATCH_EVENTS} events (split the batch)` });
  return problems.length === 0 ? { events, problems } : { events: [], problems: problems.map((p) => ({ path: p.path.replace(/^\./, ''), message: p.message })) };
}
