/**
 * A test alarm of a policy (issue #22, docs/notifications.md "Testing the alarm system"; EU GDP and WHO guidance ask
 * that alarm systems are tested): a message to every person of every escalation step (whoever is on duty now for a
 * schedule), on each of their channels, through the outbox like an alarm (retried until delivered, nothing dropped),
 * each attempt in the delivery log under the test's id. It opens no alarm and touches no flag.
 */
import { routesOf, stepRecipients } from '../domain/notify/escalation.js';
import type { NotifyPolicy } from '../domain/notify/policy.js';
import type { NewMessage } from '../ports/notify.js';

export interface TestAlarm {
  /** `test:POLICY:ms`: the delivery log's `alarms` of its attempts. */
  readonly id: string;
  readonly policy: string;
  readonly at: number;
  readonly messages: readonly Pick<NewMessage, 'recipient' | 'channel' | 'address' | 'step'>[];
  /** Steps that found nobody to tell (an empty shift, nobody with an address on the policy's channels), 1-based. */
  readonly unreached: readonly number[];
}

/** The test's id carries its policy: the dispatch renders the message from it. */
export const testId = (policy: string, at: number): string => `test:${policy}:${at}`;

export function policyOfTest(id: string): string {
  return id.slice('test:'.length, id.lastIndexOf(':'));
}

/** The test alarm's messages, all due now; undefined when there is no such policy. */
export function testAlarm(config: NotifyPolicy, policyId: string, now: number): { test: TestAlarm; messages: NewMessage[] } | undefined {
  const policy = config.policies.find((p) => p.id === policyId);
  if (policy === undefined) return undefined;
  const id = testId(policyId, now);
  const messages: NewMessage[] = [];
  const unreached: number[] = [];
  for (let i = 0; i < policy.steps.length; i++) {
    const before = messages.length;
    for (const person of stepRecipients(config, policy, i, now)) {
      const r = config.recipients.find((x) => x.id === person);
      if (r === undefined) continue;
      for (const route of routesOf(policy, r)) {
        messages.push({ kind: 'test', recipient: r.id, channel: route.channel, address: route.address, language: r.language, step: i + 1, groupKey: id, createdAt: now, nextAt: now });
      }
    }
    if (messages.length === before) unreached.push(i + 1);
  }
  return { test: { id, policy: policyId, at: now, messages: messages.map((m) => ({ recipient: m.recipient, channel: m.channel, address: m.address, step: m.step })), unreached }, messages };
}
