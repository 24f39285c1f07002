/** Where refusal feedback goes (contract feedback.ts): the node's feedback topic on the gateway's MQTT broker. */
import type { FeedbackMessage } from '@coldtrace/contract';

export interface FeedbackSink {
  /**
   * Publishes `message` to `ct/v1/{site}/{node}/feedback` with QoS 1, not retained. `done` once the broker took it
   * (or routed it, for the embedded broker), with the error when it could not. Never throws and never waits for I/O.
   */
  publish(site: string, node: string, message: FeedbackMessage, done: (error?: Error) => void): void;
}
