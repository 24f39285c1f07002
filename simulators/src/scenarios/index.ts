/** The scenarios by name (docs/scenarios.md), and what runs them. */
import { reeferTrip } from './reefer-trip.js';
import type { Scenario, ScenarioOptions } from './types.js';
import { warehouseDay } from './warehouse-day.js';

export const SCENARIOS: Readonly<Record<string, (o?: ScenarioOptions) => Scenario>> = {
  'warehouse-day': warehouseDay,
  'reefer-trip': reeferTrip,
};

export function buildScenario(name: string, o: ScenarioOptions = {}): Scenario {
  const make = SCENARIOS[name];
  if (make === undefined) throw new Error(`unknown scenario '${name}' (known: ${Object.keys(SCENARIOS).join(', ')})`);
  return make(o);
}

export * from './types.js';
export { checkFlags, passed, scenarioScope, expectedId, type FlagCheck } from './check.js';
export { allFlags, isRegistered, ScenarioError, type ApiFlag } from './gateway-api.js';
export { replay, waitStored, type ReplayOptions, type ReplayReport } from './runner.js';
export { runLive, dueReadings, type LiveOptions } from './live.js';
