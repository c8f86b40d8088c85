/**
 * The phase of one live query (`state.phase`) as an explicit state machine.
 *
 *   loading ──snapshot──▶ connecting | live          (live: channel confirmed, snapshot read after it)
 *   live ──channel lost / re-read──▶ stale ──snapshot after the new confirmation──▶ live
 *   any ──resolve failed / single row missing or deleted──▶ error
 *   error (single row deleted) ──row back──▶ connecting | stale | live
 *   live ──a change delivered late (Realtime behind the database)──▶ stale ──caught up──▶ live
 *   live ──a change revalidation found never delivered──▶ stale ──a change delivered──▶ live
 *
 * `live` is only ever claimed when this query's own channel is joined and confirmed AND the
 * snapshot shown was read after that confirmation (epoch check); a query that never was live
 * reads `connecting`, one that was reads `stale`; nor while Realtime delivers its changes late
 * (`late()`): the data is re-read meanwhile, and its cause is the query's error.
 */
import type { ChannelState } from './client-types.js';
import type { LiveQueryPhase, LiveQueryState, RtError } from './types.js';
import { rtError } from './errors.js';

export class QueryPhase {
  phase: LiveQueryPhase = 'loading';
  /** The query's own problem (the channel's error is added at delivery when not live). */
  error: RtError | null = null;
  /** A problem that ends the query until resolved again (its parameters could not be resolved). */
  fatal: RtError | null = null;
  channel: ChannelState = { status: 'connecting', ready: false, epoch: 0, error: null };
  /** The channel epoch the shown snapshot was read in (-1: read while not confirmed). */
  #snapshotEpoch = -1;
  #everLoaded = false;
  #everLive = false;
  /** Realtime delivers this query's changes late, or did not deliver one: the cause, until it does again. */
  #behind: RtError | null = null;

  get behind(): RtError | null {
    return this.#behind;
  }

  /** Whether the channel's confirmation is newer than the snapshot shown (a re-read is due). */
  channelChanged(s: ChannelState): boolean {
    this.channel = s;
    const reread = s.ready && s.epoch !== this.#snapshotEpoch;
    if ((reread || !s.ready) && this.#everLoaded && this.phase === 'live') this.phase = 'stale';
    return reread;
  }

  /** The channel epoch the rows shown were read in (-1: read while not confirmed). */
  get snapshotEpoch(): number {
    return this.#snapshotEpoch;
  }

  /** The epoch a snapshot read starting now belongs to. */
  readEpoch(): number {
    return this.channel.ready ? this.channel.epoch : -1;
  }

  /** A re-read was asked for: a live query is stale until it lands. */
  rereading(): void {
    if (this.#everLoaded && this.phase === 'live') this.phase = 'stale';
  }

  /** The parameters were resolved (again, after `failed`): the phase follows the next snapshot. */
  resolved(): void {
    this.fatal = null;
  }

  failed(error: RtError): void {
    this.fatal = this.error = error;
    this.phase = 'error';
    this.channel = { ...this.channel, status: 'error' };
  }

  snapshotFailed(error: RtError): void {
    this.error = error;
    this.phase = !this.#everLoaded ? 'error' : this.#everLive ? 'stale' : 'connecting';
  }

  /** A snapshot read in `epoch` landed; `missing`: a single-row query found no row. */
  snapshotRead(epoch: number, missing: boolean): void {
    this.#snapshotEpoch = epoch;
    this.#everLoaded = true;
    if (missing) {
      this.phase = 'error';
      this.error = rtError('not-found', 'Not found, or you do not have access to it.');
      return;
    }
    this.error = this.#behind;
    this.phase = this.#settled();
  }

  /**
   * Realtime delivers changes late or not at all (`cause`), or does again (null). Returns whether
   * the phase or error changed.
   */
  late(cause: RtError | null): boolean {
    const was = this.#behind;
    if (cause === was) return false;
    this.#behind = cause;
    // Shown: live, or stale for the cause it replaces.
    const shown = was !== null && this.error === was;
    if (cause && (this.phase === 'live' || shown)) {
      if (this.phase === 'live') this.phase = 'stale';
      this.error = cause;
    } else if (!cause && shown) {
      this.error = null;
      if (this.phase === 'stale') this.phase = this.#settled();
    } else return false;
    return true;
  }

  /**
   * A new token replaced one the server refused: that refusal is no cause any more (QA37 N4: shown
   * again, and raised as `rt-error`, on the way back to Live). The next read says what holds now.
   */
  tokenRenewed(): void {
    if (this.fatal || !this.error || !/^(unauthorized|session-expired)$/.test(this.error.code)) return;
    this.error = null;
    if (this.phase === 'error') this.phase = 'loading';
  }

  /** The single row shown was deleted. */
  deleted(): void {
    this.phase = 'error';
    this.error = rtError('not-found', 'Not found: it was deleted, or the user can no longer see it.');
  }

  /** A single-row query that had lost its row holds one again. */
  rowBack(): void {
    if (this.error?.code !== 'not-found') return;
    this.error = this.#behind;
    this.phase = this.#settled();
  }

  /**
   * What the query's state says (`state.phase`, `.error`, `.status`). A channel that failed for a
   * reason of its own (refused token, no access, too many channels), or a socket that keeps failing
   * to open (Link.failing), is the query's error too: the widget must say why it is not live. The
   * server's own refusal says more than an empty list's "not found or no access"
   * (ResolvedFeed.verifyEmpty), and than Realtime running behind or not delivering (a table taken
   * out of the publication is refused when joined again).
   */
  shown(): Pick<LiveQueryState<unknown>, 'phase' | 'error' | 'status'> {
    const { phase, error: own, fatal, channel } = this;
    const refused = channel.status === 'error' || channel.error?.code === 'network' ? channel.error : null;
    const yields = refused && own && ((own.code === 'not-found' && refused.code === 'forbidden') || own === this.#behind);
    const error = (yields ? refused : own) ?? (phase !== 'live' ? refused : null);
    return { phase, error, status: fatal ? 'error' : channel.status };
  }

  #settled(): LiveQueryPhase {
    if (this.channel.ready && this.#snapshotEpoch === this.channel.epoch) {
      this.#everLive = true;
      return this.#behind ? 'stale' : 'live';
    }
    return this.#everLive ? 'stale' : 'connecting';
  }
}
