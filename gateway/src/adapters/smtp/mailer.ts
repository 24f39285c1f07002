/**
 * E-mail over SMTP with nodemailer (issue #22, docs/notifications.md): one pooled transport per channel; a refusal
 * rejects with the server's reply (`550 5.1.1 ...`), a server that is down with the connection error, so the
 * delivery log keeps the provider's own words.
 */
import nodemailer from 'nodemailer';
import type { ChannelSend } from '../../ports/notify.js';

export interface SmtpOptions {
  readonly host: string;
  readonly port: number;
  /** TLS from the start (port 465); otherwise STARTTLS when the server offers it. */
  readonly secure: boolean;
  readonly user?: string;
  readonly password?: string;
  /** `Coldtrace <coldtrace@example.com>`. */
  readonly from: string;
  /** Connect, greeting and socket timeouts, ms. Default 10 000. */
  readonly timeoutMs?: number;
}

export interface SmtpChannel {
  readonly send: ChannelSend;
  close(): void;
}

export function smtpChannel(o: SmtpOptions): SmtpChannel {
  const timeout = o.timeoutMs ?? 10_000;
  const transport = nodemailer.createTransport({
    host: o.host, port: o.port, secure: o.secure, pool: true, maxConnections: 2,
    connectionTimeout: timeout, greetingTimeout: timeout, socketTimeout: timeout,
    ...(o.user !== undefined ? { auth: { user: o.user, pass: o.password ?? '' } } : {}),
  });
  return {
    send: async (out) => {
      try {
        await transport.sendMail({
          from: o.from, to: out.to, subject: out.message.subject, text: out.message.text,
          headers: { 'X-Coldtrace-Alarms': out.alarms.map((a) => a.id).join(', ').slice(0, 900) },
        });
      } catch (e) {
        const err = e as { response?: string; code?: string; message?: string };
        throw new Error(err.response ?? `${err.code ?? 'SMTP'}: ${err.message ?? String(e)}`, { cause: e });
      }
    },
    close: () => transport.close(),
  };
}
