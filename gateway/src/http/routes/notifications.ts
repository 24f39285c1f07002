/**
 * Notifications (docs/notifications.md): alarms with their escalation state, the delivery log, who is on duty now,
 * acknowledging an alarm (operators), and the signed link of a message (public: the HMAC is its credential).
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { Type } from '@sinclair/typebox';
import { onDuty } from '../../domain/notify/schedule.js';
import type { NotifyPolicy } from '../../domain/notify/policy.js';
import type { Clock } from '../../ports/clock.js';
import type { Alarm, AlarmStatus, NotifyStore } from '../../ports/notify.js';
import { AckError, type NotifyService } from '../../services/notify.js';
import { GatewayError } from '../errors.js';
import { ErrorBody } from '../schemas.js';
import { authorOf } from './registry.js';

export interface NotificationRouteDeps {
  readonly notifications: Pick<NotifyService, 'acknowledge' | 'acknowledgeByLink' | 'silence' | 'expireSilence' | 'testAlarm'>;
  readonly store: Pick<NotifyStore, 'alarms' | 'get' | 'attempts' | 'messages' | 'silences'>;
  readonly policy: NotifyPolicy;
  readonly clock: Clock;
}

const STATUSES = ['open', 'held', 'acknowledged', 'closed'] as const;
const AlarmBody = Type.Object({
  id: Type.String(), flagId: Type.String(), policy: Type.String(),
  status: Type.Union(STATUSES.map((s) => Type.Literal(s)), { description: 'open: escalating or told everyone; held: inside a maintenance window; acknowledged; closed (resolved, withdrawn, ended inside its window)' }),
  step: Type.Integer({ description: 'Escalation steps taken so far' }),
  nextStepAt: Type.Optional(Type.Integer({ description: 'When the next step (or the end of the hold) is due, ms' })),
  heldBy: Type.Optional(Type.String({ description: 'The maintenance window holding it' })),
  createdAt: Type.Integer(), startedAt: Type.Integer({ description: 'Escalation started (raised, or the end of the window that held it), ms' }),
  ackAt: Type.Optional(Type.Integer()), ackBy: Type.Optional(Type.String()), ackVia: Type.Optional(Type.String({ description: 'link, api or flag' })),
  closedAt: Type.Optional(Type.Integer()), closedReason: Type.Optional(Type.String()),
  info: Type.Unknown({ description: 'What the messages say: title, severity, figures, sites, zones, devices, batches, products, orders, evidence link' }),
});
const AttemptBody = Type.Object({
  seq: Type.Integer(), at: Type.Integer({ description: 'Gateway ms' }), recipient: Type.String(), channel: Type.String(), address: Type.String(),
  alarms: Type.Array(Type.String()), messages: Type.Array(Type.Integer()), ok: Type.Boolean({ description: 'Handed to the provider (SMTP server accepted it, webhook answered 2xx)' }),
  error: Type.Optional(Type.String({ description: "The provider's error" })),
});
const Ids = (what: string) => Type.Optional(Type.Array(Type.String({ minLength: 1 }), { minItems: 1, maxItems: 1000, description: what }));
const SilenceBody = Type.Object({
  id: Type.String(), zones: Ids('Zones'), devices: Ids('Devices'), sites: Ids('Sites'), rules: Ids('Rule key prefixes (absent: every rule)'),
  startsAt: Type.Integer({ description: 'Gateway ms' }), endsAt: Type.Integer({ description: 'Gateway ms' }), author: Type.String(), reason: Type.String(),
  createdAt: Type.Integer(), expiredBy: Type.Optional(Type.String({ description: 'Ended early by' })),
});
const MessageBody = Type.Object({
  id: Type.Integer(), kind: Type.String(), recipient: Type.String(), channel: Type.String(), address: Type.String(), step: Type.Integer(),
  status: Type.String({ description: 'pending, sent, cancelled (acknowledged or closed before it went out)' }), attempts: Type.Integer(), nextAt: Type.Integer(), lastError: Type.Optional(Type.String()),
});

export function registerNotificationRoutes(app: FastifyInstance, opts: { deps: NotificationRouteDeps }): Promise<void> {
  const { notifications, store, policy, clock } = opts.deps;
  // The link's page posts a form; its body is the token alone.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => done(null, Object.fromEntries(new URLSearchParams(String(body)))));

  app.get<{ Querystring: { status?: AlarmStatus; flag?: string; limit: number } }>('/notifications/alarms', {
    config: { access: 'read' },
    schema: { summary: 'Alarms (people told about flags), newest first, with their escalation step', tags: ['notifications'],
      querystring: Type.Object({ status: Type.Optional(Type.Union(STATUSES.map((s) => Type.Literal(s)))), flag: Type.Optional(Type.String()), limit: Type.Integer({ minimum: 1, maximum: 10_000, default: 100 }) }),
      response: { 200: Type.Object({ alarms: Type.Array(AlarmBody) }) } },
  }, async (req) => ({ alarms: (await store.alarms({ limit: req.query.limit, ...(req.query.status !== undefined ? { status: req.query.status } : {}), ...(req.query.flag !== undefined ? { flag: req.query.flag } : {}) })).map(alarmBody) }));

  app.get<{ Params: { id: string } }>('/notifications/alarms/:id', {
    config: { access: 'read' },
    schema: { summary: 'One alarm with its messages and every delivery attempt', tags: ['notifications'], params: Type.Object({ id: Type.String({ minLength: 1 }) }),
      response: { 200: Type.Object({ alarm: AlarmBody, messages: Type.Array(MessageBody), attempts: Type.Array(AttemptBody) }), 404: ErrorBody } },
  }, async (req) => {
    const a = await store.get(req.params.id);
    if (a === undefined) throw new GatewayError('E_NOT_FOUND', `no alarm '${req.params.id}'`);
    return { alarm: alarmBody(a), messages: await store.messages({ limit: 10_000, alarm: a.id }), attempts: await store.attempts({ limit: 10_000, alarm: a.id }) };
  });

  app.post<{ Params: { id: string } }>('/notifications/alarms/:id/acknowledge', {
    config: { access: 'operate' },
    schema: { summary: 'Acknowledge an alarm (and its flag): its escalation stops (who: X-Coldtrace-Actor)', tags: ['notifications'], params: Type.Object({ id: Type.String({ minLength: 1 }) }),
      response: { 200: AlarmBody, 404: ErrorBody } },
  }, async (req) => {
    try {
      return alarmBody(await notifications.acknowledge(req.params.id, authorOf(req).actor, 'api'));
    } catch (e) {
      if (e instanceof AckError) throw new GatewayError('E_NOT_FOUND', e.message);
      throw e;
    }
  });

  app.get<{ Querystring: { alarm?: string; recipient?: string; channel?: string; before?: number; limit: number } }>('/notifications/deliveries', {
    config: { access: 'read' },
    schema: { summary: 'The delivery log: every attempt to tell someone, newest first (page with before=<seq>)', tags: ['notifications'],
      querystring: Type.Object({ alarm: Type.Optional(Type.String()), recipient: Type.Optional(Type.String()), channel: Type.Optional(Type.String()), before: Type.Optional(Type.Integer()), limit: Type.Integer({ minimum: 1, maximum: 10_000, default: 100 }) }),
      response: { 200: Type.Object({ attempts: Type.Array(AttemptBody) }) } },
  }, async (req) => {
    const q = req.query;
    return { attempts: await store.attempts({ limit: q.limit, ...(q.alarm !== undefined ? { alarm: q.alarm } : {}), ...(q.recipient !== undefined ? { recipient: q.recipient } : {}), ...(q.channel !== undefined ? { channel: q.channel } : {}), ...(q.before !== undefined ? { before: q.before } : {}) }) };
  });

  app.get('/notifications/roster', {
    config: { access: 'read' },
    schema: { summary: 'Who is on duty now by each schedule (in its time zone), and the escalation steps of each policy', tags: ['notifications'],
      response: { 200: Type.Object({
        at: Type.Integer(),
        schedules: Type.Array(Type.Object({ id: Type.String(), timeZone: Type.String(), onDuty: Type.Array(Type.Object({ id: Type.String(), name: Type.String() })) })),
        policies: Type.Array(Type.Object({ id: Type.String(), steps: Type.Array(Type.Object({ afterMin: Type.Number(), notify: Type.Array(Type.String()) })) })),
      }) } },
  }, () => {
    const at = clock.now();
    const name = (id: string): string => policy.recipients.find((r) => r.id === id)?.name ?? id;
    return {
      at,
      schedules: policy.schedules.map((s) => ({ id: s.id, timeZone: s.timeZone, onDuty: onDuty(s, at).map((id) => ({ id, name: name(id) })) })),
      policies: policy.policies.map((p) => ({ id: p.id, steps: p.steps.map((s) => ({ afterMin: s.afterMin, notify: [...s.notify] })) })),
    };
  });

  app.get<{ Querystring: { active?: boolean; limit: number } }>('/notifications/silences', {
    config: { access: 'read' },
    schema: { summary: 'Ad-hoc silences, newest first; active=true: those in force now', tags: ['notifications'],
      querystring: Type.Object({ active: Type.Optional(Type.Boolean()), limit: Type.Integer({ minimum: 1, maximum: 10_000, default: 100 }) }),
      response: { 200: Type.Object({ silences: Type.Array(SilenceBody) }) } },
  }, async (req) => ({ silences: await store.silences({ limit: req.query.limit, ...(req.query.active === true ? { activeAt: clock.now() } : {}) }) }));

  app.post<{ Body: { zones?: string[]; devices?: string[]; sites?: string[]; rules?: string[]; startsAt?: number; endsAt: number; reason: string } }>('/notifications/silences', {
    config: { access: 'operate' },
    schema: { summary: 'Silence alarms of zones, devices or sites until a time, with a reason (author: X-Coldtrace-Actor); flags are still raised and kept, an alarm still firing at the end notifies', tags: ['notifications'],
      body: Type.Object({ zones: Ids('Zones'), devices: Ids('Devices'), sites: Ids('Sites'), rules: Ids('Rule key prefixes (absent: every rule)'),
        startsAt: Type.Optional(Type.Integer({ description: 'Gateway ms; default now' })), endsAt: Type.Integer({ description: 'Gateway ms: the expiry' }), reason: Type.String({ minLength: 1, maxLength: 2000 }) }),
      response: { 200: SilenceBody, 400: ErrorBody } },
  }, async (req) => {
    const b = req.body;
    const now = clock.now();
    if (b.zones === undefined && b.devices === undefined && b.sites === undefined) throw new GatewayError('E_BAD_REQUEST', 'a silence names zones, devices or sites');
    if (b.endsAt <= (b.startsAt ?? now) || b.endsAt <= now) throw new GatewayError('E_BAD_REQUEST', 'endsAt must be after startsAt and in the future');
    if (b.endsAt - (b.startsAt ?? now) > 31 * 86_400_000) throw new GatewayError('E_BAD_REQUEST', 'a silence lasts at most 31 days (a maintenance window in the policy file repeats)');
    return notifications.silence({ ...b, author: authorOf(req).actor });
  });

  app.post<{ Params: { id: string } }>('/notifications/policies/:id/test', {
    config: { access: 'operate' },
    schema: { summary: "A test alarm of a policy: every step's people (on duty now) told on each of their channels through the outbox, each attempt in the delivery log under the test's id (who: X-Coldtrace-Actor)", tags: ['notifications'],
      params: Type.Object({ id: Type.String({ minLength: 1 }) }),
      response: { 200: Type.Object({
        id: Type.String({ description: 'test:POLICY:ms, the delivery log entries\' alarms' }), policy: Type.String(), at: Type.Integer(), by: Type.String(),
        messages: Type.Array(Type.Object({ recipient: Type.String(), channel: Type.String(), address: Type.String(), step: Type.Integer() })),
        unreached: Type.Array(Type.Integer(), { description: 'Steps with nobody to tell' }),
      }), 404: ErrorBody } },
  }, async (req) => {
    const t = await notifications.testAlarm(req.params.id, authorOf(req).actor);
    if (t === undefined) throw new GatewayError('E_NOT_FOUND', `no policy '${req.params.id}'`);
    return t;
  });

  app.delete<{ Params: { id: string } }>('/notifications/silences/:id', {
    config: { access: 'operate' },
    schema: { summary: 'End a silence now: alarms it held whose flag still fires escalate', tags: ['notifications'], params: Type.Object({ id: Type.String({ minLength: 1 }) }),
      response: { 200: SilenceBody, 404: ErrorBody } },
  }, async (req) => {
    const s = await notifications.expireSilence(req.params.id, authorOf(req).actor);
    if (s === undefined) throw new GatewayError('E_NOT_FOUND', `no silence '${req.params.id}'`);
    return s;
  });

  // The link in a message. A GET only shows a page whose script posts at once (one click for a person): mail
  // scanners that fetch every link (Safe Links and the like) do not run it, so they acknowledge nothing.
  app.get<{ Querystring: { token: string } }>('/notifications/ack', {
    config: { access: 'public' },
    schema: { summary: "The acknowledgement link of a message: a page that acknowledges in the recipient's browser", tags: ['notifications'], querystring: Type.Object({ token: Type.String({ minLength: 1, maxLength: 4096 }) }) },
  }, (req, reply) => reply.type('text/html; charset=utf-8').send(page('Coldtrace: acknowledge the alarm',
    `<form id="f" method="post" action="ack"><input type="hidden" name="token" value="${esc(req.query.token)}"><button type="submit">Acknowledge the alarm</button></form>
     <script>document.getElementById('f').submit();</script>`)));

  app.post<{ Body: { token?: string } }>('/notifications/ack', {
    config: { access: 'public' },
    schema: { summary: 'Acknowledge through the signed link: 200 with the alarm; 403 for a forged (E_ACK_LINK_FORGED) or expired (E_ACK_LINK_EXPIRED) link', tags: ['notifications'],
      body: Type.Object({ token: Type.String({ minLength: 1, maxLength: 4096 }) }), response: { 200: AlarmBody, 403: ErrorBody, 404: ErrorBody } },
  }, async (req, reply) => {
    const form = req.headers['content-type']?.startsWith('application/x-www-form-urlencoded') === true;
    try {
      const a = await notifications.acknowledgeByLink(req.body.token ?? '');
      if (form) return html(reply, 200, `Acknowledged by ${a.ackBy ?? '?'} at ${new Date(a.ackAt ?? clock.now()).toISOString()}: ${a.info.title} (${a.info.subject}). The escalation has stopped.`);
      return alarmBody(a);
    } catch (e) {
      if (!(e instanceof AckError)) throw e;
      const status = e.code === 'E_NOT_FOUND' ? 404 : 403;
      if (form) return html(reply, status, `Not acknowledged: ${e.message}.`);
      return reply.status(status).send({ code: e.code, message: e.message });
    }
  });
  return Promise.resolve();
}

function alarmBody(a: Alarm): Record<string, unknown> {
  const { nextStep, nextAt, ...rest } = a;
  return { ...rest, step: nextStep, ...(nextAt !== undefined ? { nextStepAt: nextAt } : {}) };
}

function html(reply: FastifyReply, status: number, text: string): FastifyReply {
  return reply.status(status).type('text/html; charset=utf-8').send(page('Coldtrace', `<p>${esc(text)}</p>`));
}

function page(title: string, body: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${esc(title)}</title></head><body>${body}</body></html>`;
}

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
