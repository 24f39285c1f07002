/** Refusal feedback (contract feedback.ts) through the gateway's MQTT outlet, the same path as flag events. */
import { feedbackTopic } from '@coldtrace/contract';
import type { FeedbackSink } from '../../ports/feedback.js';
import type { MqttOutlet } from './event-publisher.js';

export function feedbackSink(outlet: MqttOutlet): FeedbackSink {
  return {
    publish: (site, node, message, done) => outlet.publish(feedbackTopic(site, node), JSON.stringify(message), done),
  };
}
