/**
 * People on duty (part of the composition root, gateway.ts; docs/notifications.md): the notification policies, their
 * channels and the durable outbox of alarms in its own file. Off without a policy file (COLDTRACE_NOTIFY_CONFIG).
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { GatewayConfig } from './config.js';
import { openDatabase } from './adapters/sqlite/database.js';
import { SqliteNotifyStore } from './adapters/sqlite/notify/notify-store.js';
import { notifyChannels } from './adapters/smtp/channels.js';
import { fetchPoster } from './adapters/webhook/post.js';
import type { Clock, Scheduler } from './ports/clock.js';
import type { RegistryStore } from './ports/registry.js';
import type { NotificationRouteDeps } from './http/routes/notifications.js';
import { NotifyService, type NotifyDeps } from './services/notify.js';
import { flagFacts } from './services/notify-facts.js';
import { registerNotifyMetrics } from './services/notify-metrics.js';

export interface GatewayNotify {
  readonly notifications: NotifyService;
  /** What the notification routes serve. */
  readonly routes: Omit<NotificationRouteDeps, 'clock'>;
  close(): Promise<void>;
}

export async function startNotify(
  config: GatewayConfig,
  deps: { flags: NotifyDeps['flags']; registry: RegistryStore; clock: Clock; scheduler: Scheduler; log: Logger; metrics: Registry },
): Promise<GatewayNotify | undefined> {
  const notify = config.notify;
  if (notify === undefined) return undefined;
  const store = new SqliteNotifyStore(openDatabase(join(config.dataDir, 'notify.db'), { durability: config.durability, cacheKiB: 8192 }));
  const send = notifyChannels(notify.policy.channels, fetchPoster(), deps.log.child({ component: 'notify' }));
  const publicUrl = config.alertmanager.publicUrl;
  const notifications = new NotifyService({
    store, policy: notify.policy, channels: send.send, flags: deps.flags, factsOf: flagFacts(deps.registry, publicUrl),
    clock: deps.clock, scheduler: deps.scheduler, log: deps.log.child({ component: 'notify' }),
    ackKey: notify.secret ?? await store.meta('ack-key', () => randomBytes(32).toString('base64url')),
    ...(publicUrl !== undefined ? { publicUrl } : {}),
  });
  registerNotifyMetrics(deps.metrics, () => notifications.stats());
  return {
    notifications, routes: { notifications, store, policy: notify.policy },
    async close() {
      await notifications.close();
      send.close();
      await store.close();
    },
  };
}
