import { describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { renderMessage } from '../../domain/notify/message.js';
import type { Outgoing } from '../../ports/notify.js';
import { notifyChannels } from './channels.js';

const out: Outgoing = {
  to: '@ana', recipient: 'ana', language: 'en', alarms: [{ id: 'a1', flagId: 'f1' }],
  message: renderMessage({ kind: 'alarm', language: 'en', step: 1, alarms: [] }),
};

describe('notifyChannels', () => {
  it('writes a log channel\'s message to the gateway log', async () => {
    const lines: string[] = [];
    const log = pino({ level: 'info' }, new Writable({ write(chunk: Buffer, _e, done) { lines.push(chunk.toString()); done(); } }));
    const { send } = notifyChannels([{ kind: 'log', name: 'log' }], () => Promise.reject(new Error('no HTTP here')), log);
    await send.get('log')!(out);
    const line = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(line).toMatchObject({ level: 40, channel: 'log', to: '@ana', recipient: 'ana', alarms: ['a1'], msg: out.message.subject });
  });

  it.each([
    [200, undefined],
    [204, undefined],
    [500, 'HTTP 500: provider down'],
    [400, 'HTTP 400: provider down'],
  ] as const)('a webhook answering %i is %s', async (status, error) => {
    const posts: { url: string; body: string }[] = [];
    const { send } = notifyChannels([{ kind: 'webhook', name: 'chat', format: 'json', url: 'http://chat.invalid/hook' }], (url, body) => {
      posts.push({ url, body });
      return Promise.resolve({ status, body: 'provider down' });
    }, pino({ level: 'silent' }));
    const p = send.get('chat')!(out);
    if (error === undefined) await expect(p).resolves.toBeUndefined();
    else await expect(p).rejects.toThrow(error);
    expect(JSON.parse(posts[0]!.body)).toMatchObject({ to: '@ana', recipient: 'ana', subject: out.message.subject });
  });
});
