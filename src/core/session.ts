/**
 * The user's session as a client sees it: where tokens come from ({@link TokenSource}), whether
 * the session has expired with no way to renew it, and handing fresh tokens to the realtime
 * client. Owns the `onSessionExpired` / `onUserChange` listeners of the public client API.
 */
import type { RealtimeClientLike, SupabaseLike } from './supabase-like.js';
import type { RtError } from './types.js';
import { msLeft, TokenSource, type AccessTokenOption } from './tokens.js';
import { tokenUserId } from './jwt.js';
import { isTokenProblem, messageOf, rtError } from './errors.js';
import { RETRY_DELAYS_MS, retryDelay } from './retry.js';

/**
 * Waits (ms) before the host is asked again (`onSessionExpired`) when the tokens it handed over are
 * refused in a row, without the connection being healthy in between: after the first refusal at
 * once, then after each of these (the last repeats). A host that answers with a refused or expired
 * token is not asked again and again in a loop (QA35: 658 events and 933 refused reads in 10 s).
 */
export const ASK_AGAIN_MS = RETRY_DELAYS_MS;

export interface SessionEvents {
  /** Something that the connection status derives from changed. */
  changed(): void;
  /** A token arrived after the session had expired: rejoin what waited, re-read what is not live. */
  renewed(): void;
}

/**
 * A refusal as expired of a fixed token with more than this left (ms) on our clock is that of a
 * token since replaced (the join answered after a new one was handed over); one with less is its own.
 */
export const STALE_REFUSAL_MS = 5000;

/**
 * A source's token with less than this left (ms) at a watchdog tick (every 2.5 s) has its
 * successor handed to realtime at once, not at the next heartbeat ({@link Session.checkExpiry}).
 */
export const HAND_OVER_MS = 6000;

/**
 * A source's token refused as expired while its `exp` is more than {@link STALE_REFUSAL_MS} ahead,
 * and answered again by the source: joined again with, and the source asked again, for this long
 * (ms) from its first refusal before the session is called expired.
 */
export const EARLY_REFUSAL_MS = 10_000;

export class Session {
  readonly tokens: TokenSource;
  /** Why the token is not usable (expired / refused and not renewable), or null. */
  error: RtError | null = null;
  #realtime: RealtimeClientLike | null = null;
  #refreshing: Promise<boolean> | null = null;
  #auth: Promise<unknown> | null = null;
  /** `onSessionExpired` was called for the current expiry (once until a new token arrives). */
  #announced = false;
  /** The session failed this often in a row, the connection never healthy in between ({@link ASK_AGAIN_MS}). */
  #failedInARow = 0;
  /** The token in hand when the session last failed: handed back unchanged, it is not tried again. */
  #failedWith: string | null = null;
  #askTimer: ReturnType<typeof setTimeout> | undefined;
  /** The token in hand first refused as expired with its `exp` ahead, and when (Date.now()); cleared once the connection is healthy. */
  #earlyRefusal: { token: string; at: number } | null = null;
  readonly #expiredListeners = new Set<(error: RtError) => void>();
  readonly #userListeners = new Set<(userId: string | null) => void>();

  constructor(
    option: AccessTokenOption,
    host: SupabaseLike | undefined,
    private readonly events: SessionEvents,
  ) {
    this.tokens = new TokenSource(option, host);
    // The connection's detail names a token source that fails (client.ts, lastError).
    this.tokens.onFailureChange = () => events.changed();
    this.tokens.onUserChange = (user) => {
      for (const cb of [...this.#userListeners]) cb(user);
    };
  }

  /** The realtime client tokens are handed to (set once it exists). */
  attach(realtime: RealtimeClientLike): void {
    this.#realtime = realtime;
  }

  get expired(): boolean {
    return this.error?.code === 'session-expired';
  }

  /**
   * Why the session makes the whole connection an error (expired, or refused and not renewable:
   * channels park, reads wait for a new token), or null.
   */
  get failed(): RtError | null {
    const { error, tokens } = this;
    // Refused and not renewable: a fixed token, or a source that answered with the very token
    // refused (`token-rejected`): until it gives another (QA37: never settled, asked in a loop).
    return error && (error.code === 'session-expired' || (error.code === 'unauthorized' && (!tokens.refreshable || error.detail === 'token-rejected'))) ? error : null;
  }

  onExpired(callback: (error: RtError) => void): () => void {
    this.#expiredListeners.add(callback);
    return () => this.#expiredListeners.delete(callback);
  }

  onUserChange(callback: (userId: string | null) => void): () => void {
    this.#userListeners.add(callback);
    return () => this.#userListeners.delete(callback);
  }

  /** The user's token handed to realtime before the first join (once; later ones flow by themselves). */
  ready(): Promise<unknown> {
    this.#auth ??= (async () => {
      try {
        const token = await this.tokens.get();
        if (token && this.#realtime && this.#realtime.accessTokenValue !== token) await this.#realtime.setAuth(token);
      } catch {
        /* joins then run with the API key; a refused token is handled on the channel */
      }
    })();
    return this.#auth;
  }

  /**
   * A token handed over by the host (same user): use it from now on. The token the session just
   * failed with, handed back unchanged, is not sent again (the server would refuse it again), nor is
   * one already past its expiry: the session stays failed, and the host is asked again after the
   * next wait of {@link ASK_AGAIN_MS}.
   */
  set(token: string | null): void {
    const failed = this.failed;
    if (failed && token !== null && token === this.#failedWith) {
      this.#announced = false;
      return void this.#fail(failed);
    }
    this.tokens.set(token);
    this.error = null;
    this.#announced = false;
    clearTimeout(this.#askTimer);
    if (token && this.tokens.expired) return void this.expire('the access token handed over has already expired');
    void (async () => {
      try {
        if (this.#realtime && token) await this.#realtime.setAuth(token);
      } catch {
        /* a refused token shows up on the channels */
      }
      this.events.renewed();
      this.events.changed();
    })();
    this.events.changed();
  }

  /** The client was disposed: no ask waits any more. */
  dispose(): void {
    this.tokens.close();
    clearTimeout(this.#askTimer);
    this.#expiredListeners.clear();
  }

  /** The connection has been up: whatever token error there was is over. */
  clearError(): void {
    this.error = this.#earlyRefusal = null;
    this.#failedInARow = 0;
  }

  /**
   * The server refused the token and asking again cannot renew it. An expiry ({@link expire}) only
   * when the server says so or the token's `exp` has passed on the server's clock; otherwise the
   * token was rejected (a token of another project, malformed): `unauthorized`, detail
   * `token-rejected` (QA22 F10: "Session expired" over a token valid for another hour). The host is
   * asked for a new token all the same (`onSessionExpired`, with this error).
   */
  refused(reason: string, token: string | null | undefined = this.tokens.current): RtError {
    // The refusal of a token since replaced (a read answered after the page handed over a new one,
    // judged after it arrived): no failure of the session now in hand (CI15: a good token handed
    // over after an expired one stayed "Session expired" for good).
    if (token !== this.tokens.current) return rtError('unauthorized', reason);
    return /expired/i.test(reason) || this.tokens.expired ? this.expire(reason) : this.#fail(rtError('unauthorized', reason, 'token-rejected'));
  }

  /**
   * The session has expired and cannot be renewed by asking again: say so (`session-expired`),
   * and tell the host once (`onSessionExpired`) so it can hand over a new token.
   */
  expire(reason: string): RtError {
    // Realtime's "Token has expired 3 seconds ago" stands still in a title for as long as the
    // session stays expired (QA40: "0 seconds ago" half a minute later): the count is dropped.
    reason = reason.replace(/\s+\d+\s+seconds?\s+ago/i, '');
    const error = rtError(
      'session-expired',
      this.tokens.refreshable
        ? `The session has expired and no fresh token could be obtained (${reason}).`
        : `The session has expired (${reason}). Give a new access token: answer the rt-session-expired event, set accessToken, or call setAccessToken().`,
    );
    return this.#fail(error);
  }

  /** The session cannot go on with its token: `error`, told to the host once (`onSessionExpired`). */
  #fail(error: RtError): RtError {
    // The same token refused again for the same cause (a channel's join after a read, a `system`
    // error then the rejoin): the cause stands in its first words, not reworded by each reply
    // (QA35 L1: two `rt-error` events per refusal, 100 ms apart).
    const was = this.error;
    if (was && this.#failedWith === this.tokens.current && was.code === error.code && was.detail === error.detail) error = was;
    this.error = error;
    this.#failedWith = this.tokens.current;
    if (!this.#announced) {
      this.#announced = true;
      // At once the first time; after a growing wait while the host's answers fail in a row.
      const failures = this.#failedInARow++;
      const tell = () => {
        // A token arrived meanwhile (or the connection recovered): nothing to ask.
        const now = this.error;
        if (!now) return;
        for (const cb of [...this.#expiredListeners]) {
          try {
            cb(now);
          } catch (err) {
            console.error('[rt-monitor] rt-session-expired listener failed:', err);
          }
        }
      };
      clearTimeout(this.#askTimer);
      if (failures === 0) queueMicrotask(tell);
      else this.#askTimer = setTimeout(tell, retryDelay(ASK_AGAIN_MS, failures - 1));
    }
    this.events.changed();
    return error;
  }

  /**
   * The client's watchdog tick: a fixed token past its `exp` expires the session; a token source
   * that can be asked again is asked for a new token while the session reads expired, and
   * otherwise whether the user is still the same (sign-out or another user on a quiet page):
   * {@link TokenSource.recheck}.
   */
  checkExpiry(): void {
    const { tokens, expired } = this;
    if (tokens.expired && !expired) this.expire('the access token is past its expiry time');
    // A read got a fresh token from the source while the session read expired: renew now, not
    // at the channels' next rejoin (up to 10 s of "Session expired" over a valid session).
    // So too when the source gave another token than the one refused (at a user check).
    else if (this.failed && tokens.refreshable && !tokens.expired && (expired || tokens.current !== this.#failedWith) && msLeft(tokens.current) > 0) return void this.refresh('a fresh token');
    else if (!this.failed) this.#handOverEarly();
    tokens.recheck(expired);
  }

  /**
   * realtime-js asks the token source for the next token only at each heartbeat
   * (HEARTBEAT_INTERVAL_MS, 12.5 s): a token that lives less than that would expire on the server
   * first, and its channels be refused ("Token has expired"). A source's token with less than
   * {@link HAND_OVER_MS} left at a watchdog tick has its successor handed over now: the source's
   * newer token if one is in hand, else the source asked (one ask at a time; asked again at the
   * next tick while it answers none newer).
   */
  #handOverEarly(): void {
    const realtime = this.#realtime;
    const held = realtime?.accessTokenValue;
    const { tokens } = this;
    const left = msLeft(held ?? null);
    if (!held || this.#handingOver || !tokens.refreshable || left > HAND_OVER_MS || left <= 0) return;
    // The source's newer token of the same user is in hand already: a read, or realtime's own
    // heartbeat, asked, stopped waiting after a second and kept the held one; the answer came
    // later and was only cached (QA51 F1: a callback that takes 2.5 s). Hand that over.
    const current = tokens.current;
    if (current && current !== held && msLeft(current) > left && tokenUserId(current) === tokenUserId(held)) return void realtime.setAuth(current).catch(() => {});
    if (held !== current) return; // another user's, or none: the user change rebuilds the client
    // Asked in full (not given up on after a second, as a read does), once at a time; a token the
    // source could not renew (it answered the same one, or failed) is asked again at the next
    // tick, not left to expire (QA51 F2).
    this.#handingOver = true;
    tokens.get(true).then((token) => {
      // The same token is no successor (its two msLeft() reads straddled a clock tick: handed over again).
      if (!token || token === held || msLeft(token) <= msLeft(held) || realtime.accessTokenValue !== held || tokenUserId(token) !== tokenUserId(held)) return;
      return realtime.setAuth(token);
    }).catch(() => {}).finally(() => (this.#handingOver = false));
  }

  #handingOver = false;

  /** Get a fresh token into the realtime client (channels are re-authorised or rejoin with it). */
  refresh(reason: string): Promise<boolean> {
    if (this.#refreshing) return this.#refreshing;
    this.#refreshing = (async () => {
      try {
        if (!this.tokens.refreshable) {
          // Refused as expired while the token in hand is valid: the refusal of the one before
          // (a join answered after the page handed over a new token). Rejoin with this one; do
          // not expire the renewed session again.
          // Not one about to expire: "expired 0 seconds ago" of the token in hand, by a clock a
          // little ahead of ours, is its own refusal (QA36: "unauthorized", then 100 ms later
          // "session-expired", for one expiry).
          const current = this.tokens.current;
          if (/expired/i.test(reason) && current && msLeft(current) > STALE_REFUSAL_MS) {
            await this.#realtime?.setAuth(current);
            return true;
          }
          if (isTokenProblem(reason) || this.tokens.expired) this.refused(reason);
          else this.error = rtError('unauthorized', `The access token was refused (${reason}) and cannot be refreshed: pass accessToken as a function.`);
          return false;
        }
        const refusedToken = this.tokens.current;
        const token = await this.tokens.get(true);
        // The source answered with the very token the server refused: it cannot renew it now.
        if (token && token === refusedToken && isTokenProblem(reason) && msLeft(token) > STALE_REFUSAL_MS) {
          // Refused as expired with its `exp` still ahead on the server's clock: a server that ended
          // it early, the host's refresh of it under way. No expiry to tell yet: the channels join
          // again with it and the source is asked again at each try, for EARLY_REFUSAL_MS (QA84 F1:
          // "Session expired" and rt-session-expired over a session renewed a second later).
          const early = this.#earlyRefusal?.token === token ? this.#earlyRefusal : (this.#earlyRefusal = { token, at: Date.now() });
          if (!/expired/i.test(reason) || Date.now() - early.at >= EARLY_REFUSAL_MS) this.refused(reason);
          return false;
        }
        if (!token || msLeft(token) <= 0) {
          // The source's own failure first (a token URL's HTTP 500): the expired token it left is the last one seen, not its answer.
          this.expire(this.tokens.failure?.message ?? (this.tokens.lastAskFailed ? 'the token source could not be reached' : `the token source answered with ${token ? 'an expired token' : 'no token'}`));
          return false;
        }
        await this.#realtime?.setAuth(token);
        const wasFailed = !!this.failed;
        this.error = null;
        this.#announced = false;
        if (wasFailed) this.events.renewed();
        return true;
      } catch (err) {
        this.error = rtError('unauthorized', `Token refresh failed: ${messageOf(err)}`);
        return false;
      }
    })().finally(() => {
      // After the assignment above, also when the body finished without waiting (a fixed
      // token): a `finally` inside it ran first and left every later refresh this answer.
      this.#refreshing = null;
      this.events.changed();
    });
    return this.#refreshing;
  }
}
