/**
 * Which events of the agent's other sources make a camera take a photo (config `triggers`). Pure but for the door
 * state it keeps: a door that reports `open` every minute while open is one opening, not one photo a minute.
 */
import type { PhotoTrigger } from '@coldtrace/contract';
import type { SourceEvent } from '../events.js';
import type { CameraTriggerConfig } from './config.js';

export class TriggerMatcher {
  private readonly doorOpen = new Map<string, boolean>();

  constructor(private readonly triggers: readonly CameraTriggerConfig[]) {}

  /** The trigger this event fires, or undefined. */
  match(e: SourceEvent): Extract<PhotoTrigger, 'scan' | 'door' | 'shock'> | undefined {
    let fired: 'scan' | 'door' | 'shock' | undefined;
    for (const t of this.triggers) {
      if (t.device !== e.device) continue;
      if (t.on === 'scan' && e.kind === 'scans' && e.reads.length > 0) fired ??= 'scan';
      if (e.kind !== 'readings') continue;
      if (t.on === 'shock' && e.readings.some((r) => r.metric === 'shock.peak' && typeof r.value === 'number' && r.value >= t.minG)) fired ??= 'shock';
      if (t.on === 'door') {
        for (const r of e.readings.filter((x) => x.metric === 'door.open').sort((a, b) => a.time - b.time)) {
          const open = r.value === true || r.value === 1;
          if (open && this.doorOpen.get(e.device) !== true) fired ??= 'door';
          this.doorOpen.set(e.device, open);
        }
      }
    }
    return fired;
  }
}
