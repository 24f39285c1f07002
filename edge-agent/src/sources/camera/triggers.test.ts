import type { ScanRead } from '@coldtrace/contract';
import { describe, expect, it } from 'vitest';
import type { SourceEvent } from '../events.js';
import { TriggerMatcher } from './triggers.js';

const read = { raw: '00095060001000000011', time: 1 } as unknown as ScanRead;
const scans = (device: string, n = 1): SourceEvent => ({ kind: 'scans', device, reads: Array.from({ length: n }, () => read) });
const door = (device: string, ...values: boolean[]): SourceEvent => ({ kind: 'readings', device, readings: values.map((value, i) => ({ metric: 'door.open', value, unit: '1', time: i })) });
const shock = (device: string, g: number): SourceEvent => ({ kind: 'readings', device, readings: [{ metric: 'shock.peak', value: g, unit: 'g', time: 1 }, { metric: 'shock.duration', value: 12, unit: 'ms', time: 1 }] });

describe('TriggerMatcher', () => {
  const triggers = [
    { on: 'scan', device: 'pack-scanner' }, { on: 'door', device: 'dock-door' }, { on: 'shock', device: 'accel-1', minG: 25 },
  ] as const;

  it.each([
    { name: 'a read of the packing scanner fires scan', events: [scans('pack-scanner')], fired: ['scan'] },
    { name: 'a read of another scanner fires nothing', events: [scans('cold-door')], fired: [undefined] },
    { name: 'an empty scan message fires nothing', events: [scans('pack-scanner', 0)], fired: [undefined] },
    { name: 'a door opening fires door once while it stays open', events: [door('dock-door', true), door('dock-door', true), door('dock-door', false), door('dock-door', true)], fired: ['door', undefined, undefined, 'door'] },
    { name: 'a door closing then opening within one message fires door', events: [door('dock-door', true, false, true)], fired: ['door'] },
    { name: 'a door reported closed fires nothing', events: [door('dock-door', false)], fired: [undefined] },
    { name: 'a shock at the warning level fires shock', events: [shock('accel-1', 25)], fired: ['shock'] },
    { name: 'a shock under the warning level fires nothing', events: [shock('accel-1', 24.9)], fired: [undefined] },
    { name: 'a shock of another accelerometer fires nothing', events: [shock('accel-2', 80)], fired: [undefined] },
    { name: 'a scan of the door device fires nothing (triggers are by kind)', events: [scans('dock-door')], fired: [undefined] },
  ])('$name', ({ events, fired }) => {
    const m = new TriggerMatcher(triggers);
    expect(events.map((e) => m.match(e))).toEqual(fired);
  });
});
