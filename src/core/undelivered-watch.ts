/**
 * Whether Realtime delivers the changes revalidation finds, for one live query
 * (src/core/live-query.ts, item 10). A held row that a revalidation round finds newer must arrive
 * over Realtime within the grace ({@link LATE_MS}); if it does not, the channel is not delivering
 * (its table taken out of the publication, its server-side subscription lost, replication
 * stalled): the query is off Live with that cause (`server`, detail `realtime-undelivered`) and
 * its channel joins again.
 *
 * The cause ends when:
 * - a change arrives over Realtime ({@link deliversAgain}; to any query on the table, through the
 *   client's shared {@link RealtimeLag});
 * - the channel has joined again and a round finds nothing owed — once: found again with no change
 *   delivered in between, the cause is `persistent` and only a delivered change ends it, as a quiet
 *   round cannot tell a stalled table from a quiet one (QA30 1);
 * - the channel is refused or fails: that cause is named instead.
 *
 * The other queries on the table take the cause too ({@link follow}) until a change to the table is
 * delivered or the query that found it clears it; each also clears it after a join and a round
 * that finds nothing owed. When the finder stops, its cause stays with the table, `orphaned`, and
 * the first of the others to clear it clears it for all (QA30 4). Framework-free.
 */
import type { MonitoredTable, RtError } from './types.js';
import { rtError } from './errors.js';
import { LATE_MS, type RealtimeLag } from './realtime-lag.js';

/** What the watch needs of its query. */
export interface UndeliveredWatchHost {
  /** Shared by the client's queries: the table's cause, and the marks that decide who ends it. */
  readonly lag: RealtimeLag;
  /** The query's table (called only once the query is resolved). */
  table(): MonitoredTable;
  /** The query's channel epoch now (one per join). */
  epoch(): number;
  /** Whether revalidation reads the query's rows (LiveQueryStore.checked): live, or off Live for this cause. */
  checked(): boolean;
  /** The cause changed (or the table's shared one may have): the query goes off Live or back. */
  changed(): void;
  /** Join the table's channel again (LiveSource.rejoin; it warns when it does). */
  rejoin(table: MonitoredTable): void;
  /** How long a change revalidation found may take to arrive over Realtime (ms; default {@link LATE_MS}). */
  readonly graceMs?: number;
}

export class UndeliveredWatch {
  /** Keys of rows revalidation found newer, whose change Realtime has yet to deliver, to the round that found them. */
  readonly #awaited = new Map<string, Set<string>>();
  #cause: RtError | null = null;
  /** The channel epoch in which a change last went undelivered. */
  #epoch = -1;
  /** The cause is another query's on this table (RealtimeLag.undelivered), not this one's evidence. */
  #adopted = false;
  /** The table's shared cause last followed: each is taken once. */
  #followed: RtError | null = null;

  constructor(private readonly host: UndeliveredWatchHost) {}

  /** Why Realtime is not delivering to this query's table (`server`, detail `realtime-undelivered`), or null. */
  get cause(): RtError | null {
    return this.#cause;
  }

  /**
   * A revalidation round in channel `epoch` found the rows under `found` (keys) newer than held,
   * and held now as the server has them: Realtime owes their changes. Each round's keys have their
   * own grace (QA23: a later round's cut short by an earlier one's).
   */
  round(found: Set<string>, epoch: number): void {
    const { lag } = this.host;
    for (const key of found) this.#awaited.set(key, found);
    // Joined again since the change went undelivered, and nothing is owed now: no evidence left
    // against delivery (QA25: a table put back in the publication, then quiet, read "not arriving").
    // Not a second time without a delivered change in between (QA30 1).
    const cause = this.#cause;
    if (cause && !this.#awaited.size && epoch !== this.#epoch && !lag.persistent.has(cause)) {
      lag.unconfirmed.add(this.host.table());
      this.deliversAgain();
    }
    if (found.size) setTimeout(() => this.#graceOver(found, epoch), this.host.graceMs ?? LATE_MS);
  }

  /** A change to the row under `key` arrived over Realtime: it is owed no more. */
  arrived(key: string | null): void {
    if (key !== null) this.#awaited.delete(key);
  }

  /** Changes arrived under keys that cannot be told apart (rounded): the rows are read again, nothing is owed. */
  forgetOwed(): void {
    this.#awaited.clear();
  }

  /** No longer owed a change; the table's shared cause goes too when it is this query's (or orphaned). */
  deliversAgain(): void {
    const { lag } = this.host;
    const table = this.host.table();
    const cause = this.#cause;
    if (cause && (!this.#adopted || lag.orphaned.has(cause)) && lag.undelivered.get(table) === cause) lag.markUndelivered(table, null);
    this.#cause = null;
    this.#adopted = false;
    this.host.changed();
  }

  /**
   * Take the table's shared cause (another query on it found Realtime not delivering), its epoch
   * noted so that a join and a clean round clear it; or drop it, when a change delivered to the
   * table or the query that found it ended it.
   */
  follow(): void {
    const { lag } = this.host;
    const shared = lag.undelivered.get(this.host.table()) ?? null;
    const before = this.#followed;
    if (shared === before) return;
    this.#followed = shared;
    if (shared && !this.#cause) {
      this.#cause = shared;
      // Its finder gone, the rejoin it asked for may be over: the next round that owes nothing clears it.
      this.#epoch = lag.orphaned.has(shared) ? -1 : this.host.epoch();
      this.#adopted = true;
    } else if (!shared && before && this.#cause === before) {
      this.#cause = null;
      this.#adopted = false;
    }
  }

  /** The query stops: its own evidence stays with the table's other queries, which may now clear it. */
  stop(): void {
    if (this.#cause && !this.#adopted) this.host.lag.orphaned.add(this.#cause);
  }

  /** The grace for a round's changes is over: any still owed means the channel is not delivering. */
  #graceOver(found: Set<string>, epoch: number): void {
    let owed = false;
    // Only this round's: a later round may have found the row newer again since its delivery.
    for (const key of found) if (this.#awaited.get(key) === found) owed = this.#awaited.delete(key);
    const { host } = this;
    // Not when the channel joined again meanwhile (its re-read covers it) or Realtime is known to run behind.
    if (!owed || !host.checked() || host.epoch() !== epoch || host.lag.cause) return;
    // Named until a change arrives over Realtime, or a round after a rejoin owes nothing: a rejoin
    // alone proves nothing (a stalled replication joins fine).
    const table = host.table();
    this.#epoch = epoch;
    this.#adopted = false; // its own evidence now
    if (!this.#cause) {
      // Found again after a quiet round had cleared it: held until a change is delivered.
      const again = host.lag.unconfirmed.has(table);
      this.#cause = rtError(
        'server',
        `Realtime has not sent a change to "${table}" that the database has: live updates are late or not arriving. Joining again; its rows are read over REST ${again ? 'until a change arrives over Realtime' : 'meanwhile'}.`,
        'realtime-undelivered',
      );
      if (again) host.lag.persistent.add(this.#cause);
    }
    host.changed();
    host.lag.markUndelivered(table, this.#cause); // the table's other queries take it (QA29 M2)
    host.rejoin(table);
  }
}
