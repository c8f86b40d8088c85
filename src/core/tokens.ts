/**
 * Where the user's access token comes from: a fixed string, an async callback (called again
 * when the cached token is close to its `exp`, or when the server refuses it), or a host
 * SupabaseClient's session. Never throws.
 */
import { tokenExpiry } from './jwt.js';
import type { SupabaseLike } from './supabase-like.js';

export type AccessTokenOption = string | null | undefined | (() => Promise<string | null> | string | null);

/** Refresh a cached callback token this long before it expires. */
const EARLY_MS = 30_000;

export class TokenSource {
  private cached: string | null = null;
  private inflight: Promise<string | null> | null = null;

  constructor(
    private readonly option: AccessTokenOption,
    private readonly host?: SupabaseLike,
  ) {
    if (typeof option === 'string' && option) this.cached = option;
  }

  /** Whether a fresh token can be obtained (callback or host session). */
  get refreshable(): boolean {
    return typeof this.option === 'function' || (!this.option && !!this.host);
  }

  /** The last token seen (may be expired); null when anonymous. */
  get current(): string | null {
    if (!this.option && this.host) return this.host.realtime.accessTokenValue ?? this.cached;
    return this.cached;
  }

  get expiresAt(): number | null {
    return tokenExpiry(this.current);
  }

  /** A token good for at least ~30 s if obtainable; `force` asks the source again regardless. */
  async get(force = false): Promise<string | null> {
    const opt = this.option;
    if (typeof opt === 'string') return opt || null;
    if (typeof opt === 'function') {
      const exp = tokenExpiry(this.cached);
      if (!force && this.cached && (exp === null || exp - Date.now() > EARLY_MS)) return this.cached;
      return this.fetchOnce(async () => (await opt()) ?? null);
    }
    if (this.host?.auth?.getSession) {
      return this.fetchOnce(async () => {
        const { data } = await this.host!.auth!.getSession();
        return data?.session?.access_token ?? null;
      });
    }
    return this.host?.realtime.accessTokenValue ?? null;
  }

  private fetchOnce(load: () => Promise<string | null>): Promise<string | null> {
    if (this.inflight) return this.inflight;
    this.inflight = (async () => {
      try {
        const token = await load();
        this.cached = token;
        return token;
      } catch (err) {
        console.warn('[rt-monitor] could not get an access token:', err);
        return this.cached;
      } finally {
        this.inflight = null;
      }
    })();
    return this.inflight;
  }
}
