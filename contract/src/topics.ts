/**
 * MQTT topic scheme, contract v1.
 *
 * Sparkplug-style: the edge node (the agent process that owns the MQTT connection) and the device (one sensor,
 * Modbus slave or GPS receiver behind it) are both in the topic, so a broker ACL can confine a node's credentials
 * to `ct/v1/{site}/{node}/#` and a gateway can route without parsing the payload.
 *
 *   ct/v1/{site}/{node}/status            node birth/death, retained; the MQTT will (LWT) publishes "offline" here
 *   ct/v1/{site}/{node}/{device}/data     telemetry: a batch of readings from one device
 *   ct/v1/{site}/{node}/{device}/status   device health: online, stale, error (a failed read is reported here,
 *                                         never published as a reading)
 *   ct/v1/{site}/{node}/{device}/scan     codes a scanner or RFID reader read: a batch of reads (scan.ts, issue #21)
 *   ct/v1/{site}/{node}/feedback          published BY the gateway: a message of this node was refused (feedback.ts)
 *   ct/v1/{site}/{node}/command           published BY the gateway: a scan was refused at the door (scan.ts)
 */
export const TOPIC_ROOT = 'ct';
export const CONTRACT_VERSION = 'v1';

/** Identifier of a site, node or device: safe in a topic level, a file name and a URL path. */
export const ID_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$';
const ID_RE = new RegExp(ID_PATTERN);

export type TopicKind = 'data' | 'device-status' | 'node-status' | 'scan';

export type ParsedTopic =
  | { kind: 'data'; site: string; node: string; device: string }
  | { kind: 'device-status'; site: string; node: string; device: string }
  | { kind: 'node-status'; site: string; node: string }
  | { kind: 'scan'; site: string; node: string; device: string };

export function isValidId(id: string): boolean {
  return ID_RE.test(id);
}

export function dataTopic(site: string, node: string, device: string): string {
  return `${TOPIC_ROOT}/${CONTRACT_VERSION}/${site}/${node}/${device}/data`;
}

export function deviceStatusTopic(site: string, node: string, device: string): string {
  return `${TOPIC_ROOT}/${CONTRACT_VERSION}/${site}/${node}/${device}/status`;
}

/** Reads of a scanner or RFID reader (scan.ts): under the node's own prefix, so its credentials cover it. */
export function scanTopic(site: string, node: string, device: string): string {
  return `${TOPIC_ROOT}/${CONTRACT_VERSION}/${site}/${node}/${device}/scan`;
}

export function nodeStatusTopic(site: string, node: string): string {
  return `${TOPIC_ROOT}/${CONTRACT_VERSION}/${site}/${node}/status`;
}

/**
 * Refusal feedback to a node (feedback.ts): `ct/v1/{site}/{node}/feedback`, published by the gateway only. Five levels
 * ending in `feedback`, so it is none of the shapes above (a node status ends in `status`; device topics have six
 * levels) and no gateway filter matches it: the gateway never ingests its own feedback.
 */
export function feedbackTopic(site: string, node: string): string {
  return `${TOPIC_ROOT}/${CONTRACT_VERSION}/${site}/${node}/feedback`;
}

/**
 * Commands to a node (scan.ts, ScanCommand): `ct/v1/{site}/{node}/command`, published by the gateway only. Five levels
 * not ending in `status`: no device topic and no gateway filter matches it.
 */
export function scanCommandTopic(site: string, node: string): string {
  return `${TOPIC_ROOT}/${CONTRACT_VERSION}/${site}/${node}/command`;
}

/** The node of a feedback topic, or undefined when `topic` is not one (wildcards included). */
export function parseFeedbackTopic(topic: string): { site: string; node: string } | undefined {
  const parts = topic.split('/');
  const [root, version, site, node, last] = parts;
  if (parts.length !== 5 || root !== TOPIC_ROOT || version !== CONTRACT_VERSION || last !== 'feedback') return undefined;
  if (site === undefined || node === undefined || !isValidId(site) || !isValidId(node)) return undefined;
  return { site, node };
}

/**
 * Flag events the gateway publishes (docs/events.md): `ct/v1/_events/flag/{kind}` (raised, updated, cleared ...).
 * `_events` can never be a site id (ids start with a letter or digit), so no device topic is ever one of these.
 */
export function flagEventTopic(kind: string): string {
  return eventTopic(`flag.${kind}`);
}

/** Where every event the gateway publishes lives: only the gateway may publish under it. */
export const EVENTS_PREFIX = `${TOPIC_ROOT}/${CONTRACT_VERSION}/_events/`;

/**
 * Any event the gateway publishes, by its type (`flag.raised`, `milestone.reached`): `ct/v1/_events/{family}/{kind}`.
 */
export function eventTopic(type: string): string {
  return `${EVENTS_PREFIX}${type.replace('.', '/')}`;
}

/** Every milestone event (docs/claims.md, "Milestones from evidence"). */
export const MILESTONE_EVENT_FILTER = `${TOPIC_ROOT}/${CONTRACT_VERSION}/_events/milestone/#`;

/** Every flag event: the filter an order hub subscribes to. */
export const FLAG_EVENT_FILTER = `${TOPIC_ROOT}/${CONTRACT_VERSION}/_events/flag/#`;

/** Subscription filters the gateway uses. `shareGroup` gives MQTT 5 shared subscriptions for scale-out. */
export function gatewayFilters(shareGroup?: string): string[] {
  const base = [
    `${TOPIC_ROOT}/${CONTRACT_VERSION}/+/+/+/data`,
    `${TOPIC_ROOT}/${CONTRACT_VERSION}/+/+/+/status`,
    `${TOPIC_ROOT}/${CONTRACT_VERSION}/+/+/status`,
    `${TOPIC_ROOT}/${CONTRACT_VERSION}/+/+/+/scan`,
  ];
  return shareGroup === undefined ? base : base.map((f) => `$share/${shareGroup}/${f}`);
}

/** Parses a concrete topic; returns undefined for anything outside contract v1 (the caller quarantines it). */
export function parseTopic(topic: string): ParsedTopic | undefined {
  const parts = topic.split('/');
  if (parts[0] !== TOPIC_ROOT || parts[1] !== CONTRACT_VERSION) return undefined;
  const [, , site, node, a, b] = parts;
  if (site === undefined || node === undefined || !isValidId(site) || !isValidId(node)) return undefined;
  if (parts.length === 5 && a === 'status') return { kind: 'node-status', site, node };
  if (parts.length === 6 && a !== undefined && isValidId(a)) {
    if (b === 'data') return { kind: 'data', site, node, device: a };
    if (b === 'status') return { kind: 'device-status', site, node, device: a };
    if (b === 'scan') return { kind: 'scan', site, node, device: a };
  }
  return undefined;
}
