/** Notifications to people in /metrics (docs/notifications.md), read from the service at scrape time. */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { NotifyStats } from './notify.js';

export function registerNotifyMetrics(registry: Registry, source: () => Promise<NotifyStats>): void {
  new Counter({
    name: 'coldtrace_notify_sends_total',
    help: 'Messages handed to a notification channel since start, by channel and outcome (delivered, failed: retried with backoff)',
    labelNames: ['channel', 'outcome'] as const, registers: [registry],
    async collect() {
      this.reset();
      for (const a of (await source()).attempts) {
        this.inc({ channel: a.channel, outcome: 'delivered' }, a.delivered);
        this.inc({ channel: a.channel, outcome: 'failed' }, a.failed);
      }
    },
  });
  new Gauge({
    name: 'coldtrace_notify_pending_messages', help: 'Messages to people waiting in the notification outbox (due later, grouping, or retrying)', registers: [registry],
    async collect() { this.set((await source()).pendingMessages); },
  });
  new Gauge({
    name: 'coldtrace_notify_alarms', help: 'Alarms escalating or told everyone (open) and held by a maintenance window or silence (held)',
    labelNames: ['status'] as const, registers: [registry],
    async collect() {
      const s = await source();
      this.set({ status: 'open' }, s.open);
      this.set({ status: 'held' }, s.held);
    },
  });
  new Gauge({
    name: 'coldtrace_notify_channel_failing', help: '1 while the last send on a notification channel failed', labelNames: ['channel'] as const, registers: [registry],
    async collect() {
      this.reset();
      for (const c of (await source()).channels) this.set({ channel: c.channel }, c.failing ? 1 : 0);
    },
  });
}
