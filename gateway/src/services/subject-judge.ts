/**
 * How one rules round judges a subject (rules-round.ts `Judge`), and what a judgement leaves behind beside its
 * findings: for a batch what the triage of its next readings needs (triage-state.ts), for a shipment the GPS fixes
 * its trackers' track drops (dropped-fixes.ts). Kept only once judged: the round's planning pass calls `findingsOf`
 * too, on no readings. A batch whose readings retention folded keeps the excursions judged on them while raw.
 */
import type { Finding, Subject } from '../domain/flags/types.js';
import { batchFindings } from '../domain/rules/batch-findings.js';
import type { GpsResult } from '../domain/rules/gps.js';
import { knownFindings, type KnownFindings } from '../domain/rules/triage.js';
import { keepFolded } from '../domain/rules/folded.js';
import type { FlagStore } from '../ports/flags.js';
import type { Milestone } from '../domain/shipments/milestones.js';
import type { DroppedFixes } from './dropped-fixes.js';
import type { RuleInputs } from './rule-inputs.js';
import type { Judge } from './rules-round.js';
import type { SeriesCache } from './series-cache.js';
import type { TriageState } from './triage-state.js';

export class SubjectJudge implements Judge {
  private readonly known = new Map<string, KnownFindings>();
  private readonly dropped = new Map<string, GpsResult['dropped']>();
  private readonly shown = new Map<string, { milestones: Milestone[]; orders: string[] }>();

  constructor(
    private readonly inputs: (cache: SeriesCache) => RuleInputs, private readonly triage: TriageState, private readonly droppedFixes: DroppedFixes,
    private readonly flags: Pick<FlagStore, 'list'>,
    /** Told a judged shipment's milestones and the orders it serves (services/milestones.ts). */
    private readonly milestones?: (shipment: string, milestones: readonly Milestone[], orders: readonly string[]) => void,
    /** A batch's findings from its scans (services/scan-findings.ts). */
    private readonly scanFindings?: (subject: Subject) => Promise<Finding[]>,
    /** A device's calibration reminders and overdue flag (services/calibration-due.ts). */
    private readonly calibrationFindings?: (device: string, nowMs: number) => Promise<Finding[]>,
  ) {}

  readonly findingsOf = async (s: Subject, now: number, cache: SeriesCache): Promise<Finding[]> => {
    const inputs = this.inputs(cache);
    if (s.kind === 'shipment') {
      const j = await inputs.shipment(s.id, now);
      this.dropped.set(s.id, j.dropped);
      this.shown.set(s.id, { milestones: j.milestones, orders: j.orders });
      return j.findings;
    }
    if (s.kind === 'device' && this.calibrationFindings !== undefined) return [...await inputs.findings(s, now), ...await this.calibrationFindings(s.id, now)];
    if (s.kind !== 'batch') return inputs.findings(s, now);
    const scans = (await this.scanFindings?.(s)) ?? [];
    const input = await inputs.batchInput(s.id, now);
    if (input === undefined) return scans;
    // Readings folded by retention: their excursions stay as judged while raw (domain/rules/folded.ts).
    const folded = input.series.reduce((m, x) => Math.max(m, x.rolledBeforeMs ?? -Infinity), -Infinity);
    const raw = batchFindings(input);
    const findings = Number.isFinite(folded) ? keepFolded(await this.flags.list({ subject: s, limit: 10_000 }), raw, folded) : raw;
    this.known.set(s.id, knownFindings(input, findings));
    return scans.length === 0 ? findings : [...findings.filter((f) => !f.rule.startsWith('scan/')), ...scans];
  };

  readonly judged = (s: Subject, findings: readonly Finding[]): void => {
    this.triage.judged(s, findings, this.known.get(s.id));
    if (s.kind !== 'shipment') return;
    this.droppedFixes.judged(s.id, this.dropped.get(s.id) ?? []);
    const shown = this.shown.get(s.id);
    if (shown !== undefined && shown.milestones.length > 0) this.milestones?.(s.id, shown.milestones, shown.orders);
  };
}
