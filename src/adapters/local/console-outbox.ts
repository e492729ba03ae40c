/**
 * Events and notifications on the embedded stack: written as one line each to a sink (stderr by
 * default) and kept in memory (the last 500) for the local API and tests. What goes to the
 * terminal is neutralised (src/core/safe-text.ts); what is kept is as given.
 */
import type { EventPublisher, Notifier } from '../../core/ports.js';
import type { RunRecord } from '../../core/run.js';
import { safeLine } from '../../core/safe-text.js';

export interface OutboxEntry {
  kind: 'event' | 'notification';
  at: string;
  detailType?: string;
  subject?: string;
  body: unknown;
}

export class ConsoleOutbox implements EventPublisher, Notifier {
  readonly entries: OutboxEntry[] = [];

  constructor(
    private readonly sink: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
    private readonly keep = 500,
  ) {}

  async publish(events: Array<{ detailType: string; detail: Record<string, unknown>; resources?: string[] }>): Promise<void> {
    for (const e of events) {
      this.add({ kind: 'event', at: new Date().toISOString(), detailType: e.detailType, body: e.detail });
      this.sink(safeLine(`[event] ${e.detailType} ${JSON.stringify({ runId: e.detail['runId'], decision: e.detail['decision'] })}`));
    }
  }

  async notify(message: { subject: string; text: string; run: RunRecord }): Promise<void> {
    this.add({ kind: 'notification', at: new Date().toISOString(), subject: message.subject, body: message.text });
    this.sink(safeLine(`[notify] ${message.subject}`));
  }

  private add(entry: OutboxEntry): void {
    this.entries.push(entry);
    if (this.entries.length > this.keep) this.entries.splice(0, this.entries.length - this.keep);
  }
}
