/**
 * An external Mosquitto's password and ACL files from the gateway's MQTT credentials (docs/security.md, "External
 * broker"): the same identities and the same topic rules as the embedded broker (mqtt-identity.ts), in Mosquitto 2's
 * file formats (mosquitto.conf(5) `password_file`, `acl_file`).
 */
import { CONTRACT_VERSION, TOPIC_ROOT } from '@coldtrace/contract';
import { parseUsername } from './mqtt-identity.js';

export interface MosquittoUser {
  readonly username: string;
  /** Mosquitto's `$7$` hash (password-hash.ts mosquittoHash). */
  readonly hash: string;
}

const ROOT = `${TOPIC_ROOT}/${CONTRACT_VERSION}`;

/** `user:hash` lines, sorted by user name. A user name that names no identity is left out (it would get no ACL). */
export function mosquittoPasswd(users: readonly MosquittoUser[], gateway?: MosquittoUser): string {
  const lines = users.filter((u) => parseUsername(u.username) !== undefined).map((u) => `${u.username}:${u.hash}`).sort();
  return [...(gateway !== undefined ? [`${gateway.username}:${gateway.hash}`] : []), ...lines].map((l) => `${l}\n`).join('');
}

/**
 * The ACL: the gateway reads every node's topics and publishes refusals and events; a node writes under its own
 * `ct/v1/{site}/{node}/` and reads its own feedback; an event reader reads the events. Mosquitto's ACL grants only:
 * whatever is not listed is refused.
 */
export function mosquittoAcl(usernames: readonly string[], gatewayUsername?: string): string {
  const out: string[] = ['# Written by the Coldtrace gateway from its MQTT credentials: edits are overwritten.', ''];
  if (gatewayUsername !== undefined) {
    out.push(`user ${gatewayUsername}`, `topic read ${ROOT}/#`, `topic write ${ROOT}/+/+/feedback`, `topic write ${ROOT}/+/+/command`, `topic write ${ROOT}/_events/#`, '');
  }
  for (const username of [...usernames].sort()) {
    const id = parseUsername(username);
    if (id === undefined) continue;
    if (id.kind === 'node') {
      const own = `${ROOT}/${id.site}/${id.node}`;
      out.push(`user ${username}`, `topic write ${own}/#`, `topic read ${own}/feedback`, `topic read ${own}/command`, '');
    } else {
      out.push(`user ${username}`, `topic read ${ROOT}/_events/#`, '');
    }
  }
  return out.join('\n');
}
