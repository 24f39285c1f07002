import { describe, expect, it } from 'vitest';
import { decodeLlrp, encodeLlrp } from './codec.js';
import { addRospecData, setupSteps } from './rospec.js';

const SPEC = { antennas: [{ id: 2, device: 'out' }, { id: 1, device: 'in' }, { id: 3, device: 'in' }], rospecId: 7, reportEveryTags: 0, reportEveryMs: 250, keepaliveMs: 10_000 };

describe('the ROSpec set-up', () => {
  it('goes keepalive, delete all, add, enable, start', () => {
    expect(setupSteps(SPEC).map((s) => s.type)).toEqual(['SET_READER_CONFIG', 'DELETE_ROSPEC', 'ADD_ROSPEC', 'ENABLE_ROSPEC', 'START_ROSPEC']);
    expect(setupSteps(SPEC)[1]!.data).toEqual({ ROSpecID: 0 });
  });

  it.each([
    ['a report every 250 ms', { reportEveryTags: 0, reportEveryMs: 250 }, { AISpecStopTriggerType: 'Duration', DurationTrigger: 250 }, 0],
    ['a report every 100 tags, no time limit', { reportEveryTags: 100, reportEveryMs: 0 }, { AISpecStopTriggerType: 'Null', DurationTrigger: 0 }, 100],
  ])('%s survives llrpjs encoding to the bytes and back', (_n, report, stop, n) => {
    const sent = addRospecData({ ...SPEC, ...report });
    const back = decodeLlrp(encodeLlrp('ADD_ROSPEC', 42, sent));
    expect(back.id).toBe(42);
    const r = back.data['ROSpec'] as Record<string, Record<string, unknown>>;
    expect(r['ROSpecID']).toBe(7);
    expect(r['AISpec']).toMatchObject({ AntennaIDs: [1, 2, 3], AISpecStopTrigger: stop });
    expect(r['ROReportSpec']).toMatchObject({ ROReportTrigger: 'Upon_N_Tags_Or_End_Of_AISpec', N: n, TagReportContentSelector: expect.objectContaining({ EnableAntennaID: 1, EnablePeakRSSI: 1, EnableFirstSeenTimestamp: 1, EnableLastSeenTimestamp: 0 }) });
  });

  it('asks for keepalives at the configured period', () => {
    const back = decodeLlrp(encodeLlrp('SET_READER_CONFIG', 1, setupSteps(SPEC)[0]!.data));
    expect(back.data['KeepaliveSpec']).toEqual({ KeepaliveTriggerType: 'Periodic', PeriodicTriggerValue: 10_000 });
  });
});
