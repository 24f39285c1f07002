/** Load generator: library entry. */
export { runLoad, type LoadResult, type TrafficCounts } from './generator.js';
export { DEFAULT_LOAD_OPTIONS, DEFAULT_REPLAY_OPTIONS, type LoadOptions, type ReplayOptions, type BurstOptions } from './options.js';
export { LatencyHistogram, type LatencySummary } from './latency.js';
export { MALFORMED_KINDS, LOAD_METRICS, dataPayload, malformedPayload } from './payloads.js';
export { seededRandom } from '../random.js';
