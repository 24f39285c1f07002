/**
 * Who an MQTT client is and where it may publish and subscribe (docs/security.md, "Device identity").
 *
 * The identity on the broker is the edge NODE, the agent process that owns the connection (contract/src/topics.ts):
 * a node publishes for all the devices (sensors) behind it, so its credential confines it to
 * `ct/v1/{site}/{node}/...`. The only other identity is an event reader (an order hub): it subscribes to the
 * gateway's events and publishes nothing. Nobody but the gateway reads devices' data.
 */
import { EVENTS_PREFIX, feedbackTopic, isValidId, scanCommandTopic, TOPIC_ROOT, CONTRACT_VERSION } from '@coldtrace/contract';

export type MqttIdentity =
  | { readonly kind: 'node'; readonly site: string; readonly node: string }
  | { readonly kind: 'reader'; readonly name: string };

/** Readers' user names start with this; a site id cannot (ids start with a letter or a digit). */
export const READER_PREFIX = '_events/';

/** The MQTT user name of an identity: `{site}/{node}` or `_events/{name}`. */
export function usernameOf(id: MqttIdentity): string {
  return id.kind === 'node' ? `${id.site}/${id.node}` : `${READER_PREFIX}${id.name}`;
}

/** The identity a user name names, or undefined when it names none (the connection is refused as unknown). */
export function parseUsername(username: string): MqttIdentity | undefined {
  const parts = username.split('/');
  if (parts.length !== 2) return undefined;
  const [a, b] = parts as [string, string];
  if (`${a}/` === READER_PREFIX) return isValidId(b) ? { kind: 'reader', name: b } : undefined;
  return isValidId(a) && isValidId(b) ? { kind: 'node', site: a, node: b } : undefined;
}

/**
 * The client id an identity must connect with: a node's is the edge agent's default `ct-{site}-{node}`, a reader's
 * `ct-events-{name}`. Checked against the user name, never parsed, so ids with dashes cannot be confused.
 */
export function clientIdOf(id: MqttIdentity): string {
  return id.kind === 'node' ? `ct-${id.site}-${id.node}` : `ct-events-${id.name}`;
}

/** Where a node's topics live: `ct/v1/{site}/{node}/`. */
function nodePrefix(site: string, node: string): string {
  return `${TOPIC_ROOT}/${CONTRACT_VERSION}/${site}/${node}/`;
}

/**
 * Whether `id` may publish on `topic`. A node: anything under its own prefix (a malformed topic there is still its
 * own, and ingest quarantines it with E_TOPIC) except its feedback and command topics, which only the gateway
 * publishes. A reader: nothing.
 */
export function mayPublish(id: MqttIdentity, topic: string): boolean {
  return publishCheck(id)(topic);
}

/**
 * mayPublish for one identity, its topic strings made once: the embedded broker keeps one per connection and calls it
 * for every message, which then costs a prefix test and two comparisons, no allocation.
 */
export function publishCheck(id: MqttIdentity): (topic: string) => boolean {
  if (id.kind === 'reader') return () => false;
  const prefix = nodePrefix(id.site, id.node);
  const feedback = feedbackTopic(id.site, id.node);
  const command = scanCommandTopic(id.site, id.node);
  return (topic) => topic.startsWith(prefix) && topic !== feedback && topic !== command;
}

/**
 * Whether `id` may subscribe to `filter`. A node: its own feedback topic (refusals of its messages) and command topic
 * (a scan refused at its door, contract/src/scan.ts). A reader:
 * filters inside the events prefix (`ct/v1/_events/#`, `ct/v1/_events/flag/+` ...). Wildcards elsewhere, `#` above
 * all, are refused; so are shared subscriptions (`$share/...`), which would read around the filter.
 */
export function maySubscribe(id: MqttIdentity, filter: string): boolean {
  if (id.kind === 'node') return filter === feedbackTopic(id.site, id.node) || filter === scanCommandTopic(id.site, id.node);
  return filter.startsWith(EVENTS_PREFIX);
}
