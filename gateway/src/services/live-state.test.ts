import { describe, expect, it } from 'vitest';
import type { StoredReading } from '../domain/reading.js';
import { LiveState } from './live-state.js';

const T = 1_795_600_000_000;

function reading(time: number): StoredReading {
  return { site: 's', node: 'n', device: 'd', metric: 'temperature', time, value: 4.2, unit: 'Cel', seq: 1, receivedAt: time, flags: 0 };
}

function device(live: LiveState): ReturnType<LiveState['listDevices']>[number] {
  const d = live.listDevices().find((x) => x.device === 'd');
  if (d === undefined) throw new Error('device d not listed');
  return d;
}

describe('LiveState devices', () => {
  it('says "never" (null) for the device time and sequence of a device that has not sent a stored reading', () => {
    const live = new LiveState();
    live.onDeviceStatus('s', 'n', 'd', { v: 1, time: T, state: 'error', error: 'Timed out after 1000 ms' }, T + 5);
    expect(device(live)).toMatchObject({ lastSeen: T + 5, lastDeviceTime: null, sequence: null, messages: 0, state: 'error' });
    live.onReadings('s', 'n', 'd', 7, [reading(T + 1000)], T + 1010);
    expect(device(live)).toMatchObject({ lastDeviceTime: T + 1000, sequence: { first: 7, last: 7, received: 1, missing: 0, coverage: 1 } });
  });

  it.each([
    { name: 'a refused first message makes the device refused', steps: ['refused'], want: 'refused' },
    { name: 'a stored message after refusals makes it ok again', steps: ['data', 'refused', 'refused', 'data'], want: 'ok' },
    { name: 'a refusal after stored data makes it refused', steps: ['data', 'refused'], want: 'refused' },
    { name: 'an ok device status does not hide refusals', steps: ['refused', 'status-ok'], want: 'refused' },
    { name: 'a failed read wins over refusals (no data flows)', steps: ['refused', 'status-error'], want: 'error' },
    { name: 'refusals show again once reads recover', steps: ['refused', 'status-error', 'status-ok'], want: 'refused' },
  ])('$name', ({ steps, want }) => {
    const live = new LiveState();
    let t = T;
    for (const step of steps) {
      t += 1000;
      if (step === 'data') live.onReadings('s', 'n', 'd', t / 1000, [reading(t)], t);
      else if (step === 'refused') live.onRefused('s', 'n', 'd', 'E_VALUE_RANGE', "/readings/0/value: 500 is outside [-100, 200] for 'temperature'", t);
      else live.onDeviceStatus('s', 'n', 'd', { v: 1, time: t, state: step === 'status-ok' ? 'ok' : 'error' }, t);
    }
    expect(device(live).state).toBe(want);
  });

  it('counts refusals since the last stored message, with the latest code and time', () => {
    const live = new LiveState();
    live.onReadings('s', 'n', 'd', 1, [reading(T)], T);
    live.onRefused('s', 'n', 'd', 'E_UNIT', 'unit', T + 1000);
    live.onRefused('s', 'n', 'd', 'E_VALUE_RANGE', 'range', T + 2000);
    expect(device(live)).toMatchObject({ state: 'refused', lastSeen: T + 2000, refused: { code: 'E_VALUE_RANGE', detail: 'range', at: T + 2000, count: 2 } });
    live.onReadings('s', 'n', 'd', 2, [reading(T + 3000)], T + 3000);
    expect(device(live).refused).toBeUndefined();
  });
});

describe('LiveState nodes', () => {
  const outbox = (depth: number, bytes: number) => ({ depth, bytes, droppedFull: 0, droppedExpired: 0 });

  it('takes the outbox figures of a clean offline status over those of the birth', () => {
    const live = new LiveState();
    live.onNodeStatus('s', 'n', { v: 1, state: 'online', time: T, boot: 'b1', outbox: outbox(5, 722) }, T);
    live.onNodeStatus('s', 'n', { v: 1, state: 'offline', time: T + 9000, boot: 'b1', outbox: outbox(0, 0) }, T + 9000);
    expect(live.listNodes()).toEqual([{ site: 's', node: 'n', state: 'offline', boot: 'b1', lastSeen: T + 9000, will: false, outbox: outbox(0, 0), outboxReportedAt: T + 9000 }]);
  });

  it('keeps the last figures through a will, saying when they were reported', () => {
    const live = new LiveState();
    live.onNodeStatus('s', 'n', { v: 1, state: 'online', time: T, boot: 'b1', outbox: outbox(5, 722) }, T);
    live.onNodeStatus('s', 'n', { v: 1, state: 'offline', time: T, boot: 'b1', will: true }, T + 60_000);
    expect(live.listNodes()[0]).toMatchObject({ state: 'offline', will: true, lastSeen: T + 60_000, outbox: outbox(5, 722), outboxReportedAt: T });
  });
});
