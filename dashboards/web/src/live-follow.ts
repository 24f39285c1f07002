/**
 * Follows one of the gateway's live streams (Server-Sent Events, GET /api/v1/live/..., issue #16): each `change`
 * notice says what kind of thing changed and the view reads it again. EventSource sends the session cookie and
 * reconnects by itself; the status line says whether updates flow. One stream per view shown, closed on leaving it.
 */

export type LiveKind = 'flag' | 'milestone' | 'custody' | 'status' | 'position' | 'reading';

export interface LiveNotice {
  readonly kinds: readonly LiveKind[];
  readonly shipments: readonly string[];
  /** Gateway time, ms. */
  readonly at: number;
}

/** The words of the status line, by the stream's state. */
export const LIVE_TEXT = {
  connecting: 'Live updates: connecting…',
  live: 'Live: new fixes, shocks, flags, milestones and custody moves appear as they happen.',
  down: 'Live updates paused: the gateway cannot be reached; trying again. Refresh reads it now.',
} as const;

export class LiveFollow {
  private source: EventSource | undefined;

  constructor(
    private readonly url: string,
    private readonly changed: (n: LiveNotice) => void,
    /** Where the state is written (text and `data-live`), if anywhere. */
    private readonly status?: HTMLElement,
  ) {}

  start(): void {
    this.stop();
    this.show('connecting');
    const s = new EventSource(this.url);
    this.source = s;
    s.addEventListener('ready', () => this.show('live'));
    s.addEventListener('change', (e) => {
      this.show('live');
      let n: LiveNotice;
      try {
        n = JSON.parse((e as MessageEvent<string>).data) as LiveNotice;
      } catch {
        return; // not ours: a proxy's page; the next notice or a reconnect tells again
      }
      if (this.status !== undefined) this.status.dataset['updated'] = String(n.at);
      this.changed(n);
    });
    s.addEventListener('error', () => this.show(s.readyState === EventSource.CLOSED ? 'down' : 'connecting'));
  }

  stop(): void {
    this.source?.close();
    this.source = undefined;
  }

  private show(state: keyof typeof LIVE_TEXT): void {
    if (this.status === undefined || this.status.dataset['live'] === state) return;
    this.status.dataset['live'] = state;
    this.status.textContent = LIVE_TEXT[state];
  }
}
