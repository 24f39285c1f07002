/**
 * What the agent asks of the reader (LLRP 1.0.1), in llrpjs' JSON form. Pure.
 *
 * The ROSpec has a Null start trigger (START_ROSPEC starts it) and a Null stop trigger, so it runs until the
 * connection goes; its AISpec inventories the configured antennas (Gen2) and stops after `reportEveryMs`, which
 * ends the AISpec and so sends a report (ROReportTrigger Upon_N_Tags_Or_End_Of_AISpec), after which the ROSpec runs
 * it again (a ROSpec runs its specs in a loop until its stop trigger, here none). `reportEveryTags` reports sooner.
 */
import type { LlrpSourceConfig } from './config.js';

type Spec = Pick<LlrpSourceConfig, 'antennas' | 'rospecId' | 'reportEveryTags' | 'reportEveryMs'>;

/** The fields each TagReportData carries: antenna, peak RSSI and first-seen time (the read's device time). */
const CONTENT = {
  EnableROSpecID: false,
  EnableSpecIndex: false,
  EnableInventoryParameterSpecID: false,
  EnableAntennaID: true,
  EnableChannelIndex: false,
  EnablePeakRSSI: true,
  EnableFirstSeenTimestamp: true,
  EnableLastSeenTimestamp: false,
  EnableTagSeenCount: false,
  EnableAccessSpecID: false,
};

/** ADD_ROSPEC's data. */
export function addRospecData(c: Spec): Record<string, unknown> {
  const antennaIds = [...new Set(c.antennas.map((a) => a.id))].sort((a, b) => a - b);
  return {
    ROSpec: {
      ROSpecID: c.rospecId,
      Priority: 0,
      CurrentState: 'Disabled',
      ROBoundarySpec: {
        ROSpecStartTrigger: { ROSpecStartTriggerType: 'Null' },
        ROSpecStopTrigger: { ROSpecStopTriggerType: 'Null', DurationTriggerValue: 0 },
      },
      AISpec: {
        AntennaIDs: antennaIds,
        AISpecStopTrigger: c.reportEveryMs > 0
          ? { AISpecStopTriggerType: 'Duration', DurationTrigger: c.reportEveryMs }
          : { AISpecStopTriggerType: 'Null', DurationTrigger: 0 },
        InventoryParameterSpec: { InventoryParameterSpecID: 1, ProtocolID: 'EPCGlobalClass1Gen2' },
      },
      ROReportSpec: { ROReportTrigger: 'Upon_N_Tags_Or_End_Of_AISpec', N: c.reportEveryTags, TagReportContentSelector: CONTENT },
    },
  };
}

/** SET_READER_CONFIG's data: a KEEPALIVE from the reader every `keepaliveMs`, so a dead link is noticed. */
export function keepaliveConfigData(keepaliveMs: number): Record<string, unknown> {
  return { ResetToFactoryDefault: false, KeepaliveSpec: { KeepaliveTriggerType: 'Periodic', PeriodicTriggerValue: keepaliveMs } };
}

/** The set-up after the reader's connection event, in order: each must answer M_Success. */
export function setupSteps(c: Spec & Pick<LlrpSourceConfig, 'keepaliveMs'>): { readonly type: string; readonly data: Record<string, unknown> }[] {
  return [
    { type: 'SET_READER_CONFIG', data: keepaliveConfigData(c.keepaliveMs) },
    // ROSpecID 0 deletes every ROSpec: another client's, or ours from before a restart.
    { type: 'DELETE_ROSPEC', data: { ROSpecID: 0 } },
    { type: 'ADD_ROSPEC', data: addRospecData(c) },
    { type: 'ENABLE_ROSPEC', data: { ROSpecID: c.rospecId } },
    { type: 'START_ROSPEC', data: { ROSpecID: c.rospecId } },
  ];
}
