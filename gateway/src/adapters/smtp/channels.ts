/**
 * The channels of a notification policy as senders, assembled here beside the SMTP one (docs/notifications.md): e-mail
 * through SMTP (nodemailer), chat and SMS providers through webhooks with Slack, Teams or generic JSON bodies, and the
 * gateway's own log. A webhook answer other than 2xx is a
 * failure carrying the status and the provider's body.
 */
import type { Logger } from 'pino';
import { webhookBody } from '../../domain/notify/bodies.js';
import type { ChannelConfig } from '../../domain/notify/policy.js';
import type { ChannelSend } from '../../ports/notify.js';
import { smtpChannel } from './mailer.js';
import type { WebhookPost } from '../../services/event-delivery.js';

export interface Channels {
  readonly send: ReadonlyMap<string, ChannelSend>;
  close(): void;
}

/** `log`: the logger the `log` channels write to. */
export function notifyChannels(configs: readonly ChannelConfig[], post: WebhookPost, log: Logger): Channels {
  const send = new Map<string, ChannelSend>();
  const closers: (() => void)[] = [];
  for (const c of configs) {
    if (c.kind === 'log') {
      send.set(c.name, (o) => {
        log.warn({ channel: c.name, to: o.to, recipient: o.recipient, alarms: o.alarms.map((a) => a.id), text: o.message.text }, o.message.subject);
        return Promise.resolve();
      });
    } else if (c.kind === 'email') {
      const mail = smtpChannel({ host: c.host, port: c.port, secure: c.secure, from: c.from, ...(c.user !== undefined ? { user: c.user } : {}), ...(c.password !== undefined ? { password: c.password } : {}) });
      send.set(c.name, mail.send);
      closers.push(mail.close);
    } else {
      send.set(c.name, async (o) => {
        const body = JSON.stringify(webhookBody(c.format, o.message, { to: o.to, recipient: o.recipient, language: o.language, alarms: o.alarms }));
        const answer = await post(c.url, body, { 'content-type': 'application/json' });
        if (answer.status < 200 || answer.status >= 300) throw new Error(`HTTP ${answer.status}: ${answer.body.slice(0, 500)}`);
      });
    }
  }
  return { send, close: () => closers.forEach((f) => f()) };
}
