/**
 * PUBACKs of one connection, released in the order their PUBLISHes arrived (MQTT 5.0 §4.6, [MQTT-4.6.0-2]: a client
 * sends PUBACK packets in the order the corresponding PUBLISH packets were received).
 *
 * Many messages of one connection are in flight at once (they join one group commit), and their commits can end
 * out of order: the backlog lane of the write batcher takes at most a share of each commit, so a replayed message can
 * finish after a live one that arrived later. A finished message therefore waits until every message received
 * before it on its connection is finished too.
 *
 * Pure bookkeeping: `send` is called with the message ids to acknowledge, in order; the caller writes the packets.
 */
export class InOrderAcks {
  /** Message ids in arrival order, with whether their outcome is durable yet. */
  private readonly queue: { readonly messageId: number; done: boolean }[] = [];
  private head = 0;

  constructor(private readonly send: (messageId: number) => void) {}

  /** Messages received and not yet acknowledged. */
  get inFlight(): number {
    return this.queue.length - this.head;
  }

  /** A PUBLISH arrived; returns the handle to pass to `done` once its outcome is durable. */
  received(messageId: number): { readonly messageId: number; done: boolean } {
    const entry = { messageId, done: false };
    this.queue.push(entry);
    return entry;
  }

  /** The message's outcome is durable: acknowledges it and every finished message behind it, in arrival order. */
  done(entry: { readonly messageId: number; done: boolean }): void {
    entry.done = true;
    while (this.head < this.queue.length && this.queue[this.head]!.done) {
      this.send(this.queue[this.head]!.messageId);
      this.head++;
    }
    // Compact once the released prefix is large: the queue stays as long as the window, not the connection's life.
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
  }

  /** Forgets every message (the connection is gone: the broker re-sends what was not acknowledged). */
  clear(): void {
    this.queue.length = 0;
    this.head = 0;
  }
}
