/**
 * Snapshot reading for one live query: reads the rows (and the count, when one is kept) over REST,
 * buffers the changes that arrive while a read is in flight so they can be re-applied on top of the
 * snapshot, drops a read overtaken by a newer one, retries a failed read with backoff, re-reads
 * when the channel is confirmed again or asks for it, and shortly after a full window lost a row
 * (refill). No merging, no phase, no notification: {@link LiveQueryStore} does those with what
 * the callbacks hand it.
 */
import type { ChannelState, CountResult, RowChange, SnapshotResult } from './client-types.js';
import type { RtError } from './types.js';
import { messageOf, rtError, waitsForToken } from './errors.js';
import { retryDelay } from './retry.js';

/** A full window lost a row: re-read after this long (ms) to pull the next one in. */
const REFILL_DELAY_MS = 250;

export interface SnapshotReaderOptions<R> {
  /** Reads the rows; a throw counts as a `server` error. */
  select: () => Promise<SnapshotResult<R>>;
  /** Reads the count along with the rows (UnreadCount.readWithSnapshot); undefined when none is kept. */
  count: () => Promise<CountResult> | undefined;
  /** The channel epoch a read starting now belongs to (QueryPhase.readEpoch). */
  epoch: () => number;
  /**
   * The latest read landed: its rows, the changes that arrived while it was in flight (in arrival
   * order), the count read with it (null: none kept) and the epoch it started in.
   */
  read: (rows: R[], buffered: RowChange<R>[], count: CountResult | null, epoch: number) => void;
  /** The latest read failed (a retry is scheduled); `count` as for `read`. */
  failed: (error: RtError, count: CountResult | null) => void;
  /** Retry delays for failed reads (ms); the last one repeats. */
  retryDelays?: number[];
  /** Epoch ms before which the server asked not to be read from (the REST source's `Retry-After`). */
  holdUntil?: () => number;
  /** The channel asks for a quiet re-read: a change came it could not send whole, or it moved (ChannelState.reread). */
  quiet?: () => void;
}

export class SnapshotReader<R> {
  /** Changes that arrived while a read is in flight (null: no read in flight). */
  #buffer: RowChange<R>[] | null = null;
  #seq = 0;
  #retries = 0;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #refillTimer: ReturnType<typeof setTimeout> | undefined;
  /** A refill read is in flight. */
  #refilling = false;
  /** The channel's last `reread` (ChannelState.reread): a new value asks for a quiet re-read. */
  #reread = 0;
  /** The channel epoch the latest read failed in (null: it did not fail): its retry (or a new token) reads next. */
  #failedIn: number | null = null;
  /** The latest read was refused for want of a signed-in user: a channel joining changes nothing of that. */
  #signedOut = false;
  #stopped = false;

  readonly #options: SnapshotReaderOptions<R>;

  constructor(options: SnapshotReaderOptions<R>) {
    this.#options = options;
  }

  /** Whether a read was ever started. */
  get started(): boolean {
    return this.#seq > 0;
  }

  /** Whether a read is in flight (changes are being buffered). */
  get reading(): boolean {
    return this.#buffer !== null;
  }

  /** Whether a refill is scheduled or in flight. */
  get refilling(): boolean {
    return this.#refillTimer !== undefined || this.#refilling;
  }

  /** A change arrived: kept for re-applying when a read is in flight. */
  note(change: RowChange<R>): void {
    this.#buffer?.push(change);
  }

  /**
   * Read now (a pending retry is cancelled), or when the server asked to wait until (a 429's
   * `Retry-After`). A read still in flight is overtaken: its result is dropped. Resolves once this
   * read's result was handed on (or dropped, or the read put off); never rejects.
   */
  async read(): Promise<void> {
    if (this.#stopped) return;
    const options = this.#options;
    clearTimeout(this.#retryTimer);
    const until = options.holdUntil?.() ?? 0;
    const wait = until - Date.now();
    if (wait > 0) {
      this.#retryTimer = setTimeout(() => void this.read(), wait);
      // Said, not only waited out (QA27: a widget added meanwhile read "Loading…" for the whole
      // wait), unless a read in flight will say how it went.
      if (this.reading) return;
      // No seconds in the words: they would stand still while the wait runs down (QA38: "reading
      // again in 10 s" for 20 s). When it ends is `retryAt`.
      const held = rtError('server', 'The server asked to wait before the next request (Retry-After); reading again as soon as it allows.', 'busy');
      return options.failed(Object.assign(held, { retryAt: until }), null);
    }
    const seq = ++this.#seq;
    const epoch = options.epoch();
    this.#buffer = [];
    const [result, count] = await Promise.all([
      Promise.resolve()
        .then(options.select)
        .catch((err): SnapshotResult<R> => ({ rows: null, error: rtError('server', messageOf(err)) })),
      options.count() ?? null,
    ]);
    if (this.#stopped || seq !== this.#seq) return;
    const buffered = this.#buffer ?? [];
    this.#buffer = null;
    // A count its configuration refuses (your table lacks a column it filters on, say `read`)
    // fails the read too: rows shown with a count that can never be right are not live (QA36).
    const refused = count?.error?.code === 'bad-config' ? count.error : null;
    const failing = result.error !== null || !!refused;
    this.#failedIn = failing ? epoch : null;
    this.#signedOut = failing && result.error?.detail === 'not-signed-in';
    if (!failing) {
      this.#retries = 0;
      return options.read(result.rows!, buffered, count, epoch);
    }
    const error = result.error ?? refused!;
    if (!waitsForToken(error)) this.#scheduleRetry(error.retryAt);
    options.failed(error, count);
  }

  /**
   * The channel's state changed; `due`: its confirmation is newer than the snapshot shown
   * (QueryPhase.channelChanged). Reads when due (reconnected, rejoined: whatever happened meanwhile
   * is re-read), or when the channel asks for a quiet re-read after the first read (moved to another
   * channel while live: changes may have been missed in the hand-over; a change sent as "Error
   * 401"). Not while the latest read failed in this very epoch: its retry, on its back-off, reads
   * anyway (QA38: a page whose role may not read the table got an "Error 401" per change of the
   * table, and read the refused rows again at each: 99 requests in 30 s), nor while it was refused
   * for want of a signed-in user (QA41: a signed-out page read each row twice, 50 ms apart; a
   * sign-in brings a new token, and that reads).
   */
  channel(s: ChannelState, due: boolean): void {
    const reread = s.reread ?? 0;
    const quiet = reread !== this.#reread;
    this.#reread = reread;
    if (quiet && this.started) this.#options.quiet?.();
    if (this.#signedOut || (this.#failedIn !== null && this.#failedIn === (s.ready ? s.epoch : -1))) return;
    if (due || (quiet && s.ready && this.started)) void this.read();
  }

  /** Re-read in {@link REFILL_DELAY_MS} ms (again later while a read is in flight, to read after it). */
  refill(): void {
    clearTimeout(this.#refillTimer);
    this.#refillTimer = setTimeout(() => {
      this.#refillTimer = undefined;
      if (this.#stopped) return;
      if (this.#buffer !== null) return this.refill();
      this.#refilling = true;
      void this.read().finally(() => (this.#refilling = false));
    }, REFILL_DELAY_MS);
  }

  /** No more reads: timers cleared, the result of a read in flight dropped. */
  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#retryTimer);
    clearTimeout(this.#refillTimer);
  }

  /** The next retry, after the backoff or when the server asked (`retryAt`, epoch ms), whichever is later. */
  #scheduleRetry(retryAt = 0): void {
    const delay = Math.max(retryDelay(this.#options.retryDelays, this.#retries++), retryAt - Date.now());
    clearTimeout(this.#retryTimer);
    this.#retryTimer = setTimeout(() => void this.read(), delay);
  }
}
