/**
 * Following a host page's own SupabaseClient through sign-in, user switch and sign-out.
 *
 * A client built over the host's SupabaseClient reuses its socket and session; but "my alerts"
 * queries are keyed by the signed-in user. When the host's user changes, the owner (the provider,
 * or the page default client) builds a fresh rt-monitor client over the same host client, so every
 * widget re-resolves its user and org and re-reads its snapshot under the new session.
 */

interface AuthLike {
  onAuthStateChange(
    callback: (event: string, session: { user?: { id?: string } | null } | null) => void,
  ): { data?: { subscription?: { unsubscribe(): void } } } | unknown;
}

/**
 * Calls `onUserChange` when the host client's signed-in user id changes (another user, or signed
 * out). The first event (the session at subscription time) only records the current user.
 * Returns an unsubscribe function; a no-op for clients without `auth.onAuthStateChange`.
 */
export function followHostAuth(host: unknown, onUserChange: (userId: string | null) => void): () => void {
  let auth: Partial<AuthLike> | undefined;
  try {
    // A client made with supabase-js's third-party `accessToken` option throws on `auth.<anything>`:
    // it has no Supabase Auth session to follow (its token callback is followed instead).
    auth = (host as { auth?: Partial<AuthLike> } | null)?.auth;
    if (!auth || typeof auth.onAuthStateChange !== 'function') return () => {};
  } catch {
    return () => {};
  }
  let current: string | null | undefined;
  let active = true;
  const result = auth.onAuthStateChange((_event, session) => {
    const user = session?.user?.id ?? null;
    if (current === undefined) {
      current = user;
      return;
    }
    if (user === current) return;
    current = user;
    if (active) onUserChange(user);
  }) as { data?: { subscription?: { unsubscribe(): void } } } | undefined;
  return () => {
    active = false;
    result?.data?.subscription?.unsubscribe();
  };
}
