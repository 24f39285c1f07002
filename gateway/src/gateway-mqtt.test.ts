import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { ManualTime } from '../test/support/manual-time.js';
import { connectWithin } from './gateway-mqtt.js';

const log = pino({ level: 'silent' });
const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

/** A broker that refuses the first `refusals` attempts, as Mosquitto does until it has reloaded the gateway's user. */
function broker(refusals: number): { attempts: () => number; connect: () => Promise<string> } {
  let n = 0;
  return { attempts: () => n, connect: () => (++n <= refusals ? Promise.reject(new Error(`refused #${n}: not authorized`)) : Promise.resolve('connected')) };
}

describe('the first connection to an external broker', () => {
  it('is tried again every 2 s while refused, within the wait', async () => {
    const time = new ManualTime(0);
    const b = broker(3);
    const result = connectWithin(10_000, time, time, log, b.connect);
    for (let i = 0; i < 3; i++) {
      await tick();
      expect(time.tasks.map((t) => t.at)).toEqual([(i + 1) * 2000]);
      time.t += 2000;
      time.runDue();
    }
    await expect(result).resolves.toBe('connected');
    expect(b.attempts()).toBe(4);
  });

  it('gives up with the last refusal once the wait is over, and at once with no wait', async () => {
    const time = new ManualTime(0);
    const b = broker(100);
    const result = connectWithin(5000, time, time, log, b.connect);
    for (let i = 0; i < 3; i++) {
      await tick();
      time.t += 2000;
      time.runDue();
    }
    await expect(result).rejects.toThrow('refused #4: not authorized');
    await expect(connectWithin(0, time, time, log, broker(1).connect)).rejects.toThrow('refused #1');
  });
});
