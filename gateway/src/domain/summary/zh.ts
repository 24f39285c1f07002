/** 客户摘要（简体中文）: the customer summary in Simplified Chinese, the same facts as en.ts in natural wording. */
import type { Concern } from './facts.js';
import type { Formats } from './format.js';
import type { Phrases } from './phrases.js';

const MILESTONES: Readonly<Record<string, string>> = {
  info_received: '已收到运单信息', picked_up: '已揽收', in_transit: '运输中', out_for_delivery: '派送中',
  failed_attempt: '本次派送未完成，将再次派送', available_for_pickup: '可以取件', delivered: '已签收',
  exception: '承运商报告延误或异常', returned: '正在退回发货方', cancelled: '已取消',
};

function concern(c: Concern, f: Formats): string {
  const dur = f.duration(c.totalMs) ?? '片刻';
  switch (c.kind) {
    case 'warm':
    case 'cold': {
      const limit = c.limitC !== undefined
        ? `${c.kind === 'warm' ? '高于' : '低于'}货物 ${f.celsius(c.limitC)} °C 的${c.kind === 'warm' ? '上限' : '下限'}`
        : `${c.kind === 'warm' ? '高于' : '低于'}货物允许的温度`;
      if (c.active) return `自${f.when(c.latestStartMs)}起，温度${limit}，目前尚未恢复正常。`;
      if (c.count > 1) return `${f.when(c.startMs)}起，温度共 ${c.count} 次${limit}，累计 ${dur}，现已恢复正常。`;
      return `${f.when(c.startMs)}起，温度${limit}，持续 ${dur}，现已恢复正常。`;
    }
    case 'shelf-life': return '途中温度使货物的预计保质期有所缩短。';
    case 'shock': return c.count === 1 ? `途中记录到 1 次撞击（${f.when(c.startMs)}）。` : `途中记录到 ${c.count} 次撞击，首次在${f.when(c.startMs)}。`;
    case 'drop': return c.count === 1 ? `装卸中记录到 1 次跌落（${f.when(c.startMs)}）。` : `装卸中记录到 ${c.count} 次跌落，首次在${f.when(c.startMs)}。`;
    case 'vibration':
      if (c.active) return `自${f.when(c.latestStartMs)}起，途中出现强烈震动。`;
      return c.count > 1 ? `${f.when(c.startMs)}起，途中共 ${c.count} 次出现强烈震动，累计 ${dur}。` : `${f.when(c.startMs)}起，途中出现强烈震动，持续 ${dur}。`;
    case 'stop': {
      const now = c.active ? `；自${f.when(c.latestStartMs)}起仍在停车` : '';
      if (c.count > 1) return `途中停车 ${c.count} 次，最长一次 ${f.duration(c.longestMs) ?? '片刻'}${now}。`;
      if (c.active) return `自${f.when(c.startMs)}起在途中停车。`;
      return `途中停车 ${dur}（${f.span(c.startMs, c.endMs)}）。`;
    }
    case 'deviation':
      if (c.active) return `自${f.when(c.latestStartMs)}起，货物偏离了计划路线。`;
      return c.count > 1
        ? `${f.when(c.startMs)}起，货物共 ${c.count} 次偏离计划路线，累计 ${dur}，现已回到计划路线。`
        : `${f.when(c.startMs)}起，货物偏离计划路线 ${dur}，现已回到计划路线。`;
    case 'silence':
      if (c.active) return `自${f.when(c.latestStartMs)}起未收到新的读数。`;
      return c.count > 1
        ? `${f.when(c.startMs)}起共 ${c.count} 次未收到读数，累计 ${dur}，之后已恢复接收。`
        : `${f.when(c.startMs)}起有 ${dur}未收到读数，之后已恢复接收。`;
  }
}

export const ZH: Phrases = {
  noReadings: () => '暂无温度读数。',
  keptAt: (min, max, whole) => `${whole ? '全程' : '到目前为止，'}温度一直保持在 ${min === max ? `${min} °C` : `${min} 至 ${max} °C 之间`}。`,
  ranged: (min, max) => `途中温度介于 ${min} 至 ${max} °C 之间。`,
  concern,
  hubStay: (s, f) => (s.departedMs === undefined
    ? `自${f.when(s.arrivedMs)}起停留在 ${s.name} 枢纽。`
    : `在 ${s.name} 枢纽${f.duration(s.departedMs - s.arrivedMs) === undefined ? '短暂停留' : `停留 ${f.duration(s.departedMs - s.arrivedMs)!}`}（${f.span(s.arrivedMs, s.departedMs)}）。`),
  carrier: (c, f) => {
    const said = `承运商最新动态（${f.when(c.atMs)}）：${MILESTONES[c.milestone] ?? `“${c.text}”`}${c.placeName !== undefined ? `，${c.placeName}` : ''}。`;
    const e = c.evidence;
    if (e === undefined) return said;
    if (e.kind === 'confirmed') return `${said}我们的追踪器已确认：${f.clock(e.trackerAtMs)} 位于该处。`;
    return `${said}我们的追踪器未能确认${e.trackerKm !== undefined ? `：当时相距 ${e.trackerKm} 公里` : ''}，我们正在核实。`;
  },
  delivery: (d, f) => {
    switch (d.kind) {
      case 'window': {
        const held = d.delayedBy !== undefined ? `途经地区发布了恶劣天气预警（${d.delayedBy}），运输受阻。` : '';
        if (f.daysFromNow(d.p10Ms) === f.daysFromNow(d.p90Ms)) return `${held}预计${f.day(d.p10Ms)} ${f.clock(d.p10Ms)}–${f.clock(d.p90Ms)} 送达（可能性 80%）。`;
        return `${held}预计${f.day(d.p10Ms)} ${f.clock(d.p10Ms)} 至${f.day(d.p90Ms)} ${f.clock(d.p90Ms)} 送达（可能性 80%）。`;
      }
      case 'arrived': return `已于${f.day(d.atMs)} ${f.clock(d.atMs)} 送达。`;
      case 'not-departed': return '尚未启运，启运后将提供预计送达时间。';
      case 'no-basis': return '运输中，再行驶一段时间后将提供预计送达时间。';
    }
  },
  zone: (tz) => `以上时间均为 ${tz} 时区时间。`,
};
