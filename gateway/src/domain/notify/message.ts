/**
 * The words of a notification (issue #22), in the recipient's language (English, Simplified Chinese): what happened
 * with its numbers, where (zones and sites), the goods and orders at risk, the evidence link and the link that
 * acknowledges. Several alarms of one group (a site-wide power cut) make one message. Pure.
 */
import type { Severity } from '../flags/types.js';
import type { Language } from './policy.js';

/** An alarm as the message tells it: a snapshot of its flag when it was raised. */
export interface AlarmInfo {
  readonly id: string;
  readonly flagId: string;
  readonly title: string;
  readonly rule: string;
  readonly severity: Severity;
  readonly subject: string;
  /** When the condition was met, device time, ms. */
  readonly metAtMs: number;
  readonly figures: Readonly<Record<string, number | string>>;
  readonly sites: readonly string[];
  readonly zones: readonly string[];
  readonly devices: readonly string[];
  readonly batches: readonly string[];
  readonly products: readonly string[];
  readonly orders: readonly string[];
  /** The flag with its evidence on the gateway; absent without a public URL. */
  readonly evidenceUrl?: string;
}

export type MessageKind = 'alarm' | 'channel-failing' | 'test';

export interface MessageInput {
  readonly kind: MessageKind;
  readonly language: Language;
  /** 1-based escalation step that tells this person. */
  readonly step: number;
  readonly alarms: readonly { readonly info: AlarmInfo; readonly ackUrl?: string }[];
  /** For 'channel-failing': the channel and its provider's last error. */
  readonly failing?: { readonly channel: string; readonly error: string; readonly recipient: string };
  /** For 'test': the policy tested and the test's id (`test:POLICY:ms`), which its delivery log entries carry. */
  readonly test?: { readonly policy: string; readonly id: string };
}

export interface Message {
  readonly subject: string;
  /** Plain text, lines. */
  readonly text: string;
}

/** Most alarms written out in one message; the rest are counted. */
export const MAX_ALARMS_WRITTEN = 10;

const WORDS = {
  en: {
    severity: { warning: 'Warning', major: 'Major alarm', critical: 'CRITICAL alarm' } as Record<Severity, string>,
    more: (n: number) => `and ${n} more alarms`, group: (n: number, where: string) => `${n} alarms${where}`,
    step: (s: number) => (s > 1 ? ` (escalation step ${s}: not acknowledged yet)` : ''),
    met: 'Condition met', place: 'Place', goods: 'Goods', orders: 'Orders at risk', figures: 'Figures', devices: 'Sensors',
    evidence: 'Evidence', ack: 'Acknowledge (stops the escalation)', at: ' at ', none: 'none',
    failing: (c: string, r: string) => `Notification channel '${c}' is failing: ${r} may not be reached`,
    failingBody: (c: string, e: string) => `Deliveries on channel '${c}' keep failing; the provider's last answer: ${e}. They are retried; the alarms below are sent here meanwhile.`,
    test: (p: string, s: number) => `TEST of alarm policy '${p}' (step ${s}): no action needed`,
    testBody: (id: string) => `This is a test of the alarm system: if you read it, alarms of this policy reach you on this channel. Nothing is wrong. Test ${id}, recorded in the delivery log.`,
  },
  zh: {
    severity: { warning: '警告', major: '重要报警', critical: '紧急报警' } as Record<Severity, string>,
    more: (n: number) => `另有 ${n} 条报警`, group: (n: number, where: string) => `${n} 条报警${where}`,
    step: (s: number) => (s > 1 ? `（升级第 ${s} 级：尚未确认）` : ''),
    met: '触发时间', place: '地点', goods: '货物', orders: '受影响订单', figures: '数据', devices: '传感器',
    evidence: '证据', ack: '确认（停止升级）', at: '，', none: '无',
    failing: (c: string, r: string) => `通知渠道“${c}”发送失败：可能无法通知 ${r}`,
    failingBody: (c: string, e: string) => `渠道“${c}”的发送持续失败，服务商最后的答复：${e}。系统会继续重试；以下报警同时通过本渠道发送。`,
    test: (p: string, s: number) => `测试：报警策略“${p}”（第 ${s} 级），无需处理`,
    testBody: (id: string) => `这是报警系统的测试：收到此消息说明本策略的报警能通过本渠道送达。一切正常。测试编号 ${id}，已记入发送日志。`,
  },
} as const;

export function renderMessage(m: MessageInput): Message {
  const w = WORDS[m.language];
  const first = m.alarms[0]?.info;
  const lines: string[] = [];
  let subject: string;
  if (m.kind === 'test' && m.test !== undefined) {
    return { subject: `[Coldtrace] ${w.test(m.test.policy, m.step)}`, text: `${w.testBody(m.test.id)}\n` };
  }
  if (m.kind === 'channel-failing' && m.failing !== undefined) {
    subject = `[Coldtrace] ${w.failing(m.failing.channel, m.failing.recipient)}`;
    lines.push(w.failingBody(m.failing.channel, m.failing.error), '');
  } else if (m.alarms.length === 1 && first !== undefined) {
    subject = `[Coldtrace] ${w.severity[first.severity]}: ${first.title} (${first.subject}${placeOf(first, w.at)})${w.step(m.step)}`;
  } else {
    const sites = [...new Set(m.alarms.flatMap((a) => a.info.sites))].sort();
    const worst = m.alarms.map((a) => a.info.severity).sort((a, b) => rank(b) - rank(a))[0] ?? 'warning';
    subject = `[Coldtrace] ${w.severity[worst]}: ${w.group(m.alarms.length, sites.length > 0 ? `${w.at}${sites.join(', ')}` : '')}${w.step(m.step)}`;
  }
  for (const { info, ackUrl } of m.alarms.slice(0, MAX_ALARMS_WRITTEN)) {
    lines.push(`${w.severity[info.severity]}: ${info.title} (${info.subject})`);
    lines.push(`  ${w.met}: ${new Date(info.metAtMs).toISOString()}`);
    lines.push(`  ${w.place}: ${[...info.zones, ...info.sites].join(', ') || w.none}`);
    if (info.devices.length > 0) lines.push(`  ${w.devices}: ${info.devices.join(', ')}`);
    lines.push(`  ${w.goods}: ${[...info.batches.map((b) => b), ...info.products.map((p) => `(${p})`)].join(', ') || w.none}`);
    lines.push(`  ${w.orders}: ${info.orders.join(', ') || w.none}`);
    const figures = Object.entries(info.figures).map(([k, v]) => `${k} ${v}`);
    if (figures.length > 0) lines.push(`  ${w.figures}: ${figures.join(', ')}`);
    if (info.evidenceUrl !== undefined) lines.push(`  ${w.evidence}: ${info.evidenceUrl}`);
    if (ackUrl !== undefined) lines.push(`  ${w.ack}: ${ackUrl}`);
    lines.push('');
  }
  if (m.alarms.length > MAX_ALARMS_WRITTEN) lines.push(w.more(m.alarms.length - MAX_ALARMS_WRITTEN));
  return { subject, text: lines.join('\n').trimEnd() + '\n' };
}

function placeOf(a: AlarmInfo, at: string): string {
  const place = [...a.zones, ...a.sites];
  return place.length > 0 ? `${at}${place.join(', ')}` : '';
}

function rank(s: Severity): number {
  return s === 'critical' ? 2 : s === 'major' ? 1 : 0;
}
