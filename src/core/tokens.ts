/**
 * Where the user's access token comes from. Never throws.
 *
 * - a fixed string (`access-token` attribute, `data-access-token`): used until it expires; then
 *   the session is *expired* until the host hands over a new one ({@link TokenSource.set});
 * - an async callback (`accessToken: async () => session.access_token`), called again when the
 *   cached token is close to its `exp` or when the server refuses it;
 * - a host SupabaseClient: its Supabase Auth session (`auth.getSession()`), or, for a client made
 *   with supabase-js's third-party `accessToken` option (Clerk, Auth0, Firebase, Cognito; then
 *   `client.auth` throws on any access), that callback (`client.accessToken()`).
 */
import { decodeJwt, isNotJwt, NOT_A_JWT, refuseKey, supabaseAuthIssuedAt, tokenExpiry, tokenUserId } from './jwt.js';
import { clockSkew, observeServerTime, serverNow } from './server-clock.js';
import type { SupabaseLike } from './supabase-like.js';
import type { RtError } from './types.js';
import { messageOf, rtError } from './errors.js';
import { retryDelay, TOKEN_RETRY_MS } from './retry.js';
import { afterPageScripts } from './page-parsed.js';

export type AccessTokenOption = string | null | undefined | (() => Promise<string | null> | string | null);

/** How long `token` is valid for on the server's clock (ms; Infinity without `exp` or token). */
export const msLeft = (token: string | null): number => (tokenExpiry(token) ?? Infinity) - serverNow();

/**
 * Whether a token handed over at run time (`setAccessToken`) is refused in place of `current`, one
 * that still works: it is no JWT (a mistyped or a refresh token). The console says why; the widgets
 * keep what they show (QA88a F2: a mistyped token wiped every widget's rows, the one it replaced
 * good for another hour). An expired token is taken: the page gave the session up, and every
 * widget says "Session expired" (QA37 N3).
 */
export function refusedHandOver(token: string | null, current: string | null | undefined): boolean {
  if (!token || !current || isNotJwt(current) || (clockSkew() !== null && msLeft(current) <= 0) || !isNotJwt(token)) return false;
  console.error(`rt-monitor: setAccessToken() refused the token: ${NOT_A_JWT} The current one is kept until it expires.`);
  return true;
}

/** Refresh a cached callback token this long before it expires (at most half its lifetime). */
const EARLY_MS = 30_000;

/**
 * How long before its expiry a callback's token is asked for again (ms): {@link EARLY_MS}, or half
 * the token's lifetime (`exp` − `iat`) when that is shorter. A 20 s token serves its first 10 s:
 * asked for again on every read, each of a client's widgets asked the source once more (QA57 F1:
 * six asks per client, and a source that failed one in three was never left alone). Without `iat`
 * (a token that does not say how long it lives): {@link EARLY_MS}.
 */
function earlyMs(token: string | null): number {
  const { iat, exp } = decodeJwt(token) ?? {};
  return typeof iat === 'number' && typeof exp === 'number' && exp > iat ? Math.min(EARLY_MS, ((exp - iat) * 1000) / 2) : EARLY_MS;
}

/**
 * A token source that can be asked again (a callback, a host session) is asked at most this
 * often while widgets are connected, to notice a sign-out or another user without waiting for a
 * write, a re-read or the token's expiry.
 */
export const USER_CHECK_MS = 5000;
/** A token callback (or host session read) that has not answered after this long has failed. */
export const TOKEN_TIMEOUT_MS = 10_000;
/**
 * While a valid token is in hand, a read does not wait longer than this (ms) for a source asked
 * because that token is within 30 s of its expiry: the valid token serves it, the answer the next.
 */
export const SLOW_SOURCE_MS = 1000;


/**
 * What a token callback throws (or rejects with) when its token service cannot be reached right
 * now: offline, an HTTP 5xx, a timeout of its own. Unlike any other error or an answer of no
 * token (a sign-out), the last token is used while it is still valid and the source asked again
 * with back-off (1, 2, then every 5 s); only once that token has expired is the session expired.
 * supabase-js's `AuthRetryableFetchError` and the browser's own network failure of `fetch`
 * (a `TypeError`) are read the same way.
 *
 *   accessToken: async () => {
 *     const res = await fetch('/api/token').catch(() => null);
 *     if (!res || res.status >= 500) throw new TokenUnavailableError('token service unavailable');
 *     return res.ok ? (await res.json()).access_token : null; // 401: signed out
 *   }
 */
export class TokenUnavailableError extends Error {
  override name = 'TokenUnavailableError';
}

/** Whether a token source's error says it cannot be reached now (see {@link TokenUnavailableError}). */
export function isTokenUnavailable(err: unknown): boolean {
  const { name, message } = (err ?? {}) as Partial<Error>;
  return (
    name === 'TokenUnavailableError' ||
    name === 'AuthRetryableFetchError' ||
    // fetch's network failure: Chromium, Firefox, Safari (a TypeError without a message tests "undefined")
    (name === 'TypeError' && /^(Failed to fetch|NetworkError when attempting|Load failed)/.test(message!))
  );
}

/** `host.auth.getSession` when the host uses Supabase Auth; null for a third-party-auth client. */
function hostSessionReader(host: SupabaseLike | undefined): (() => Promise<string | null>) | null {
  if (!host) return null;
  let auth: SupabaseLike['auth'];
  try {
    auth = host.auth; // a Proxy that throws on property access for third-party-auth clients
    if (!auth || typeof auth.getSession !== 'function') return null;
  } catch {
    return null;
  }
  return async () => {
    const { data, error } = await auth!.getSession();
    // Its refresh could not reach Supabase Auth (offline): unavailable, not signed out.
    if (isTokenUnavailable(error)) throw error;
    return data?.session?.access_token ?? null;
  };
}

/** supabase-js's third-party `accessToken` callback of a host client, when it has one. */
export function hostTokenCallback(host: unknown): (() => Promise<string | null>) | null {
  try {
    const fn = (host as { accessToken?: unknown } | null)?.accessToken;
    if (typeof fn !== 'function') return null;
    return async () => ((await (fn as () => unknown).call(host)) as string | null | undefined) ?? null;
  } catch {
    return null;
  }
}

/**
 * What a token callback (the `accessToken` option, or a host client's) answered last: a failure
 * (its cause, back-off) or no token (a sign-out, when). A client built anew over the same source
 * within that back-off or user check (after the sign-out it caused) starts from it — the cause shown at once, no
 * request before the back-off or the next user check — instead of asking the same hung or
 * signed-out source again at once (QA16 N2; QA17: a burst of token requests after a sign-out).
 */
const lastAnswers = new WeakMap<object, LastAnswer>();

/**
 * A source's last answer, for the next client over it: the failure and its back-off, when it
 * answered no token, when it was last asked, and the token it gave (with when).
 */
interface LastAnswer {
  failure: RtError | null;
  retryAt: number;
  failures: number;
  noneAt: number;
  checkedAt: number;
  token: string | null;
}

export class TokenSource {
  #cached: string | null = null;
  #inflight: Promise<string | null> | null = null;
  /** A token handed over at run time (`set()`): replaces a fixed option. */
  #given: string | null = null;
  readonly #load: (() => Promise<string | null>) | null;

  constructor(
    private readonly option: AccessTokenOption,
    private readonly host?: SupabaseLike,
    /** How long a load may take before it has failed (ms). */
    private readonly timeoutMs = TOKEN_TIMEOUT_MS,
  ) {
    if (typeof option === 'string' && option) {
      this.#cached = option;
      observeServerTime(supabaseAuthIssuedAt(option));
      this.#user = tokenUserId(option);
      this.#everUser = !!this.#user;
    }
    const hostCallback = !option && host ? hostTokenCallback(host) : null;
    if (typeof option === 'function') this.#load = async () => (await option()) ?? null;
    else if (!option && host) this.#load = hostCallback ?? hostSessionReader(host);
    else this.#load = null;
    // A callback says nothing when its user changes; a host's Supabase Auth session does
    // (onAuthStateChange, ./host-auth.ts), and asking its getSession() early would refresh it.
    this.#asksCallback = typeof option === 'function' || !!hostCallback;
    this.viaHostCallback = !!hostCallback;
    // Not a host's Supabase Auth session: a client is built anew over it on its auth events, which
    // are news (QA31: built on SIGNED_IN, it took the signed-out client's "no token" for good).
    const last = this.#asksCallback ? lastAnswers.get(this.#key) : undefined;
    if (last && Date.now() < Math.max(last.retryAt, last.noneAt + USER_CHECK_MS)) {
      ({ failure: this.#failure, retryAt: this.#retryAt, failures: this.#failures, noneAt: this.#noneAt, checkedAt: this.#checkedAt } = last);
      this.#user = null; // as the last client saw it: its next token is a user change
    } else if (last?.token && Date.now() - last.checkedAt < USER_CHECK_MS) {
      // Built for the user change that answer made (a sign-in after "none"): it starts from that
      // token, not by asking again at once (QA57 F1: every new client asked the failing source
      // again, and one failure in three rebuilt it again, about once a second).
      this.#cached = last.token;
      this.#checkedAt = last.checkedAt;
      this.#user = tokenUserId(last.token);
      this.#everUser = !!this.#user;
    }
  }

  /**
   * The source is a host client's own token callback (supabase-js's `accessToken` option), which
   * that client also calls before each of its requests: one that throws fails them unsent.
   */
  readonly viaHostCallback: boolean;

  /** What {@link lastAnswers} knows this source by. */
  get #key(): object {
    return (typeof this.option === 'function' ? this.option : this.host) as object;
  }

  /** Whether a fresh token can be obtained by asking again (callback or host session). */
  get refreshable(): boolean {
    return this.#load !== null;
  }

  /** The last token seen (may be expired); null when anonymous. */
  get current(): string | null {
    if (this.#given) return this.#given;
    if (!this.option && this.host && !this.#cached) return this.host.realtime.accessTokenValue ?? null;
    return this.#cached;
  }

  /** When the user's token expires (epoch ms), or null without one (a host client's anon key is none). */
  get expiresAt(): number | null {
    const token = this.current;
    return tokenUserId(token) ? tokenExpiry(token) : null;
  }

  /**
   * A token whose `exp` has passed on the server's clock and that asking again does not renew: a
   * fixed token, or a source whose last answer was already expired (a provider's `access-token`
   * set to an old token). Before any server time was seen the page's clock cannot be trusted for
   * this (hours off on some machines): then only the server's refusal (a closed channel, a REST
   * 401) expires the session.
   */
  get expired(): boolean {
    return (!this.refreshable || this.#gaveExpired) && this.#past(this.current);
  }

  /** A source that answered with an expired token cannot renew it (until it answers otherwise). */
  #gaveExpired = false;

  #past(token: string | null): boolean {
    return clockSkew() !== null && msLeft(token) <= 0;
  }

  /** Hand over a new token at run time (the host answered `rt-session-expired`, or set a new one). */
  set(token: string | null): void {
    if (token) this.#fail(null);
    if (typeof this.option === 'function') {
      this.#cached = token || this.#cached; // the callback stays the source; this one is used until near exp
    } else {
      this.#given = token || null;
      this.#cached = this.#given ?? (typeof this.option === 'string' ? this.option || null : this.#cached);
    }
    this.#noteUser(this.current);
  }

  /** Called when a token of another user (another `sub`, or none) replaces the first one seen. */
  onUserChange: ((userId: string | null) => void) | null = null;
  #user: string | null | undefined;

  #noteUser(token: string | null): void {
    // Supabase Auth's `iat` is a time on the server's side, no later than now: a bound of the
    // clock skew independent of Realtime (whose timestamps alone cannot tell lag from skew).
    // Another issuer's clock is not the server's (./jwt.ts).
    observeServerTime(supabaseAuthIssuedAt(token));
    const user = tokenUserId(token);
    if (user) this.#everUser = true;
    if (this.#user === undefined) this.#user = user;
    else if (user !== this.#user) {
      this.#user = user;
      this.onUserChange?.(user);
    }
  }

  /** A token good for at least ~30 s if obtainable; `force` asks the source again regardless. */
  async get(force = false): Promise<string | null> {
    if (this.#given) return this.#given;
    const opt = this.option;
    if (typeof opt === 'string' && opt) return opt;
    if (!this.#load) {
      // Anonymous from the markup: the page's own load-time scripts may still hand the user's
      // token over (./page-parsed.ts). Until they ran, nothing is read or joined as nobody; a
      // client replaced meanwhile (by one with that token) sends nothing at all.
      // Nor before the task that made it ended: the code that made it may hand one over next (a
      // loader page's queued `setAccessToken`, run a microtask after the client part configured
      // the page from its tag: QA59 F1; a script tag's `onload`).
      if (!opt && !this.host) return (await this.started()) ? this.#given : new Promise<never>(() => {});
      return this.host?.realtime.accessTokenValue ?? null;
    }
    const held = this.#cached;
    const left = msLeft(held);
    if (typeof opt === 'function' && !force && held && left > earlyMs(held)) return held;
    // No token a moment ago (signed out): the same answer until the next user check, not one
    // request per read or refused join (a sign-out rebuilds every widget's queries at once).
    if (!held && Date.now() - this.#noneAt < USER_CHECK_MS) return null;
    const answer = this.#fetchOnce(this.#load);
    // Renewing a callback's token that is still valid: a slow source does not hold the read up.
    if (typeof opt !== 'function' || force || !held || left <= 0) return answer;
    let timer: ReturnType<typeof setTimeout>;
    const slow = new Promise<string>((resolve) => (timer = setTimeout(resolve, SLOW_SOURCE_MS, held)));
    return Promise.race([answer, slow]).finally(() => clearTimeout(timer));
  }

  /** When the source last answered with no token (ms). */
  #noneAt = 0;

  #checkedAt = 0;
  readonly #asksCallback: boolean;

  /**
   * The client's watchdog tick. While the session reads `expired`, a source that can be asked
   * again (callback or host session) is asked within its back-off: nothing else asks once reads
   * and channels wait for a new token, and a host's Supabase Auth session refreshed after Auth
   * could be reached again says so by no event rt-monitor follows for the same user. Otherwise a
   * token callback last asked {@link USER_CHECK_MS} ago or more is asked again: one that now
   * returns another user's token, or none, fires `onUserChange`. A fixed token, a token handed
   * over with `set()` and a live host Supabase Auth session (followed through its auth events)
   * are not asked.
   */
  recheck(expired = false, now = Date.now()): void {
    if (!this.#load || this.#given) return;
    if (expired) void this.get();
    else if (this.#asksCallback && now - this.#checkedAt >= USER_CHECK_MS) void this.#fetchOnce(this.#load); // sets #checkedAt
  }

  /** After a failed load, the source is not asked again before this time (back-off: 1, 2, then every 5 s). */
  #retryAt = 0;
  #failures = 0;

  /** Whether a signed-in user's token was ever obtained (then "no token now" means an expired session). */
  get hadUserToken(): boolean {
    return this.#everUser;
  }
  #everUser = false;

  /**
   * Why the source's last answer was no answer (`unauthorized`, detail `token-failed`): the callback
   * threw (Auth0's `login_required` after a sign-out, a token endpoint's 503) or did not answer
   * within {@link TOKEN_TIMEOUT_MS}; null after an answer.
   */
  get failure(): RtError | null {
    return this.#failure;
  }

  /** The source's last ask failed (unreachable, or it threw), whether or not a valid token it gave before still serves. */
  get lastAskFailed(): boolean {
    return this.#failures > 0;
  }
  #failure: RtError | null = null;

  /** Called when {@link failure} changes (a failure, another one, or an answer after one). */
  onFailureChange: (() => void) | null = null;

  #fail(failure: RtError | null): void {
    if (failure === this.#failure) return;
    this.#failure = failure;
    this.onFailureChange?.();
  }

  /**
   * Ask the source. A load that throws or hangs is no token: the previous one, while still valid
   * (a signed-out user's), is not used again, the user reads as none (`onUserChange(null)`), and the
   * source is asked again after the back-off; its next token is a user change again. A source
   * that cannot be reached ({@link isTokenUnavailable}) is no sign-out: a still valid token is
   * kept (asked again after the back-off), an expired one expires the session.
   */
  #fetchOnce(load: () => Promise<string | null>): Promise<string | null> {
    if (this.#inflight) return this.#inflight;
    if (Date.now() < this.#retryAt) return Promise.resolve(this.#cached);
    this.#checkedAt = Date.now();
    const run = ++this.#runs;
    return (this.#inflight = (async () => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${this.timeoutMs / 1000} s`)), this.timeoutMs);
      });
      const superseded = new Promise<{ next: Promise<string | null> }>((resolve) => (this.#supersede = (next) => resolve({ next })));
      try {
        const won = await Promise.race([load().then((token) => ({ token: refuseKey(token) })), timeout, superseded]);
        // The source was replaced meanwhile: this load's callers get the new one's answer.
        if ('next' in won) return won.next;
        const { token } = won;
        this.#cached = token;
        this.#noneAt = token ? 0 : Date.now();
        this.#gaveExpired = this.#past(token);
        this.#fail(null);
        this.#noteUser(token);
        this.#failures = 0;
        this.#retryAt = 0;
        this.#remember();
        return token;
      } catch (err) {
        this.#retryAt = Date.now() + retryDelay(TOKEN_RETRY_MS, this.#failures);
        if (this.#failures++ === 0) console.warn('[rt-monitor] could not get an access token (retrying with back-off):', err);
        // Unreachable while the last token is valid: that token serves meanwhile.
        if (isTokenUnavailable(err) && this.#cached && msLeft(this.#cached) > 0) return this.#cached;
        this.#fail(rtError('unauthorized', `Could not get an access token: ${messageOf(err)}`, 'token-failed'));
        this.#remember();
        // Unreachable past the last token's expiry: that token stays the last seen, the session
        // has expired (Session expired, rt-session-expired). Any other failure is a sign-out
        // (Auth0's login_required), before or after the expiry: the token is not used again.
        if (isTokenUnavailable(err) && this.#cached) this.#gaveExpired = true;
        else {
          this.#cached = null;
          this.#gaveExpired = false;
        }
        this.#noteUser(this.#cached);
        return this.#cached;
      } finally {
        clearTimeout(timer);
        if (this.#runs === run) {
          this.#inflight = null;
          this.#supersede = null;
        }
      }
    })());
  }

  #remember(): void {
    lastAnswers.set(this.#key, { failure: this.#failure, retryAt: this.#retryAt, failures: this.#failures, noneAt: this.#noneAt, checkedAt: this.#checkedAt, token: this.#cached });
  }

  /** Loads started: the last one owns `#inflight`. */
  #runs = 0;

  /** Hands the callers of the load in flight over to the next load (see {@link reload}). */
  #supersede: ((next: Promise<string | null>) => void) | null = null;

  #closed = false;
  /** Settled in the task after this source was made. */
  readonly #taskEnded = new Promise<void>((resolve) => setTimeout(resolve, 0));

  /**
   * Settles with true once the client may read, join and connect as far as its token goes: at
   * once, except for a source anonymous from the markup (no token, callback or host), which first
   * waits for the page's load-time scripts and the end of the task that made it (see `get()`), unless
   * a token was handed over meanwhile. False once closed: its client was retired.
   */
  async started(): Promise<boolean> {
    if (!this.option && !this.host && !this.#given) await (afterPageScripts() ?? this.#taskEnded);
    return !this.#closed;
  }

  /** Its client was disposed: a read or join still waiting for the page's scripts never goes out. */
  close(): void {
    this.#closed = true;
  }

  /**
   * The source was replaced (a provider's `accessToken` set to a new callback, or
   * `client.refreshAuth()`): ask it now, with no back-off. A load still in flight (a previous
   * callback that hangs) is not waited for: its callers get this answer, and its own is dropped.
   */
  reload(): Promise<string | null> {
    if (!this.#load) return this.get();
    const handOver = this.#supersede;
    this.#inflight = null;
    this.#supersede = null;
    this.#retryAt = 0;
    const next = this.#fetchOnce(this.#load);
    handOver?.(next);
    return next;
  }
}
