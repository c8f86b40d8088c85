/**
 * Resolving a live query's parameters (the signed-in user, the default org, a stream id) into a
 * query ({@link ResolvedFeed}), once, for {@link LiveQueryStore}. A cause that may pass (the
 * network, the server, an expired session) is tried again after the retry backoff, unless it waits
 * for a new token; `retry()` tries again at once (a refresh, a new token). A cause that will not
 * pass (a missing attribute) stays. Framework-free.
 */
import type { RtError } from './types.js';
import type { ResolvedFeed } from './feeds/feed.js';
import { isRtError, messageOf, rtError, waitsForToken } from './errors.js';
import { retryDelay } from './retry.js';

/** Error codes of a resolution tried again (the others are the page's to fix). */
const MAY_PASS: readonly string[] = ['network', 'server', 'unauthorized', 'session-expired'];

export interface FeedResolutionOptions {
  /** Resolves the parameters; may fail with an RtError (a throw reads as `bad-config`). */
  resolve: () => Promise<ResolvedFeed | RtError>;
  /** Delays between tries after a cause that may pass (ms); the last one repeats. */
  retryDelays?: number[];
  /** Resolved (called once). */
  resolved(feed: ResolvedFeed): void;
  /** Not resolved, with the cause (called on every failed try). */
  failed(error: RtError): void;
}

export class FeedResolution {
  /** The last try failed for a cause that may pass: `retry()` tries again. */
  #pending = false;
  #tries = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #stopped = false;

  readonly #options: FeedResolutionOptions;

  constructor(options: FeedResolutionOptions) {
    this.#options = options;
  }

  start(): void {
    void this.#try();
  }

  /** Try again now, if the last try failed for a cause that may pass (otherwise nothing). */
  retry(): void {
    if (!this.#pending || this.#stopped) return;
    this.#pending = false;
    clearTimeout(this.#timer);
    void this.#try();
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
  }

  async #try(): Promise<void> {
    let resolved: ResolvedFeed | RtError;
    try {
      resolved = await this.#options.resolve();
    } catch (err) {
      resolved = rtError('bad-config', messageOf(err));
    }
    if (this.#stopped) return;
    if (!isRtError(resolved)) return this.#options.resolved(resolved);
    this.#pending = MAY_PASS.includes(resolved.code);
    this.#options.failed(resolved);
    if (this.#pending && !waitsForToken(resolved)) this.#timer = setTimeout(() => this.retry(), retryDelay(this.#options.retryDelays, this.#tries++));
  }
}
