/**
 * The customer summary's sentences in English and Chinese, table-driven: each case is a set of facts, the zone and
 * the evaluation time, and the exact sentences in both languages.
 */
import { describe, expect, it } from 'vitest';
import type { Concern, OrderFacts } from './facts.js';
import { orderSummary } from './summary.js';

const MIN = 60_000;
/** Mon 7 Dec 2026, 09:00 in Amsterdam (CET, UTC+1). */
const NOW = Date.UTC(2026, 11, 7, 8);
const AMS = 'Europe/Amsterdam';
const at = (h: number, m = 0): number => Date.UTC(2026, 11, 7, h - 1, m); // Amsterdam wall time on 7 Dec
const concern = (c: Partial<Concern> & Pick<Concern, 'kind' | 'startMs' | 'endMs'>): Concern => ({
  latestStartMs: c.startMs, totalMs: c.endMs - c.startMs, longestMs: c.endMs - c.startMs, count: 1, active: false, ...c,
});
const temp = { minC: 3.1, maxC: 5.4, readings: 120 };
const window = { kind: 'window' as const, p10Ms: at(34, 2), p50Ms: at(35), p90Ms: at(35, 50) }; // tomorrow 10:02-11:50

interface Case { name: string; facts: OrderFacts; tz?: string; now?: number; en: string[]; zh: string[] }

const cases: Case[] = [
  {
    name: 'all well, in transit, with a hub stop and a window tomorrow (widened to 10:00-12:00)',
    facts: { temperature: temp, concerns: [], hubStays: [{ name: 'Bettembourg', arrivedMs: at(5), departedMs: at(7) }], delivery: window },
    en: ['Kept between 3.1 and 5.4 °C so far.', 'A 2 h stop at the Bettembourg hub (7 Dec, 05:00–07:00).', 'Arrives tomorrow, 10:00–12:00 (80 % likely).', 'Times are in Europe/Amsterdam time.'],
    zh: ['到目前为止，温度一直保持在 3.1 至 5.4 °C 之间。', '在 Bettembourg 枢纽停留 2 小时（12月7日 05:00–07:00）。', '预计明天 10:00–12:00 送达（可能性 80%）。', '以上时间均为 Europe/Amsterdam 时区时间。'],
  },
  {
    name: 'no readings yet, not departed',
    facts: { concerns: [], hubStays: [], delivery: { kind: 'not-departed' } },
    en: ['No temperature readings yet.', 'Not on its way yet; the arrival time is estimated once it is.', 'Times are in Europe/Amsterdam time.'],
    zh: ['暂无温度读数。', '尚未启运，启运后将提供预计送达时间。', '以上时间均为 Europe/Amsterdam 时区时间。'],
  },
  {
    name: 'yesterday\'s arrival and a window a few days out',
    facts: { temperature: temp, concerns: [], hubStays: [], delivery: { kind: 'arrived', atMs: at(-20) } },
    en: ['Kept between 3.1 and 5.4 °C the whole way.', 'Arrived yesterday at 04:00.', 'Times are in Europe/Amsterdam time.'],
    zh: ['全程温度一直保持在 3.1 至 5.4 °C 之间。', '已于昨天 04:00 送达。', '以上时间均为 Europe/Amsterdam 时区时间。'],
  },
  {
    name: 'a window on a later day, and next year',
    now: Date.UTC(2026, 11, 30, 8),
    facts: { temperature: temp, concerns: [], hubStays: [], delivery: { kind: 'window', p10Ms: Date.UTC(2027, 0, 2, 8, 7), p50Ms: Date.UTC(2027, 0, 2, 9), p90Ms: Date.UTC(2027, 0, 2, 9, 31) } },
    en: ['Kept between 3.1 and 5.4 °C so far.', 'Arrives Sat 2 Jan 2027, 09:00–10:45 (80 % likely).', 'Times are in Europe/Amsterdam time.'],
    zh: ['到目前为止，温度一直保持在 3.1 至 5.4 °C 之间。', '预计2027年1月2日（星期六） 09:00–10:45 送达（可能性 80%）。', '以上时间均为 Europe/Amsterdam 时区时间。'],
  },
  {
    name: 'an excursion still going on, at a hub now, no window basis yet',
    facts: {
      temperature: { minC: 3.1, maxC: 9.2, readings: 80 },
      concerns: [concern({ kind: 'warm', startMs: at(8, 10), endMs: at(8, 55), active: true, limitC: 8 })],
      hubStays: [{ name: 'Bettembourg', arrivedMs: at(7, 30) }], delivery: { kind: 'no-basis' },
    },
    en: ['Temperatures ranged from 3.1 to 9.2 °C.', "The temperature has been above the goods' 8.0 °C limit since 7 Dec, 08:10 and is not back in range yet.", 'At the Bettembourg hub since 7 Dec, 07:30.', 'On its way; the arrival time is estimated once it has travelled a little longer.', 'Times are in Europe/Amsterdam time.'],
    zh: ['途中温度介于 3.1 至 9.2 °C 之间。', '自12月7日 08:10起，温度高于货物 8.0 °C 的上限，目前尚未恢复正常。', '自12月7日 07:30起停留在 Bettembourg 枢纽。', '运输中，再行驶一段时间后将提供预计送达时间。', '以上时间均为 Europe/Amsterdam 时区时间。'],
  },
  {
    name: 'arrived, with an excursion that is over, a knock, a stop, a silence and the carrier\'s claim',
    facts: {
      temperature: { minC: 1.5, maxC: 4.2, readings: 300 },
      concerns: [
        concern({ kind: 'cold', startMs: at(2), endMs: at(2, 45), limitC: 2 }),
        concern({ kind: 'shock', startMs: at(3, 12), endMs: at(3, 12) }),
        concern({ kind: 'stop', startMs: at(4), endMs: at(6, 5) }),
        concern({ kind: 'silence', startMs: at(6, 30), endMs: at(7, 10), count: 2, totalMs: 40 * MIN }),
      ],
      hubStays: [], carrier: { atMs: at(8, 40), milestone: 'delivered', text: 'Delivered', placeName: 'Rotterdam' },
      delivery: { kind: 'arrived', atMs: at(8, 45) },
    },
    en: [
      'Temperatures ranged from 1.5 to 4.2 °C.',
      "The temperature was below the goods' 2.0 °C limit for 45 min from 7 Dec, 02:00; it has been back in range since.",
      'One knock was recorded on the way, on 7 Dec, 03:12.',
      'A 2 h 5 min stop on the way (7 Dec, 04:00–06:05).',
      'No readings came in 2 times, 40 min in all, the first from 7 Dec, 06:30; they have come in again since.',
      "The carrier's latest update (7 Dec, 08:40): delivered, Rotterdam.",
      'Arrived today at 08:45.',
      'Times are in Europe/Amsterdam time.',
    ],
    zh: [
      '途中温度介于 1.5 至 4.2 °C 之间。',
      '12月7日 02:00起，温度低于货物 2.0 °C 的下限，持续 45 分钟，现已恢复正常。',
      '途中记录到 1 次撞击（12月7日 03:12）。',
      '途中停车 2 小时 5 分钟（12月7日 04:00–06:05）。',
      '12月7日 06:30起共 2 次未收到读数，累计 40 分钟，之后已恢复接收。',
      '承运商最新动态（12月7日 08:40）：已签收，Rotterdam。',
      '已于今天 08:45 送达。',
      '以上时间均为 Europe/Amsterdam 时区时间。',
    ],
  },
  {
    name: "the carrier's word against the evidence: a delivery our tracker does not confirm",
    facts: { concerns: [], hubStays: [], carrier: { atMs: at(8, 40), milestone: 'delivered', text: 'Delivered', evidence: { kind: 'contradicted', trackerKm: 47 } } },
    en: ['No temperature readings yet.', "The carrier's latest update (7 Dec, 08:40): delivered. Our tracker does not confirm it: it was 47 km away at the time; we are checking.", 'Times are in Europe/Amsterdam time.'],
    zh: ['暂无温度读数。', '承运商最新动态（12月7日 08:40）：已签收。我们的追踪器未能确认：当时相距 47 公里，我们正在核实。', '以上时间均为 Europe/Amsterdam 时区时间。'],
  },
  {
    name: "the carrier's word confirmed by the tracker at the hub",
    facts: { concerns: [], hubStays: [], carrier: { atMs: at(9, 20), milestone: 'in_transit', text: 'Arrived at facility', placeName: 'Chaoyang depot', evidence: { kind: 'confirmed', trackerAtMs: at(9, 12) } } },
    en: ['No temperature readings yet.', "The carrier's latest update (7 Dec, 09:20): in transit, Chaoyang depot. Our tracker confirms it: there at 09:12.", 'Times are in Europe/Amsterdam time.'],
    zh: ['暂无温度读数。', '承运商最新动态（12月7日 09:20）：运输中，Chaoyang depot。我们的追踪器已确认：09:12 位于该处。', '以上时间均为 Europe/Amsterdam 时区时间。'],
  },
  {
    name: 'arrived with all well: the whole way; an unknown carrier code told in its own words',
    facts: { temperature: { minC: 4, maxC: 4, readings: 3 }, concerns: [], hubStays: [], carrier: { atMs: at(6), milestone: 'unknown', text: 'Scanned at depot' }, delivery: { kind: 'arrived', atMs: Date.UTC(2026, 11, 5, 19) } },
    en: ['Kept at 4.0 °C the whole way.', 'The carrier\'s latest update (7 Dec, 06:00): "Scanned at depot".', 'Arrived on Sat 5 Dec at 20:00.', 'Times are in Europe/Amsterdam time.'],
    zh: ['全程温度一直保持在 4.0 °C。', '承运商最新动态（12月7日 06:00）：“Scanned at depot”。', '已于12月5日（星期六） 20:00 送达。', '以上时间均为 Europe/Amsterdam 时区时间。'],
  },
  {
    // Sun 25 Oct 2026 00:30 CEST; the clocks go back at 03:00, so this day has 25 hours: 23:00-23:45 CET, 23.5 h
    // to 24.25 h later, is still today.
    name: 'a zone with a daylight-saving change: today is a 25-hour day',
    now: Date.UTC(2026, 9, 24, 22, 30), tz: AMS,
    facts: { temperature: temp, concerns: [], hubStays: [{ name: 'Bettembourg', arrivedMs: Date.UTC(2026, 9, 24, 23, 30), departedMs: Date.UTC(2026, 9, 25, 2) }], delivery: { kind: 'window', p10Ms: Date.UTC(2026, 9, 25, 22, 0), p50Ms: Date.UTC(2026, 9, 25, 22, 20), p90Ms: Date.UTC(2026, 9, 25, 22, 45) } },
    en: ['Kept between 3.1 and 5.4 °C so far.', 'A 2 h 30 min stop at the Bettembourg hub (25 Oct, 01:30–03:00).', 'Arrives today, 23:00–23:45 (80 % likely).', 'Times are in Europe/Amsterdam time.'],
    zh: ['到目前为止，温度一直保持在 3.1 至 5.4 °C 之间。', '在 Bettembourg 枢纽停留 2 小时 30 分钟（10月25日 01:30–03:00）。', '预计今天 23:00–23:45 送达（可能性 80%）。', '以上时间均为 Europe/Amsterdam 时区时间。'],
  },
  {
    name: 'a window over midnight, in a half-hour zone; a route deviation and a drop',
    tz: 'Asia/Kolkata',
    facts: {
      temperature: temp,
      concerns: [concern({ kind: 'drop', startMs: at(5), endMs: at(5), count: 2 }), concern({ kind: 'deviation', startMs: at(6), endMs: at(6, 25) })],
      hubStays: [], delivery: { kind: 'window', p10Ms: Date.UTC(2026, 11, 7, 18), p50Ms: Date.UTC(2026, 11, 7, 19), p90Ms: Date.UTC(2026, 11, 7, 19, 20) },
    },
    en: ['Kept between 3.1 and 5.4 °C so far.', '2 drops were recorded in handling, the first on 7 Dec, 09:30.', 'The shipment left its planned route for 25 min from 7 Dec, 10:30 and is back on it.', 'Arrives between today, 23:30 and tomorrow, 01:00 (80 % likely).', 'Times are in Asia/Kolkata time.'],
    zh: ['到目前为止，温度一直保持在 3.1 至 5.4 °C 之间。', '装卸中记录到 2 次跌落，首次在12月7日 09:30。', '12月7日 10:30起，货物偏离计划路线 25 分钟，现已回到计划路线。', '预计今天 23:30 至明天 01:00 送达（可能性 80%）。', '以上时间均为 Asia/Kolkata 时区时间。'],
  },
  {
    name: 'held up by a storm: the warning named before the window',
    facts: { temperature: temp, concerns: [], hubStays: [], delivery: { kind: 'window', p10Ms: at(14), p50Ms: at(16), p90Ms: at(21), delayedBy: 'Severe Thunderstorm' } },
    en: ['Kept between 3.1 and 5.4 °C so far.', 'Held up by a severe weather warning on its route (Severe Thunderstorm). Arrives today, 14:00–21:00 (80 % likely).', 'Times are in Europe/Amsterdam time.'],
    zh: ['到目前为止，温度一直保持在 3.1 至 5.4 °C 之间。', '途经地区发布了恶劣天气预警（Severe Thunderstorm），运输受阻。预计今天 14:00–21:00 送达（可能性 80%）。', '以上时间均为 Europe/Amsterdam 时区时间。'],
  },
];

describe('orderSummary', () => {
  it.each(cases)('tells $name', (c) => {
    const opts = { tz: c.tz ?? AMS, nowMs: c.now ?? NOW };
    expect(orderSummary(c.facts, { ...opts, lang: 'en' }).map((s) => s.text)).toEqual(c.en);
    expect(orderSummary(c.facts, { ...opts, lang: 'zh' }).map((s) => s.text)).toEqual(c.zh);
  });

  it('tells a stop still going on among several, and the shelf life, in both languages', () => {
    const facts: OrderFacts = { temperature: temp, concerns: [
      concern({ kind: 'shelf-life', startMs: at(1), endMs: at(2) }),
      concern({ kind: 'stop', startMs: at(3), latestStartMs: at(7), endMs: at(8), count: 2, longestMs: 70 * MIN, active: true }),
    ], hubStays: [] };
    expect(orderSummary(facts, { lang: 'en', tz: AMS, nowMs: NOW }).filter((s) => s.kind === 'concern').map((s) => s.text)).toEqual([
      "The temperatures on the way have shortened the goods' expected shelf life.", '2 stops on the way, the longest 1 h 10 min; stopped since 7 Dec, 07:00.',
    ]);
    expect(orderSummary(facts, { lang: 'zh', tz: AMS, nowMs: NOW }).filter((s) => s.kind === 'concern').map((s) => s.text)).toEqual([
      '途中温度使货物的预计保质期有所缩短。', '途中停车 2 次，最长一次 1 小时 10 分钟；自12月7日 07:00起仍在停车。',
    ]);
  });

  it('uses no blame words', () => {
    const all = cases.flatMap((c) => orderSummary(c.facts, { lang: 'en', tz: c.tz ?? AMS, nowMs: c.now ?? NOW })).map((s) => s.text).join(' ');
    expect(all).not.toMatch(/fault|blame|fail|negligen|violat|breach/i);
  });
});
