/** The milestones the evidence showed per shipment (domain/shipments/milestones.ts), kept with when each was recorded. */
import type { Milestone } from '../domain/shipments/milestones.js';

export interface RecordedMilestone extends Milestone {
  /** Gateway time it was first recorded, or last moved, ms. */
  readonly recordedAt: number;
}

export interface MilestoneStore {
  /**
   * Upserts a shipment's milestones by (kind, place) and answers those that are new or whose moment moved: what the
   * order hub is to be told. Milestones recorded before and not shown now are kept (a milestone is a fact once seen).
   */
  record(shipment: string, milestones: readonly Milestone[], at: number): Promise<Milestone[]>;
  /** A shipment's milestones in time order. */
  ofShipment(shipment: string): Promise<RecordedMilestone[]>;
}
