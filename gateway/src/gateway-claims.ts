/**
 * Claims against evidence (part of the composition root, gateway.ts; docs/claims.md): carrier tracking events and
 * CAP weather alerts, each in a file of its own (a backfill never holds the registry's write lock), the CAP URLs
 * polled, and the rules told which shipments to judge again when a claim or an alert comes in.
 */
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { GatewayConfig } from './config.js';
import { openDatabase } from './adapters/sqlite/database.js';
import { SqliteCapAlertStore } from './adapters/sqlite/alerts/cap-store.js';
import { SqliteCarrierEventStore } from './adapters/sqlite/carrier/carrier-event-store.js';
import { claimWindowsMin } from './domain/rules/claim-params.js';
import type { Clock, Scheduler } from './ports/clock.js';
import type { RegistryStore } from './ports/registry.js';
import { CarrierEventService } from './services/carrier-events.js';
import type { CustodyIndex } from './services/custody.js';
import type { RulesService } from './services/rules.js';
import { WeatherAlertService } from './services/weather-alerts.js';
import { CapPoller } from './services/weather-poll.js';

export interface GatewayClaims {
  readonly carrierEvents: CarrierEventService;
  readonly weatherAlerts: WeatherAlertService;
  /** Has the rules judge the shipments a new claim or alert concerns, and starts polling the CAP URLs. */
  attach(rules: Pick<RulesService, 'mark' | 'markAt'>, custody: Pick<CustodyIndex, 'shipmentsWithTrackers'>): void;
  /** Stops polling (first: nothing new comes in while the rules wind down). */
  stopPolling(): Promise<void>;
  /** Closes the stores (last: the rules read them until they close). */
  close(): Promise<void>;
}

export function openClaims(config: GatewayConfig, deps: { registry: RegistryStore; clock: Clock; scheduler: Scheduler; log: Logger }): GatewayClaims {
  const { clock, log } = deps;
  const carrierStore = new SqliteCarrierEventStore(openDatabase(join(config.dataDir, 'carrier.db'), { durability: config.durability, cacheKiB: 16_384 }));
  const carrierEvents = new CarrierEventService(carrierStore, deps.registry);
  const alertStore = new SqliteCapAlertStore(openDatabase(join(config.dataDir, 'alerts.db'), { durability: config.durability, cacheKiB: 4096 }));
  const weatherAlerts = new WeatherAlertService(alertStore, clock, log.child({ component: 'weather-alerts' }));
  const pollers = config.capAlerts.urls.map((url) => new CapPoller(weatherAlerts, deps.scheduler, log.child({ component: 'cap-poll' }), { url, everyMs: config.capAlerts.pollMs }));
  return {
    carrierEvents, weatherAlerts,
    attach(rules, custody) {
      // A new alert, update or cancel has the shipments on their way judged (the sweep judges them again as time passes).
      weatherAlerts.onChange(() => {
        for (const id of custody.shipmentsWithTrackers(clock.now())) rules.mark(`shipment:${id}`, clock.now(), 'background');
      });
      // A carrier's claim has its shipment judged now, and again once its window has passed: delivered, or at a place
      // (a hub, perhaps), at each window a carrier or lane profile may give it (delivery-claims.ts, hub-claims.ts).
      const claimWindows = claimWindowsMin(config.claims ?? {});
      carrierEvents.onNew((events) => {
        for (const e of events) {
          for (const s of e.shipments) {
            rules.mark(`shipment:${s}`);
            if (e.milestone === 'delivered' || e.place !== undefined || e.position !== undefined) {
              for (const w of claimWindows) rules.markAt(`shipment:${s}`, e.timeMs + w * 60_000 + 1000);
            }
          }
        }
      });
      for (const p of pollers) p.start();
    },
    async stopPolling() {
      for (const p of pollers) await p.close();
    },
    async close() {
      await carrierStore.close();
      await alertStore.close();
    },
  };
}
