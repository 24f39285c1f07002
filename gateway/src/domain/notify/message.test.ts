import { describe, expect, it } from 'vitest';
import { signAck, verifyAck } from './ack-link.js';
import { webhookBody } from './bodies.js';
import { MAX_ALARMS_WRITTEN, renderMessage, type AlarmInfo } from './message.js';

const info: AlarmInfo = {
  id: 'a1', flagId: 'excursion/temperature/upper/8/consecutive/30@batch:VAX-1', title: 'temperature ≥ 8: 30 min without a break', rule: 'excursion/temperature/upper/8/consecutive/30',
  severity: 'major', subject: 'batch VAX-1', metAtMs: Date.parse('2026-01-14T03:00:00Z'), figures: { max: 9.4, totalBeyondMin: 35 },
  sites: ['WH1'], zones: ['Z-A'], devices: ['S-1'], batches: ['VAX-1'], products: ['Vaccine'], orders: ['PO-7'], evidenceUrl: 'https://ct.example/api/v1/flags/x',
};

describe('renderMessage', () => {
  it.each([
    ['en', 1, '[Coldtrace] Major alarm: temperature ≥ 8: 30 min without a break (batch VAX-1 at Z-A, WH1)', 'Orders at risk: PO-7'],
    ['en', 2, 'escalation step 2: not acknowledged yet', 'Evidence: https://ct.example/api/v1/flags/x'],
    ['zh', 1, '[Coldtrace] 重要报警: temperature ≥ 8: 30 min without a break (batch VAX-1，Z-A, WH1)', '受影响订单: PO-7'],
    ['zh', 3, '升级第 3 级', '确认（停止升级）: https://ct.example/ack'],
  ] as const)('in %s at step %i says %s', (language, step, subject, line) => {
    const m = renderMessage({ kind: 'alarm', language, step, alarms: [{ info, ackUrl: 'https://ct.example/ack' }] });
    expect(m.subject).toContain(subject);
    expect(m.text).toContain(line);
    expect(m.text).toContain('max 9.4, totalBeyondMin 35');
  });

  it('groups many alarms into one message, writing out the first ones and counting the rest', () => {
    const alarms = Array.from({ length: 25 }, (_, i) => ({ info: { ...info, id: `a${i}`, severity: i === 7 ? 'critical' as const : 'major' as const } }));
    const m = renderMessage({ kind: 'alarm', language: 'en', step: 1, alarms });
    expect(m.subject).toBe('[Coldtrace] CRITICAL alarm: 25 alarms at WH1');
    expect(m.text.match(/Orders at risk/g)).toHaveLength(MAX_ALARMS_WRITTEN);
    expect(m.text).toContain('and 15 more alarms');
  });

  it('says which channel is failing and why', () => {
    const m = renderMessage({ kind: 'channel-failing', language: 'en', step: 1, alarms: [{ info }], failing: { channel: 'mail', error: '550 mailbox unavailable', recipient: 'Ana' } });
    expect(m.subject).toBe("[Coldtrace] Notification channel 'mail' is failing: Ana may not be reached");
    expect(m.text).toContain('550 mailbox unavailable');
  });
});

describe('test alarm messages', () => {
  it.each([
    ['en', '[Coldtrace] TEST of alarm policy \'wh1\' (step 2): no action needed', 'Test test:wh1:1000, recorded in the delivery log.'],
    ['zh', '[Coldtrace] 测试：报警策略“wh1”（第 2 级），无需处理', '测试编号 test:wh1:1000'],
  ] as const)('says in %s that it is a test of the policy, naming the test', (language, subject, inText) => {
    const m = renderMessage({ kind: 'test', language, step: 2, alarms: [], test: { policy: 'wh1', id: 'test:wh1:1000' } });
    expect(m.subject).toBe(subject);
    expect(m.text).toContain(inText);
  });
});

describe('ack links', () => {
  const key = 'k'.repeat(32);
  const token = signAck({ alarm: 'a1', by: 'ana', exp: 2000 }, key);
  it.each([
    ['a valid link before its expiry', token, key, 1999, { ok: true }],
    ['a link at its expiry', token, key, 2000, { ok: false, code: 'E_ACK_LINK_EXPIRED' }],
    ['a link signed with another key', token, 'other', 1000, { ok: false, code: 'E_ACK_LINK_FORGED' }],
    ['a link whose payload was changed', `${Buffer.from(JSON.stringify({ a: 'a2', b: 'ana', e: 2000 })).toString('base64url')}.${token.split('.')[1]}`, key, 1000, { ok: false, code: 'E_ACK_LINK_FORGED' }],
    ['a link without a signature', 'abc', key, 1000, { ok: false, code: 'E_ACK_LINK_FORGED' }],
  ] as const)('%s', (_w, t, k, now, expected) => {
    expect(verifyAck(t, k, now)).toMatchObject(expected);
  });

  it('says who and what', () => {
    expect(verifyAck(token, key, 0)).toEqual({ ok: true, claim: { alarm: 'a1', by: 'ana', exp: 2000 } });
  });
});

describe('webhookBody', () => {
  const m = renderMessage({ kind: 'alarm', language: 'en', step: 1, alarms: [{ info, ackUrl: 'https://ct.example/ack' }] });
  const ctx = { to: '@ana', recipient: 'ana', language: 'en', alarms: [{ id: 'a1', flagId: info.flagId, evidenceUrl: info.evidenceUrl!, ackUrl: 'https://ct.example/ack' }] };
  it('is a Slack message with text, blocks and the links', () => {
    const b = webhookBody('slack', m, ctx) as { text: string; blocks: { type: string; text: { text: string } }[] };
    expect(b.text).toContain(m.subject);
    expect(b.blocks[0]).toMatchObject({ type: 'header' });
    expect(b.blocks.map((x) => x.text.text).join('\n')).toContain('<https://ct.example/ack|Acknowledge');
  });
  it('is a Teams message with an Adaptive Card and open-URL actions', () => {
    const b = webhookBody('teams', m, ctx) as { type: string; attachments: { contentType: string; content: { type: string; actions: { url: string }[] } }[] };
    expect(b.type).toBe('message');
    expect(b.attachments[0]!.contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(b.attachments[0]!.content.actions.map((a) => a.url)).toEqual(['https://ct.example/ack', info.evidenceUrl]);
  });
  it('is a generic JSON body with the address, the words and the alarms', () => {
    expect(webhookBody('json', m, ctx)).toEqual({ to: '@ana', recipient: 'ana', language: 'en', subject: m.subject, text: m.text, alarms: ctx.alarms });
  });
});
