/** The customer summary in English: plain, factual, no blame (docs/dashboard.md "Customer summary"). */
import type { Concern } from './facts.js';
import type { Formats } from './format.js';
import type { Phrases } from './phrases.js';

const MILESTONES: Readonly<Record<string, string>> = {
  info_received: 'shipment details received', picked_up: 'picked up', in_transit: 'in transit',
  out_for_delivery: 'out for delivery', failed_attempt: 'delivery not completed yet, another attempt to follow',
  available_for_pickup: 'ready for pickup', delivered: 'delivered', exception: 'a delay or irregularity reported',
  returned: 'on its way back to the sender', cancelled: 'cancelled',
};

const plural = (n: number, one: string, many: string): string => (n === 1 ? `One ${one}` : `${n} ${many}`);

function concern(c: Concern, f: Formats): string {
  const dur = f.duration(c.totalMs) ?? 'a moment';
  const times = c.count > 1 ? ` ${c.count} times, ${dur} in all, the first` : ` for ${dur}`;
  switch (c.kind) {
    case 'warm':
    case 'cold': {
      const limit = c.limitC !== undefined ? `the goods' ${f.celsius(c.limitC)} °C limit` : 'the goods\' range';
      const side = c.kind === 'warm' ? 'above' : 'below';
      if (c.active) return `The temperature has been ${side} ${limit} since ${f.when(c.latestStartMs)} and is not back in range yet.`;
      return `The temperature was ${side} ${limit}${times} from ${f.when(c.startMs)}; it has been back in range since.`;
    }
    case 'shelf-life': return 'The temperatures on the way have shortened the goods\' expected shelf life.';
    case 'shock': return `${plural(c.count, 'knock was', 'knocks were')} recorded on the way, ${c.count === 1 ? '' : 'the first '}on ${f.when(c.startMs)}.`;
    case 'drop': return `${plural(c.count, 'drop was', 'drops were')} recorded in handling, ${c.count === 1 ? '' : 'the first '}on ${f.when(c.startMs)}.`;
    case 'vibration':
      if (c.active) return `Strong vibration on the way since ${f.when(c.latestStartMs)}.`;
      return `Strong vibration on the way${times} from ${f.when(c.startMs)}.`;
    case 'stop': {
      const now = c.active ? `; stopped since ${f.when(c.latestStartMs)}` : '';
      if (c.count > 1) return `${c.count} stops on the way, the longest ${f.duration(c.longestMs) ?? 'a moment'}${now}.`;
      if (c.active) return `Stopped on the way since ${f.when(c.startMs)}.`;
      return `A ${dur} stop on the way (${f.span(c.startMs, c.endMs)}).`;
    }
    case 'deviation':
      if (c.active) return `The shipment has been off its planned route since ${f.when(c.latestStartMs)}.`;
      return `The shipment left its planned route${times} from ${f.when(c.startMs)} and is back on it.`;
    case 'silence':
      if (c.active) return `No readings have come in since ${f.when(c.latestStartMs)}.`;
      return `No readings came in${times} from ${f.when(c.startMs)}; they have come in again since.`;
  }
}

export const EN: Phrases = {
  noReadings: () => 'No temperature readings yet.',
  keptAt: (min, max, whole) => `Kept ${min === max ? `at ${min}` : `between ${min} and ${max}`} °C ${whole ? 'the whole way' : 'so far'}.`,
  ranged: (min, max) => `Temperatures ranged from ${min} to ${max} °C.`,
  concern,
  hubStay: (s, f) => (s.departedMs === undefined
    ? `At the ${s.name} hub since ${f.when(s.arrivedMs)}.`
    : `A ${f.duration(s.departedMs - s.arrivedMs) ?? 'short'} stop at the ${s.name} hub (${f.span(s.arrivedMs, s.departedMs)}).`),
  carrier: (c, f) => {
    const what = MILESTONES[c.milestone] ?? `"${c.text}"`;
    const said = `The carrier's latest update (${f.when(c.atMs)}): ${what}${c.placeName !== undefined ? `, ${c.placeName}` : ''}.`;
    const e = c.evidence;
    if (e === undefined) return said;
    if (e.kind === 'confirmed') return `${said} Our tracker confirms it: there at ${f.clock(e.trackerAtMs)}.`;
    return `${said} Our tracker does not confirm it${e.trackerKm !== undefined ? `: it was ${e.trackerKm} km away at the time` : ''}; we are checking.`;
  },
  delivery: (d, f) => {
    switch (d.kind) {
      case 'window': {
        const held = d.delayedBy !== undefined ? `Held up by a severe weather warning on its route (${d.delayedBy}). ` : '';
        if (f.daysFromNow(d.p10Ms) === f.daysFromNow(d.p90Ms)) return `${held}Arrives ${f.day(d.p10Ms)}, ${f.clock(d.p10Ms)}–${f.clock(d.p90Ms)} (80 % likely).`;
        return `${held}Arrives between ${f.day(d.p10Ms)}, ${f.clock(d.p10Ms)} and ${f.day(d.p90Ms)}, ${f.clock(d.p90Ms)} (80 % likely).`;
      }
      case 'arrived': return `Arrived ${Math.abs(f.daysFromNow(d.atMs)) <= 1 ? '' : 'on '}${f.day(d.atMs)} at ${f.clock(d.atMs)}.`;
      case 'not-departed': return 'Not on its way yet; the arrival time is estimated once it is.';
      case 'no-basis': return 'On its way; the arrival time is estimated once it has travelled a little longer.';
    }
  },
  zone: (tz) => `Times are in ${tz} time.`,
};
