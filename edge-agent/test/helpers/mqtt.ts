/** A subscriber that records every message, for assertions. */
import { connectAsync, type MqttClient } from 'mqtt';

export interface Received {
  readonly topic: string;
  readonly payload: unknown;
  readonly retain: boolean;
}

export interface Recorder {
  readonly messages: Received[];
  waitFor(pred: (m: Received[]) => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
  readonly client: MqttClient;
}

export async function record(url: string, filter = 'ct/#'): Promise<Recorder> {
  const client = await connectAsync(url, { reconnectPeriod: 200, clientId: `rec-${Math.random().toString(16).slice(2)}` });
  const messages: Received[] = [];
  client.on('message', (topic, payload, packet) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(payload.toString('utf8'));
    } catch {
      parsed = payload.toString('utf8');
    }
    messages.push({ topic, payload: parsed, retain: packet.retain });
  });
  await client.subscribeAsync(filter, { qos: 1 });
  return {
    messages,
    client,
    async waitFor(pred, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (!pred(messages)) {
        if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms; ${messages.length} message(s) received`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    close: () => client.endAsync(true),
  };
}
