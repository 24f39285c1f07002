/** Durable log of node and device status messages (birth, death, stale, error): evidence of when data could not exist. */
export interface StatusEvent {
  readonly receivedAt: number;
  readonly site: string;
  readonly node: string;
  /** null for node status. */
  readonly device: string | null;
  readonly state: string;
  /** Device time of the status, ms. */
  readonly time: number;
  /** The validated status message as JSON. */
  readonly body: string;
}

export interface StatusLog {
  append(e: StatusEvent): Promise<void>;
  list(filter: { device?: string; node?: string; limit: number }): Promise<StatusEvent[]>;
}
