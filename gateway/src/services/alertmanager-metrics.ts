/** The Alertmanager push in /metrics (docs/notifications.md), read from the pusher at scrape time. */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { AlertmanagerStats } from './alertmanager-push.js';

export function registerAlertmanagerMetrics(registry: Registry, source: () => readonly AlertmanagerStats[]): void {
  new Counter({
    name: 'coldtrace_alertmanager_alerts_total',
    help: 'Alerts pushed to each Alertmanager by outcome: sent (accepted), rejected (refused as invalid, not retried), dropped (a full queue dropped the flag)',
    labelNames: ['alertmanager', 'outcome'] as const, registers: [registry],
    collect() {
      this.reset();
      for (const s of source()) for (const outcome of ['sent', 'rejected', 'dropped'] as const) this.inc({ alertmanager: s.url, outcome }, s[outcome]);
    },
  });
  const perAlertmanager: [kind: 'counter' | 'gauge', name: string, help: string, value: (s: AlertmanagerStats) => number][] = [
    ['counter', 'coldtrace_alertmanager_push_failures_total', 'POSTs to an Alertmanager that failed (no answer, 408, 429, 5xx): their alerts are retried with backoff', (s) => s.failures],
    ['gauge', 'coldtrace_alertmanager_pending_flags', 'Flags waiting to be pushed to an Alertmanager (the latest state of each)', (s) => s.pending],
    ['gauge', 'coldtrace_alertmanager_last_success_timestamp_seconds', 'When an Alertmanager last answered a push (0: never since start)', (s) => (s.lastSuccessAt ?? 0) / 1000],
  ];
  for (const [kind, name, help, value] of perAlertmanager) {
    const collect = function (this: Counter<'alertmanager'> | Gauge<'alertmanager'>): void {
      this.reset();
      for (const s of source()) {
        if (this instanceof Gauge) this.set({ alertmanager: s.url }, value(s));
        else this.inc({ alertmanager: s.url }, value(s));
      }
    };
    const config = { name, help, labelNames: ['alertmanager'] as const, registers: [registry] };
    if (kind === 'gauge') new Gauge({ ...config, collect });
    else new Counter({ ...config, collect });
  }
}
