/**
 * Broadcast mode: whether a table's topic is wider than its read policy (QA52 F1). Realtime
 * authorizes a private topic once, at join, and sends every change on it to every member: a topic
 * that reaches users the table's Row Level Security hides rows from (`org:<team>` on a table
 * readable only by each row's owner; soft-deleted rows the policy hides) shows those users rows
 * they may not read, "Live". The documented rule is that the topic *is* the read policy
 * (docs/core.md, "Your own tables in Broadcast mode"); this part notices when it is not.
 *
 * The evidence is revalidation's (src/core/live-hub.ts): held rows the server no longer returns
 * by key, under the user's RLS ({@link left}). Each is explained when its `DELETE` arrives over
 * the topic within {@link LATE_MS} ({@link delivered}: deleted, or moved to another topic, which
 * the trigger sends as a `DELETE` to the old one). After that grace, for each row left
 * unexplained, the server is asked whether the user may still read the row's topic
 * (`rt_can_read_topic`, the very function of the topics' policy):
 * - yes: the topic sends rows the read policy hides, and the table is refused with that cause
 *   (`bad-config`, detail `broadcast-topic`): its widgets leave the topic, read over REST, and
 *   say why instead of "Live" (until the page is loaded again, after the table is put right);
 * - no, unknown, or no topic id: access was lost (a membership removed), and every channel joins
 *   again so that the server decides again ({@link TopicAuditHost.reconnect}).
 * Not while Realtime runs behind (a `DELETE` may be late): then it only joins again.
 * Framework-free.
 */
import type { RowChange } from './client-types.js';
import type { RtError } from './types.js';
import { rtError } from './errors.js';
import { LATE_MS } from './realtime-lag.js';
import { rowKey, type StoreRow } from './row-window.js';

/** What the audit needs of its client. */
export interface TopicAuditHost {
  /** The topic `row` of `table` (standard names) is sent to (`org:<id>`, `user:<id>`), or null. */
  topicOf(table: string, row: StoreRow): string | null;
  /** Whether the user may read `topic` now (`rt_can_read_topic`), or null when that could not be read. */
  canRead(topic: string): Promise<boolean | null>;
  /** Whether Realtime runs behind (src/core/realtime-lag.ts). */
  behind(): boolean;
  /** `table`'s subscriptions are refused with `error`. */
  refuse(table: string, error: RtError): void;
  /** Every channel joins again (the server authorizes each topic again). */
  reconnect(): void;
  /** How long a `DELETE` may take to arrive (ms; default {@link LATE_MS}). */
  readonly graceMs?: number;
}

export class TopicAudit {
  /** Rows revalidation found gone, by table, by key, until their `DELETE` arrives or the grace ends. */
  readonly #gone = new Map<string, Map<string, StoreRow>>();
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly host: TopicAuditHost) {}

  /** Revalidation found these held rows (by table, standard names) no longer returned over REST. */
  left(gone: ReadonlyMap<string, readonly StoreRow[]>): void {
    for (const [table, rows] of gone) {
      const held = this.#gone.get(table) ?? new Map<string, StoreRow>();
      this.#gone.set(table, held);
      for (const row of rows) held.set(rowKey(row)!, row);
    }
    this.#timer ??= setTimeout(() => void this.#judge(), this.host.graceMs ?? LATE_MS);
  }

  /** A change of `table` arrived over Realtime: a `DELETE` explains its row's absence. */
  delivered(table: string, change: RowChange<StoreRow>): void {
    if (change.type === 'DELETE') this.#gone.get(table)?.delete(rowKey(change.old)!);
  }

  dispose(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#gone.clear();
  }

  async #judge(): Promise<void> {
    this.#timer = undefined;
    const gone = [...this.#gone];
    this.#gone.clear();
    const { host } = this;
    let rejoin = false;
    for (const [table, rows] of gone) {
      if (!rows.size) continue; // each one's DELETE arrived: deleted, or moved to another topic
      if (host.behind()) {
        rejoin = true;
        continue;
      }
      const topics = new Set<string>();
      for (const row of rows.values()) topics.add(host.topicOf(table, row) ?? '');
      for (const topic of topics) {
        if (topic && (await host.canRead(topic))) {
          host.refuse(
            table,
            rtError(
              'bad-config',
              `Broadcast mode: the topic "${topic}" sends rows of "${table}" that its read policy (RLS) hides from this user. A table's topic must be its read policy, or the table stays on postgres_changes (docs: "Your own tables in Broadcast mode"). Reload once it is put right.`,
              'broadcast-topic',
            ),
          );
        } else rejoin = true;
      }
    }
    if (rejoin) host.reconnect();
  }
}
