/** Options of the load generator (docs/engineering.md 2: every field with its unit and default). */

export interface BurstOptions {
  /** When the burst starts, ms after the measured run starts. */
  readonly atMs: number;
  /** How long it lasts, ms. */
  readonly durationMs: number;
  /** Rate multiplier during the burst (10 = a 10x burst). */
  readonly factor: number;
}

/** Store-and-forward replay: devices that were offline publish their buffered history, old device times. */
export interface ReplayOptions {
  /** Replaying devices (separate connections from the live ones). */
  readonly devices: number;
  /** Readings replayed in total, spread evenly over the devices. */
  readonly readings: number;
  /** Readings per replay message. Default in DEFAULT_REPLAY_OPTIONS: 500. */
  readonly readingsPerMessage: number;
  /** QoS 1 messages in flight per replaying connection. */
  readonly inflightPerDevice: number;
  /** Device time of the oldest replayed reading, ms before the run starts. */
  readonly ageMs: number;
  /** Device-time step between a metric's consecutive buffered readings, ms (the device's sampling interval). */
  readonly stepMs: number;
  /** When replay starts, ms after the measured run starts. */
  readonly startAtMs: number;
}

export const DEFAULT_REPLAY_OPTIONS: ReplayOptions = {
  devices: 20, readings: 1_000_000, readingsPerMessage: 500, inflightPerDevice: 2, ageMs: 12 * 3_600_000, stepMs: 1000, startAtMs: 2000,
};

export interface LoadOptions {
  /** Broker URL, `mqtt://host:port`. */
  readonly url: string;
  /** Live devices, one MQTT connection each. Default 100. */
  readonly devices: number;
  /**
   * Messages per second per live device. 0 = closed loop: each connection keeps `inflightPerDevice` messages
   * outstanding and sends the next one when a PUBACK arrives (finds the peak). Default 1.
   */
  readonly ratePerDevice: number;
  /** QoS 1 messages in flight per connection (the client's receive maximum). Default 10. */
  readonly inflightPerDevice: number;
  /** Readings in each live data message. Default 1. */
  readonly readingsPerMessage: number;
  /** Default 1. With QoS 0 nothing is acknowledged and only publish counts are meaningful. */
  readonly qos: 0 | 1;
  /** Share of live messages that are malformed (0..1), spread over MALFORMED_KINDS. Default 0. */
  readonly malformedShare: number;
  /** Measured run length after every connection is up, ms. Default 10000. */
  readonly durationMs: number;
  /** Seed of every random choice (values, malformed picks). Default 1. */
  readonly seed: number;
  /** Topic site id. Default 'load'. */
  readonly site: string;
  /** Device id prefix; devices are `<prefix>-<n>`, nodes `<prefix>-node-<n>`. Default 'dev'. */
  readonly devicePrefix: string;
  /** CONNECTs in flight at once while connecting. Default 500. */
  readonly connectConcurrency: number;
  /** Messages a rate-mode device holds while its in-flight window is full; beyond it they are dropped and counted. Default 100000. */
  readonly outboxCap: number;
  /** After the run, how long to wait for outstanding PUBACKs and queued messages, ms. Default 60000. */
  readonly drainTimeoutMs: number;
  /**
   * Live messages created in the first `warmupMs` of the run still count everywhere except `LoadResult.latencySteady`,
   * the latency of the sustained part (a just-started gateway compiles its hot paths and creates its series then).
   * Default 0.
   */
  readonly warmupMs: number;
  /** Optional rate burst (rate mode only). */
  readonly burst?: BurstOptions;
  /** Optional store-and-forward replay alongside the live traffic. */
  readonly replay?: ReplayOptions;
  /**
   * Live devices' MQTT credentials, by node (`<prefix>-node-<n>`): with them each connection is a node of its own,
   * publishing under it with its user name, password and client id (a broker with device identity and topic ACLs,
   * docs/security.md). Without them ten devices share a node's topics and nobody logs in.
   */
  readonly credentials?: ReadonlyMap<string, { readonly username: string; readonly password: string; readonly clientId: string }>;
}

export const DEFAULT_LOAD_OPTIONS: LoadOptions = {
  url: 'mqtt://127.0.0.1:1883', devices: 100, ratePerDevice: 1, inflightPerDevice: 10, readingsPerMessage: 1, qos: 1,
  malformedShare: 0, durationMs: 10_000, seed: 1, site: 'load', devicePrefix: 'dev', connectConcurrency: 500,
  outboxCap: 100_000, drainTimeoutMs: 60_000, warmupMs: 0,
};
