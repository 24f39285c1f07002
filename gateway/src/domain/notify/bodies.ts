/**
 * Webhook bodies of chat and SMS providers (issue #22): Slack's incoming webhook (`text` with mrkdwn links, and
 * blocks), Microsoft Teams' Workflows webhook (a message with an Adaptive Card 1.4 attachment; the retired Office
 * 365 connectors' MessageCard is not sent), and a generic JSON body an SMS gateway or a relay maps itself. Pure.
 */
import type { WebhookFormat } from './policy.js';
import type { Message } from './message.js';

export interface WebhookContext {
  /** The recipient's address on this channel (a phone number, a chat handle). */
  readonly to: string;
  readonly recipient: string;
  readonly language: string;
  readonly alarms: readonly { readonly id: string; readonly flagId: string; readonly evidenceUrl?: string; readonly ackUrl?: string }[];
}

export function webhookBody(format: WebhookFormat, m: Message, ctx: WebhookContext): unknown {
  switch (format) {
    case 'slack':
      return {
        text: `${m.subject}\n${ctx.to}`,
        blocks: [
          { type: 'header', text: { type: 'plain_text', text: m.subject.slice(0, 150) } },
          { type: 'section', text: { type: 'mrkdwn', text: `${ctx.to}\n\`\`\`${m.text.slice(0, 2800)}\`\`\`` } },
          ...links(ctx).slice(0, 5).map((l) => ({ type: 'section', text: { type: 'mrkdwn', text: `<${l.url}|${l.title}>` } })),
        ],
      };
    case 'teams':
      return {
        type: 'message',
        attachments: [{
          contentType: 'application/vnd.microsoft.card.adaptive',
          content: {
            $schema: 'http://adaptivecards.io/schemas/adaptive-card.json', type: 'AdaptiveCard', version: '1.4',
            body: [
              { type: 'TextBlock', text: m.subject, weight: 'Bolder', size: 'Medium', wrap: true },
              { type: 'TextBlock', text: ctx.to, wrap: true },
              { type: 'TextBlock', text: m.text, wrap: true, fontType: 'Monospace' },
            ],
            actions: links(ctx).slice(0, 5).map((l) => ({ type: 'Action.OpenUrl', title: l.title, url: l.url })),
          },
        }],
      };
    case 'json':
      return { to: ctx.to, recipient: ctx.recipient, language: ctx.language, subject: m.subject, text: m.text, alarms: ctx.alarms };
  }
}

function links(ctx: WebhookContext): { title: string; url: string }[] {
  return ctx.alarms.flatMap((a) => [
    ...(a.ackUrl !== undefined ? [{ title: `Acknowledge ${a.flagId}`, url: a.ackUrl }] : []),
    ...(a.evidenceUrl !== undefined ? [{ title: `Evidence ${a.flagId}`, url: a.evidenceUrl }] : []),
  ]);
}
