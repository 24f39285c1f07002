/**
 * A test alarm through the API of a real gateway (docs/notifications.md "Testing the alarm system"): the policy's
 * people get it through the real JSON webhook channel (a receiver of the test), each attempt is in the delivery log
 * under the test's id, and no alarm is opened; an unknown policy is 404.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request, startTestGateway, type Body, type TestGateway } from '../support/gateway.js';
import { startJsonReceiver, type JsonReceiver } from '../support/json-receiver.js';

describe('test alarm of a policy', { timeout: 60_000 }, () => {
  let gw: TestGateway;
  let hook: JsonReceiver;
  const dir = mkdtempSync(join(tmpdir(), 'ct-test-alarm-'));

  beforeAll(async () => {
    hook = await startJsonReceiver();
    const policy = join(dir, 'notify.json');
    writeFileSync(policy, JSON.stringify({
      channels: [{ name: 'sms', kind: 'webhook', format: 'json', url: hook.url }],
      recipients: [{ id: 'op', name: 'Operator', contacts: { sms: '+31600000001' } }, { id: 'lead', name: '王经理', language: 'zh', contacts: { sms: '+8613800000000' } }],
      policies: [{ id: 'wh1', match: { sites: ['WH1'] }, steps: [{ notify: ['op'] }, { notify: ['lead'] }] }],
    }));
    gw = await startTestGateway({ COLDTRACE_NOTIFY_CONFIG: policy });
  });
  afterAll(async () => {
    await gw?.destroy();
    await hook?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("reaches every step's people through the real channel, logged under the test's id, and opens no alarm", async () => {
    const res = await request('POST', `${gw.httpUrl}/api/v1/notifications/policies/wh1/test`, undefined, { 'x-coldtrace-actor': 'qa.lena' });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ policy: 'wh1', by: 'qa.lena', unreached: [], messages: [{ recipient: 'op', step: 1 }, { recipient: 'lead', step: 2 }] });
    const id: string = res.json.id;
    expect(id).toMatch(/^test:wh1:\d+$/);
    const deadline = Date.now() + 20_000;
    while (hook.received.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(hook.received.map((b) => [b.to, b.subject]).sort()).toEqual([
      ['+31600000001', "[Coldtrace] TEST of alarm policy 'wh1' (step 1): no action needed"],
      ['+8613800000000', '[Coldtrace] 测试：报警策略“wh1”（第 2 级），无需处理'],
    ]);
    const log = (await request('GET', `${gw.httpUrl}/api/v1/notifications/deliveries?alarm=${encodeURIComponent(id)}`)).json;
    expect(log.attempts.map((a: Body) => [a.recipient, a.ok, a.alarms])).toEqual(expect.arrayContaining([['op', true, [id]], ['lead', true, [id]]]));
    expect((await request('GET', `${gw.httpUrl}/api/v1/notifications/alarms`)).json.alarms).toEqual([]);
  });

  it('answers 404 for an unknown policy', async () => {
    const res = await request('POST', `${gw.httpUrl}/api/v1/notifications/policies/nope/test`, undefined, { 'x-coldtrace-actor': 'qa.lena' });
    expect(res.status).toBe(404);
    expect(res.json.code).toBe('E_NOT_FOUND');
  });
});
